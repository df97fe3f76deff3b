"""The website chat's channel: messages in by POST, everything out through a push stream (SSE).

Routes under /webhooks/webchat/:
  GET  /                  the standalone chat page (index.html; sv.html and en.html for the other languages)
  GET  /opastin.js, .css  the widget a county embeds with one script tag (opastin.js is assembled from
                          webchat/src/*.js and texts/ui.yml: opastin/channels/assets.py)
  POST /message           {"sender", "message", "metadata": {"language"}} → {"ok": true, "last": N}
  GET  /stream?sender=…&since=N   text/event-stream of the conversation's messages after N
  POST /feedback          {"sender", "rating": 1|-1, "comment", "language"} → {"ok": true}

While a conversation is with a live agent (opastin/handoff/), its messages go to the agent's console
and never to the bot; the safety net still answers an emergency or a crisis at once.

The stream is what makes a later push possible (a live agent's reply, issue 5) and what lets a
reloaded page pick up what it missed. Answers are never built from HTML: the browser renders text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels.assets import WEBCHAT
from opastin.channels.handover import relay_to_agent, tell_console
from opastin.channels.hub import PushHub, shared_hub
from opastin.channels.inbound import RequestError, clean_text, error_response, json_body, unavailable
from opastin.channels.limits import web_chat_limits
from opastin.channels.ordering import CONVERSATIONS
from opastin.channels.web import add_static_routes, blocking, event_stream
from opastin.figures import record_feedback
from opastin.handoff.queue import HandoffStore, shared_store

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[2] / "webchat"
SENDER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LANGUAGES = {"fi", "sv", "en"}
MAX_COMMENT = 500
# The standalone pages run only their own files: even a message that slipped HTML through could not run script.
PAGE_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _sender(value: Any) -> str:
    if not isinstance(value, str) or not SENDER.match(value):
        raise RequestError(400, "sender must be 16–64 letters, digits, - or _ (a random id the page keeps)")
    return value


def _language(value: Any) -> str | None:
    return value if value in LANGUAGES else None


class WebchatOutput(OutputChannel):
    """Publishes each answer whole (text, buttons) to the conversation's stream."""

    def __init__(self, hub: PushHub) -> None:
        self._hub = hub
        self.sent = 0  # answers published for this message: none means the assistant failed

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        out = {"from": "bot", "text": message.get("text") or ""}
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            out["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]
        if message.get("custom"):
            out["custom"] = message["custom"]
        if out["text"] or buttons:
            self._hub.publish(recipient_id, out)
            self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WebchatInput(InputChannel):
    """Configured in credentials.yml as `opastin.channels.webchat.WebchatInput` (allowed_origins: [...])."""

    def __init__(
        self, allowed_origins: list[str] | None = None, hub: PushHub | None = None, handoffs: HandoffStore | None = None
    ) -> None:
        self.allowed_origins = list(allowed_origins or [])  # none listed: only this server's own pages
        self.per_sender, self.per_address, self.streams = web_chat_limits()
        self.hub = hub or shared_hub()
        self._handoffs = handoffs

    @property
    def handoffs(self) -> HandoffStore:
        if self._handoffs is None:
            self._handoffs = shared_store()
        return self._handoffs

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebchatInput:
        return cls(allowed_origins=(credentials or {}).get("allowed_origins"))

    def cors(self, request: Request) -> dict[str, str]:
        """CORS for the county's own site, which embeds the widget from this server.

        The widget sends JSON as text/plain, so its requests need no preflight (OPTIONS).
        """
        origin = request.headers.get("origin")
        if not origin:
            return {}
        if "*" in self.allowed_origins or origin in self.allowed_origins:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    def may_write(self, request: Request) -> bool:
        """A browser page may post only from this server or an allowed site (no Origin: not a browser)."""
        origin = request.headers.get("origin")
        if not origin:
            return True
        if urlsplit(origin).netloc == request.host:
            return True
        return "*" in self.allowed_origins or origin in self.allowed_origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat", __name__)

        add_static_routes(webchat, STATIC_DIR, PAGE_SECURITY, [WEBCHAT])

        @webchat.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            headers = self.cors(request)
            if not self.may_write(request):
                return error_response(RequestError(403, "this site may not use the chat (allowed_origins)"), headers)
            try:
                sender, text, metadata = self._message(request)
            except RequestError as error:
                return error_response(error, headers)
            wait = self.per_address.wait(f"address:{request.ip}") or self.per_sender.wait(sender)
            if wait:
                return error_response(
                    RequestError(429, f"too many messages: wait {wait} s"), {**headers, "Retry-After": str(wait)}
                )
            handoff = await blocking(self.handoffs.open_for_sender, sender)
            if handoff is not None:  # an agent has (or will have) this conversation: the bot stays quiet
                await relay_to_agent(self.handoffs, self.hub, handoff, text)
            else:
                output = WebchatOutput(self.hub)
                try:
                    async with CONVERSATIONS.turn(sender):
                        await on_new_message(
                            UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata)
                        )
                except Exception:  # noqa: BLE001 - the person gets an answer whatever failed; the log names no words
                    log.error("answering a web chat message failed", exc_info=True)
                if not output.sent:  # e.g. the action server is down: never a silent nothing
                    self.hub.publish(sender, {"from": "bot", **unavailable(text, metadata.get("language"))})
                queued = await blocking(self.handoffs.open_for_sender, sender)
                if queued is not None:  # the bot has just put the person in the queue: the console shows it at once
                    tell_console(self.hub, queued.county, {"type": "queue"})
            return response.json({"ok": True, "last": self.hub.last_seq(sender)}, headers=headers)

        @webchat.route("/stream", methods=["GET"])
        async def stream(request: Request) -> HTTPResponse | None:
            headers = self.cors(request)
            try:
                sender = _sender(request.args.get("sender"))
                # a reconnecting browser sends the last number it saw; the URL keeps the first one
                since = max(int(request.args.get("since") or 0), int(request.headers.get("last-event-id") or 0))
            except (RequestError, ValueError) as error:
                return error_response(
                    error if isinstance(error, RequestError) else RequestError(400, "since must be a number"), headers
                )
            if not self.streams.take(sender):
                return error_response(
                    RequestError(429, "too many open streams for this conversation or server"), headers
                )
            try:
                await event_stream(request, self.hub, sender, event="message", since=since, headers=headers)
            finally:
                self.streams.give_back(sender)
            return None

        @webchat.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            headers = self.cors(request)
            if not self.may_write(request):
                return error_response(RequestError(403, "this site may not use the chat (allowed_origins)"), headers)
            try:
                rating, comment, language = self._feedback(request)
            except RequestError as error:
                return error_response(error, headers)
            await blocking(record_feedback, rating, comment, language)
            return response.json({"ok": True}, headers=headers)

        return webchat

    @staticmethod
    def _message(request: Request) -> tuple[str, str, dict[str, Any]]:
        body = json_body(request)
        sender = _sender(body.get("sender"))
        text = clean_text(body.get("message"))
        given = body.get("metadata")
        metadata: dict[str, Any] = given if isinstance(given, dict) else {}
        language = _language(metadata.get("language"))
        return sender, text, ({"language": language} if language else {})

    @staticmethod
    def _feedback(request: Request) -> tuple[int, str | None, str | None]:
        body = json_body(request)
        _sender(body.get("sender"))
        rating = body.get("rating")
        if rating not in (1, -1):
            raise RequestError(400, "rating must be 1 (helpful) or -1 (not helpful)")
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise RequestError(400, "comment must be a text")
        if comment and comment.strip():
            comment = clean_text(comment, "comment", MAX_COMMENT)
        return rating, comment.strip() if comment and comment.strip() else None, _language(body.get("language"))
