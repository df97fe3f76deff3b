"""The Telegram channel: a bot's webhook in, the Bot API out (credentials.yml: opastin.channels.telegram.TelegramInput).

  POST /webhooks/telegram/webhook   a Telegram Update; answered 200 at once, handled in the background
                                    in order per conversation (opastin/channels/telegram_bot.py)

Off (404) while OPASTIN_TELEGRAM_TOKEN is unset; with it, OPASTIN_TELEGRAM_SECRET and
OPASTIN_PSEUDONYM_KEY must be set too, or the server does not start. Only a request carrying the
webhook's secret (X-Telegram-Bot-Api-Secret-Token, registered by `make telegram-webhook`) is read;
any other gets 403 and reaches no bot. The conversation's id is a keyed hash of the chat id
(opastin/channels/pseudonyms.py). "/start" greets in the language of the person's Telegram app when
it is Finnish, Swedish or English; after that the language follows what they write, as on the web
(channel metadata would always win, and an app's language is not always the one its user writes in).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels import delivery
from opastin.channels.config import ChannelSettingError, pseudonym_key, required, setting
from opastin.channels.hub import PushHub, shared_hub
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.telegram_api import DEFAULT_API, TelegramApi
from opastin.channels.telegram_bot import TelegramBot
from opastin.channels.telegram_output import TelegramOutbound
from opastin.channels.turns import LanguageOf, tracker_language
from opastin.handoff.queue import HandoffStore, shared_store

SECRET_HEADER = "x-telegram-bot-api-secret-token"
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
MAX_UPDATE = 64 * 1024  # bytes: a 4096-character message with its entities fits many times over


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    secret: str
    api_base: str
    webhook_url: str | None
    pseudonym_key: str

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramSettings | None:
        """None while OPASTIN_TELEGRAM_TOKEN is unset (the channel is off); ChannelSettingError when half set."""
        token = setting(credentials, "token", "OPASTIN_TELEGRAM_TOKEN")
        if token is None:
            return None
        secret = required(
            "telegram", {"OPASTIN_TELEGRAM_SECRET": setting(credentials, "secret", "OPASTIN_TELEGRAM_SECRET")}
        )
        if not SECRET_FORMAT.match(secret["OPASTIN_TELEGRAM_SECRET"]):
            raise ChannelSettingError("OPASTIN_TELEGRAM_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return cls(
            token=token,
            secret=secret["OPASTIN_TELEGRAM_SECRET"],
            api_base=setting(credentials, "api_base", "OPASTIN_TELEGRAM_API", DEFAULT_API) or DEFAULT_API,
            webhook_url=setting(credentials, "webhook_url", "OPASTIN_TELEGRAM_WEBHOOK_URL"),
            pseudonym_key=pseudonym_key("telegram", credentials),
        )


class TelegramInput(InputChannel):
    def __init__(
        self,
        settings: TelegramSettings | None,
        *,
        store: HandoffStore | None = None,
        hub: PushHub | None = None,
        language_of: LanguageOf | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._language_of = language_of
        self.bot: TelegramBot | None = None
        if settings is not None:
            api = TelegramApi(settings.token, settings.api_base)
            self.bot = TelegramBot(
                api, Pseudonyms(settings.pseudonym_key, "tg"), lambda: self.store, hub or shared_hub()
            )

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        return cls(TelegramSettings.from_credentials(credentials))

    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = shared_store()
        return self._store

    def authentic(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return self.settings is not None and hmac.compare_digest(given.encode(), self.settings.secret.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram = Blueprint("opastin_telegram", __name__)
        bot = self.bot
        if bot is not None:
            delivery.register(self.name(), TelegramOutbound(bot.api, bot.chats))

            @telegram.listener("before_server_stop")
            async def finish(app: Any, loop: Any) -> None:
                await bot.background.drain(seconds=10)
                await bot.api.client.close()

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if bot is None:
                return response.json(
                    {"ok": False, "error": "the Telegram channel is off (OPASTIN_TELEGRAM_TOKEN)"}, 404
                )
            if not self.authentic(request):
                return response.json({"ok": False, "error": "wrong or missing secret token"}, 403)
            update = _update(request.body or b"")
            if update is None:
                return response.json({"ok": False, "error": "the body must be a Telegram Update (JSON)"}, 400)
            bot.take(update, on_new_message, self._language_of or tracker_language(request.app))
            return response.json({"ok": True})

        return telegram


def _update(body: bytes) -> dict[str, Any] | None:
    if len(body) > MAX_UPDATE:
        return None
    try:
        update = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return update if isinstance(update, dict) and isinstance(update.get("update_id"), int) else None
