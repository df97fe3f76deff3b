"""The REST channel (POST /webhooks/rest/webhook) for tests, benchmarks and server-to-server use, locked.

Unlike Rasa's own: it is closed unless a token is configured (credentials.yml `token`, or the
environment's OPASTIN_REST_TOKEN) and the caller sends it as `Authorization: Bearer …`; the input channel is
always "rest" (a caller cannot pose as the web chat to get past the live-chat check); a bad body
gets a 4xx; a turn the assistant could not answer gets 503 with the 112/116117 message, not 200 [];
and no person's words are written to the log.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels.inbound import (
    RequestError,
    clean_text,
    error_response,
    json_body,
    limit_request_size,
    unavailable,
)
from opastin.channels.ordering import CONVERSATIONS

log = logging.getLogger(__name__)
MAX_SENDER = 64
TOKEN_VARIABLE = "OPASTIN_REST_TOKEN"


class RestInput(InputChannel):
    """credentials.yml: `opastin.channels.rest.RestInput:` (the token from OPASTIN_REST_TOKEN)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = (token or os.environ.get(TOKEN_VARIABLE) or "").strip()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        return cls(token=(credentials or {}).get("token"))

    def authorised(self, request: Request) -> bool:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return bool(self.token) and hmac.compare_digest(given.encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("opastin_rest", __name__)
        limit_request_size(rest)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return error_response(RequestError(403, "the REST channel needs its token (Authorization: Bearer)"))
            try:
                sender, text, language = self._message(request)
            except RequestError as error:
                return error_response(error)
            collector = CollectingOutputChannel()
            metadata = {"language": language} if language else {}
            try:
                async with CONVERSATIONS.turn(sender):
                    message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                    await on_new_message(message)
            except Exception:  # noqa: BLE001 - answered below; the log names no words
                log.error("answering a REST message failed", exc_info=True)
            if not collector.messages:
                return response.json([{"recipient_id": sender, **unavailable(text, language)}], status=503)
            return response.json(collector.messages)

        return rest

    @staticmethod
    def _message(request: Request) -> tuple[str, str, str | None]:
        body = json_body(request)
        sender = body.get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
            raise RequestError(400, f"sender must be a text of at most {MAX_SENDER} characters")
        text = clean_text(body.get("message"))
        given = body.get("metadata")
        language = given.get("language") if isinstance(given, dict) else None
        return sender, text, language if language in ("fi", "sv", "en") else None
