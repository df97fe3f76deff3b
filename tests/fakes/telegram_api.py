"""A fake Telegram Bot API: the methods Opastin calls, with Telegram's answers and errors, recording what was sent.

POST /bot<token>/<method> with a JSON (or form) body, answered {"ok": true, "result": …} or
{"ok": false, "error_code": …, "description": …} as api.telegram.org answers. It checks what Telegram
checks: the token, a text of 1-4096 characters, callback_data of 1-64 bytes, a secret_token's form.
A test can make the next calls of a method fail (429 with retry_after, or 5xx).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class Call:
    method: str
    payload: dict[str, Any]


@dataclass
class FakeTelegram:
    token: str
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    _failures: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    _next_id: int = 100
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(r"/bot{token}/{method}", self._handle)
        return app

    def fail_next(self, method: str, status: int, retry_after: int | None = None, times: int = 1) -> None:
        self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    # ---------------------------------------------------------------- what a test reads

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The sendMessage payloads (with their message_id), of one chat or all, in order."""
        with self._lock:
            found = [c.payload for c in self.calls if c.method == "sendMessage"]
        return [p for p in found if chat_id is None or str(p["chat_id"]) == str(chat_id)]

    def of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.payload for c in self.calls if c.method == method]

    # ---------------------------------------------------------------- the API

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        payload = await self._payload(request)
        failures = self._failures.get(method)
        if failures:
            status, retry_after = failures.pop(0)
            with self._lock:
                self.calls.append(Call(f"failed:{method}", payload))
            return self._error(status, "Too Many Requests" if status == 429 else "Internal Server Error", retry_after)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return handler(payload)

    @staticmethod
    async def _payload(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return body if isinstance(body, dict) else {}
        form = await request.post()
        return {k: (json.loads(v) if k == "reply_markup" else v) for k, v in form.items() if isinstance(v, str)}

    def _record(self, method: str, payload: dict[str, Any], result: Any) -> web.Response:
        with self._lock:
            self.calls.append(Call(method, payload))
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["description"] = f"Too Many Requests: retry after {retry_after}"
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    def _keyboard_error(self, markup: Any) -> str | None:
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if markup is not None and not isinstance(rows, list):
            return "Bad Request: can't parse reply keyboard markup JSON object"
        for row in rows or []:
            for button in row:
                data = button.get("callback_data", "")
                if not button.get("text") or not 1 <= len(data.encode("utf-8")) <= 64:
                    return "Bad Request: BUTTON_DATA_INVALID"
        return None

    def _sendMessage(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802 - Telegram's method name
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return self._error(400, "Bad Request: message is too long")
        problem = self._keyboard_error(payload.get("reply_markup"))
        if problem:
            return self._error(400, problem)
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
        payload = {**payload, "message_id": message_id}
        message = {
            "message_id": message_id,
            "from": {"id": 1, "is_bot": True, "first_name": "Opastin", "username": "opastin_bot"},
            "chat": {"id": int(payload["chat_id"]), "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        if payload.get("reply_markup"):
            message["reply_markup"] = payload["reply_markup"]
        return self._record("sendMessage", payload, message)

    def _answerCallbackQuery(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802
        if not payload.get("callback_query_id"):
            return self._error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return self._record("answerCallbackQuery", payload, True)

    def _editMessageReplyMarkup(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802
        problem = self._keyboard_error(payload.get("reply_markup"))
        if problem:
            return self._error(400, problem)
        return self._record("editMessageReplyMarkup", payload, {"message_id": payload.get("message_id")})

    def _setWebhook(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802
        secret = payload.get("secret_token")
        if secret is not None and not SECRET.match(str(secret)):
            return self._error(400, "Bad Request: secret token contains unallowed characters")
        if not str(payload.get("url", "")).startswith("https://"):
            return self._error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = dict(payload)
        return self._record("setWebhook", payload, True)

    def _getWebhookInfo(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802
        info = {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
        return self._record("getWebhookInfo", payload, info)

    def _getMe(self, payload: dict[str, Any]) -> web.Response:  # noqa: N802
        me = {"id": 1, "is_bot": True, "first_name": "Opastin", "username": "opastin_bot"}
        return self._record("getMe", payload, me)
