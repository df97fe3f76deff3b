"""A fake Twilio: the Messages API (POST /2010-04-01/Accounts/<sid>/Messages.json, basic auth, Twilio's JSON
answers and errors) recording what was sent, and webhooks signed as Twilio signs them.

The signing uses the official twilio library's RequestValidator (installed with Rasa), so a channel's
own validation is checked against Twilio's implementation, not against itself.
"""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import requests
from aiohttp import web
from twilio.request_validator import RequestValidator

from opastin.channels.sms_text import segments

MAX_BODY = 1600  # characters Twilio takes in one message's Body


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    messages: list[dict[str, str]] = field(default_factory=list)
    _failures: list[tuple[int, int | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(r"/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        return app

    def fail_next(self, status: int, retry_after: int | None = None, times: int = 1) -> None:
        self._failures.extend([(status, retry_after)] * times)

    def sent(self, to: str | None = None) -> list[dict[str, str]]:
        with self._lock:
            return [m for m in self.messages if to is None or m["To"] == to]

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user == self.account_sid and password == self.auth_token

    @staticmethod
    def _error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
        body = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return web.json_response(body, status=status, headers=headers)

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request) or request.match_info["sid"] != self.account_sid:
            return self._error(401, 20003, "Authenticate")
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        if self._failures:
            status, retry_after = self._failures.pop(0)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
            with self._lock:
                self.messages.append({**form, "failed": str(status)})
            return self._error(status, 20429 if status == 429 else 20500, "Too Many Requests", headers)
        if not form.get("To"):
            return self._error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self._error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message")
        body = form.get("Body", "")
        if not body:
            return self._error(400, 21602, "Message body is required.")
        if len(body) > MAX_BODY:
            return self._error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        sid = "SM" + uuid.uuid4().hex
        with self._lock:
            self.messages.append({**form, "sid": sid})
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        return web.json_response(
            {
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "body": body,
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "num_media": "0",
                "num_segments": str(segments(body)),
                "price": None,
                "price_unit": "EUR",
                "sid": sid,
                "status": "queued" if form.get("From") else "accepted",
                "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
                "to": form["To"],
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            },
            status=201,
        )


def inbound(account_sid: str, to: str, sender: str, body: str, message_sid: str | None = None) -> dict[str, str]:
    """The form Twilio posts to a messaging webhook for an incoming SMS."""
    sid = message_sid or "SM" + uuid.uuid4().hex
    return {
        "ToCountry": "FI",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "FI",
        "To": to,
        "MessagingServiceSid": "",
        "ToZip": "",
        "NumSegments": str(segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def post_webhook(
    url: str, auth_token: str, form: dict[str, Any], *, signed_url: str | None = None
) -> requests.Response:
    """POSTs the form as Twilio does, with X-Twilio-Signature over `signed_url` (the public URL; default `url`)."""
    signature = RequestValidator(auth_token).compute_signature(signed_url or url, form)
    headers = {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}
    return requests.post(url, data=form, headers=headers, timeout=30)
