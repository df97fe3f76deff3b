"""The SMS channel: a Twilio-shaped webhook in, Twilio's Messages API out (credentials.yml: …sms.SmsInput).

  POST /webhooks/sms/webhook   the gateway's form (From, To, Body, MessageSid…), signed; answered at once
                               with an empty TwiML <Response/>, the reply sent later through the REST API

Off (404) while OPASTIN_SMS_ACCOUNT_SID is unset; with it, OPASTIN_SMS_AUTH_TOKEN, OPASTIN_SMS_FROM,
OPASTIN_SMS_WEBHOOK_URL (the webhook's public URL, exactly as set at the gateway: it is what is signed)
and OPASTIN_PSEUDONYM_KEY must be set too, or the server does not start. A request without a valid
X-Twilio-Signature gets 403 and reaches no bot. The same MessageSid is answered once. The conversation's
id is a keyed hash of the phone number (opastin/channels/pseudonyms.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin import retention
from opastin.channels import delivery
from opastin.channels.config import positive_int, pseudonym_key, required, setting
from opastin.channels.hub import PushHub, shared_hub
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.sms_answer import SmsReplies
from opastin.channels.sms_bot import SmsBot
from opastin.channels.sms_outbound import SmsOutbound
from opastin.channels.turns import LanguageOf, tracker_language
from opastin.channels.twilio_api import DEFAULT_API, SIGNATURE_HEADER, TwilioApi, valid_signature
from opastin.handoff.queue import HandoffStore, shared_store

MAX_FORM = 32 * 1024  # bytes: a 1,600-character message with the gateway's other fields fits many times over
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
DEFAULT_SEGMENTS = 4


@dataclass(frozen=True)
class SmsSettings:
    account_sid: str
    auth_token: str
    sender: str
    webhook_url: str
    api_base: str
    max_segments: int
    pseudonym_key: str

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsSettings | None:
        """None while OPASTIN_SMS_ACCOUNT_SID is unset (the channel is off); ChannelSettingError when half set."""
        account = setting(credentials, "account_sid", "OPASTIN_SMS_ACCOUNT_SID")
        if account is None:
            return None
        values = required(
            "sms",
            {
                "OPASTIN_SMS_AUTH_TOKEN": setting(credentials, "auth_token", "OPASTIN_SMS_AUTH_TOKEN"),
                "OPASTIN_SMS_FROM": setting(credentials, "from", "OPASTIN_SMS_FROM"),
                "OPASTIN_SMS_WEBHOOK_URL": setting(credentials, "webhook_url", "OPASTIN_SMS_WEBHOOK_URL"),
            },
        )
        segments = setting(credentials, "max_segments", "OPASTIN_SMS_MAX_SEGMENTS")
        return cls(
            account_sid=account,
            auth_token=values["OPASTIN_SMS_AUTH_TOKEN"],
            sender=values["OPASTIN_SMS_FROM"],
            webhook_url=values["OPASTIN_SMS_WEBHOOK_URL"],
            api_base=setting(credentials, "api_base", "OPASTIN_SMS_API", DEFAULT_API) or DEFAULT_API,
            max_segments=positive_int("sms", "OPASTIN_SMS_MAX_SEGMENTS", segments, DEFAULT_SEGMENTS),
            pseudonym_key=pseudonym_key("sms", credentials),
        )


class SmsInput(InputChannel):
    def __init__(
        self,
        settings: SmsSettings | None,
        *,
        store: HandoffStore | None = None,
        hub: PushHub | None = None,
        language_of: LanguageOf | None = None,
        erase: Callable[[str], Any] = retention.erase,
    ) -> None:
        self.settings = settings
        self._store = store
        self._language_of = language_of
        self.bot: SmsBot | None = None
        if settings is not None:
            api = TwilioApi(settings.account_sid, settings.auth_token, settings.sender, settings.api_base)
            replies = SmsReplies(api, settings.max_segments)
            senders = Pseudonyms(settings.pseudonym_key, "sms")
            self.bot = SmsBot(replies, senders, lambda: self.store, hub or shared_hub(), erase)

    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        return cls(SmsSettings.from_credentials(credentials))

    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = shared_store()
        return self._store

    def signed_url(self, request: Request) -> str:
        """The URL the gateway signed: the public one, with the query string it called (if the setting has none)."""
        assert self.settings is not None
        url = self.settings.webhook_url
        query = request.query_string
        return f"{url}?{query}" if query and not urlsplit(url).query else url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms = Blueprint("opastin_sms", __name__)
        bot, settings = self.bot, self.settings
        if bot is not None:
            delivery.register(self.name(), SmsOutbound(bot.replies))

            @sms.listener("before_server_stop")
            async def finish(app: Any, loop: Any) -> None:
                await bot.background.drain(seconds=10)
                await bot.replies.api.client.close()

        @sms.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if bot is None or settings is None:
                return response.json({"ok": False, "error": "the SMS channel is off (OPASTIN_SMS_ACCOUNT_SID)"}, 404)
            form = _form(request)
            if form is None:
                return response.json({"ok": False, "error": "the body must be a form (x-www-form-urlencoded)"}, 400)
            given = request.headers.get(SIGNATURE_HEADER, "")
            if not valid_signature(settings.auth_token, self.signed_url(request), form, given):
                return response.json({"ok": False, "error": "wrong or missing X-Twilio-Signature"}, 403)
            bot.take(dict(form), on_new_message, self._language_of or tracker_language(request.app))
            return response.text(EMPTY_TWIML, content_type="text/xml; charset=utf-8")

        return sms


def _form(request: Request) -> list[tuple[str, str]] | None:
    """Every (name, value) pair as sent, blank values too: the signature covers all of them."""
    body = request.body or b""
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if len(body) > MAX_FORM or kind != "application/x-www-form-urlencoded":
        return None
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return None
