"""The few Telegram Bot API methods Opastin calls (https://core.telegram.org/bots/api), over aiohttp.

The base URL is a setting, so that a local Bot API server (telegram-bot-api) or a test's fake server
can stand in for api.telegram.org. A 429 is tried again after the `retry_after` Telegram gives; errors
are logged by method and error code only (Telegram's description may quote the message).
"""

from __future__ import annotations

import logging
from typing import Any

from opastin.channels.api_client import ApiClient, ApiReply

log = logging.getLogger(__name__)

DEFAULT_API = "https://api.telegram.org"
MAX_TEXT = 4096  # characters (UTF-16 code units) of one message
MAX_CALLBACK_DATA = 64  # bytes of a button's callback_data
UPDATES = ["message", "callback_query"]  # all the webhook needs; edits, channel posts and the rest never come


def _retry_after(body: dict[str, Any]) -> float | None:
    parameters = body.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


class TelegramApi:
    def __init__(self, token: str, base_url: str = DEFAULT_API, client: ApiClient | None = None) -> None:
        self._base = f"{base_url.rstrip('/')}/bot{token}"
        self.client = client or ApiClient("telegram", retry_after_in_body=_retry_after)

    async def call(self, method: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The method's result, or None (logged by method and code) when Telegram refused or did not answer."""
        reply: ApiReply = await self.client.post(f"{self._base}/{method}", method, json=payload)
        if reply.ok and reply.body.get("ok") is True:
            result = reply.body.get("result")
            return result if isinstance(result, dict) else {"value": result}
        log.warning("telegram %s failed: HTTP %s, error_code %s", method, reply.status, reply.body.get("error_code"))
        return None

    async def send_message(
        self, chat_id: int | str, text: str, keyboard: list[list[dict[str, str]]] | None = None
    ) -> int | None:
        """Sends plain text (no parse mode: nothing in it is taken as markup); returns the message's id."""
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text, "link_preview_options": {"is_disabled": True}}
        if keyboard:
            payload["reply_markup"] = {"inline_keyboard": keyboard}
        result = await self.call("sendMessage", payload)
        message_id = (result or {}).get("message_id")
        return message_id if isinstance(message_id, int) else None

    async def answer_callback_query(self, query_id: str, text: str | None = None) -> bool:
        payload: dict[str, Any] = {"callback_query_id": query_id}
        if text:
            payload["text"] = text
        return await self.call("answerCallbackQuery", payload) is not None

    async def edit_keyboard(self, chat_id: int | str, message_id: int, keyboard: list[list[dict[str, str]]]) -> bool:
        payload = {"chat_id": chat_id, "message_id": message_id, "reply_markup": {"inline_keyboard": keyboard}}
        return await self.call("editMessageReplyMarkup", payload) is not None

    async def set_webhook(self, url: str, secret_token: str) -> bool:
        payload = {"url": url, "secret_token": secret_token, "allowed_updates": UPDATES, "max_connections": 40}
        return await self.call("setWebhook", payload) is not None

    async def get_me(self) -> dict[str, Any] | None:
        return await self.call("getMe", {})

    async def get_webhook_info(self) -> dict[str, Any] | None:
        return await self.call("getWebhookInfo", {})
