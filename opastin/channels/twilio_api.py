"""Twilio's side of SMS: the webhook's signature (X-Twilio-Signature) and the Messages API that sends replies.

The shape is Twilio's (https://www.twilio.com/docs/usage/webhooks/webhooks-security,
https://www.twilio.com/docs/messaging/api/message-resource), which many Finnish SMS gateways also
offer; the API's base URL is a setting. The signature is base64(HMAC-SHA1(auth token, the webhook's
URL as the gateway calls it + every POST parameter's name and value, sorted by name)), compared in
constant time. Behind a proxy that URL is the public one (a setting), not the one this server sees.
Errors are logged by HTTP status and Twilio's error code only (its message may quote the number).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from opastin.channels.api_client import ApiClient, ApiReply

log = logging.getLogger(__name__)

DEFAULT_API = "https://api.twilio.com"
SIGNATURE_HEADER = "x-twilio-signature"
DEFAULT_PORTS = {"https": 443, "http": 80}


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's signature of a form POST: a name with several values contributes each distinct one, sorted."""
    pairs = sorted(set(params))
    signed = url + "".join(name + value for name, value in pairs)
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _url_variants(url: str) -> list[str]:
    """The URL without a port and with one (the scheme's default when it has none), as Twilio's own
    validators try both: what is signed depends on how the webhook's URL was written at the gateway."""
    parts = urlsplit(url)
    if parts.port is None:
        with_port = parts._replace(netloc=f"{parts.netloc}:{DEFAULT_PORTS.get(parts.scheme, 80)}")
        return [url, urlunsplit(with_port)]
    return [urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])), url]


def valid_signature(auth_token: str, url: str, params: list[tuple[str, str]], given: str) -> bool:
    if not given:
        return False
    expected = [signature(auth_token, variant, params) for variant in _url_variants(url)]
    return any(hmac.compare_digest(candidate.encode(), given.strip().encode()) for candidate in expected)


class TwilioApi:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str = DEFAULT_API,
        client: ApiClient | None = None,
    ) -> None:
        self.account_sid = account_sid
        self._auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.sender = sender  # the service's number (+358…) or a Messaging Service (MG…)
        self._url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.client = client or ApiClient("twilio")

    async def send(self, to: str, body: str) -> str | None:
        """Sends one SMS (Twilio splits a long body into parts); returns its SID, or None when refused."""
        form = {"To": to, "Body": body}
        form["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        reply: ApiReply = await self.client.post(self._url, "Messages", data=form, auth=self._auth)
        sid = reply.body.get("sid")
        if reply.ok and isinstance(sid, str):
            return sid
        log.warning("twilio Messages failed: HTTP %s, code %s", reply.status, reply.body.get("code"))
        return None
