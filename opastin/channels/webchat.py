"""The website chat's channel: messages in by POST, everything out through a push stream (SSE).

Routes under /webhooks/webchat/:
  GET  /                  the standalone chat page (index.html; sv.html and en.html for the other languages)
  GET  /opastin.js, .css  the widget a county embeds with one script tag (opastin.js is assembled from
                          webchat/src/*.js and texts/ui.yml: opastin/channels/assets.py)
  POST /session           a new conversation: {"ok": true, "sender", "token", "expires_in": seconds}; with
                          `Authorization: Bearer <token>` of a conversation, a new token for that same
                          conversation (a renewal, while the token is still good)
  POST /message           {"message", "metadata": {"language"}} → {"ok": true, "last": N}
  GET  /stream?since=N    text/event-stream of the conversation's messages after N (or after Last-Event-ID)
  POST /feedback          {"rating": 1|-1, "comment", "language"} → {"ok": true}
  OPTIONS on the four     the CORS preflight, answered for the sites in allowed_origins only

The conversation is the one of the token (opastin/channels/session_token.py): /message, /stream and
/feedback need `Authorization: Bearer <token>`, and a missing, forged or expired token gets 401 with
`WWW-Authenticate: Bearer`. The server chooses the conversation's id; a `sender` in a body or the URL is
not read. The token is never put in a URL (and so in no access log); the widget keeps it in sessionStorage.

A write (POST) is taken only from this server's own pages or a site in credentials.yml's allowed_origins
(an empty list means nobody else, not everybody); without an Origin it is not a browser's and is let
through to the token check. /session is limited per client address (opastin/channels/limits.py), so
that one client cannot start thousands of conversations.

While a conversation is with a live agent (opastin/handoff/), its messages go to the agent's console
and never to the bot; the safety net still answers an emergency or a crisis at once.

The stream is what makes a later push possible (a live agent's reply, issue 5) and what lets a
reloaded page pick up what it missed. Answers are never built from HTML: the browser renders text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels.assets import WEBCHAT
from opastin.channels.client_key import client_metadata
from opastin.channels.handover import relay_to_agent, tell_console
from opastin.channels.hub import PushHub, shared_hub
from opastin.channels.inbound import (
    RequestError,
    clean_text,
    error_response,
    json_body,
    limit_request_size,
    unavailable,
)
from opastin.channels.limits import web_chat_limits
from opastin.channels.ordering import CONVERSATIONS
from opastin.channels.session_token import Session, SessionSigner, TokenError, bearer_token
from opastin.channels.web import add_static_routes, blocking, client_address, event_stream, trusts_proxy
from opastin.figures import record_feedback
from opastin.handoff.queue import HandoffStore, shared_store

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[2] / "webchat"
LANGUAGES = {"fi", "sv", "en"}
MAX_COMMENT = 500
# The standalone pages run only their own files: even a message that slipped HTML through could not run script.
PAGE_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
API_ROUTES = ("/session", "/message", "/stream", "/feedback")
# What an allowed site's page may send across origins: the token in Authorization (which is why a preflight
# is needed at all) and, though the widget sends text/plain, JSON's own type.
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}
NOT_FROM_HERE = "this site may not use the chat (allowed_origins)"


def _language(value: Any) -> str | None:
    return value if value in LANGUAGES else None


def _origins(configured: list[str] | None, setting: str | None) -> list[str]:
    """credentials.yml's list, plus OPASTIN_ALLOWED_ORIGINS (comma-separated), so that a deployment or a test
    can name its site without editing the file."""
    extra = [origin.strip() for origin in (setting or "").split(",") if origin.strip()]
    return [*(configured or []), *extra]


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
        self,
        allowed_origins: list[str] | None = None,
        hub: PushHub | None = None,
        handoffs: HandoffStore | None = None,
        signer: SessionSigner | None = None,
        *,
        trust_proxy: bool = False,
    ) -> None:
        self.allowed_origins = list(allowed_origins or [])  # none listed: only this server's own pages
        self.limits = web_chat_limits()
        self.hub = hub or shared_hub()
        self._handoffs = handoffs
        self._signer = signer
        self.trust_proxy = trust_proxy

    @property
    def handoffs(self) -> HandoffStore:
        if self._handoffs is None:
            self._handoffs = shared_store()
        return self._handoffs

    @property
    def signer(self) -> SessionSigner:
        if self._signer is None:
            self._signer = SessionSigner.from_settings()
        return self._signer

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebchatInput:
        """The channel as the Rasa server starts it: the signing key is read (or made) now, so that a bad
        OPASTIN_WEBCHAT_SECRET or key file stops the server at start, not a person's chat later."""
        credentials = credentials or {}
        trusted = trusts_proxy(credentials.get("trust_proxy"))
        return cls(
            allowed_origins=_origins(credentials.get("allowed_origins"), os.environ.get("OPASTIN_ALLOWED_ORIGINS")),
            signer=SessionSigner.from_settings(),
            trust_proxy=trusted,
        )

    def allows(self, origin: str) -> bool:
        return "*" in self.allowed_origins or origin in self.allowed_origins

    def cors(self, request: Request) -> dict[str, str]:
        """CORS for the county's own site, which embeds the widget from this server; the answers vary by Origin."""
        origin = request.headers.get("origin")
        if origin and self.allows(origin):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def preflight_headers(self, request: Request) -> dict[str, str]:
        """What a browser asks before it sends the token across origins: allowed for allowed_origins only."""
        headers = self.cors(request)
        if "Access-Control-Allow-Origin" in headers:
            headers.update(PREFLIGHT)
        return headers

    def from_allowed_origin(self, request: Request) -> bool:
        """A browser page may use the chat only from this server or an allowed site (no Origin: not a browser)."""
        origin = request.headers.get("origin")
        if not origin:
            return True
        if urlsplit(origin).netloc == request.host:
            return True
        return self.allows(origin)

    def client_address(self, request: Request) -> str:
        """The client's address for the per-address limits; behind a trusted proxy, the one it added."""
        return client_address(request, self.trust_proxy)

    def session_of(self, request: Request) -> Session:
        """The conversation the request's token opens; TokenError when there is none."""
        return self.signer.verify(bearer_token(request.headers.get("authorization")))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat", __name__)
        limit_request_size(webchat)

        add_static_routes(webchat, STATIC_DIR, PAGE_SECURITY, [WEBCHAT])

        @webchat.middleware("response")
        async def preflight(request: Request, reply: HTTPResponse) -> None:
            # The Rasa server's own CORS layer (sanic-cors) answers every OPTIONS before a route sees it,
            # without our sites: the preflight's headers are put on its answer here.
            if request.method == "OPTIONS" and request.path.endswith(API_ROUTES):
                for name, value in self.preflight_headers(request).items():
                    reply.headers[name] = value

        @webchat.route("/session", methods=["POST", "OPTIONS"])
        async def session(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(headers=self.preflight_headers(request))
            headers = {**self.cors(request), "Cache-Control": "no-store"}
            if not self.from_allowed_origin(request):
                return error_response(RequestError(403, NOT_FROM_HERE), headers)
            wait = self.limits.sessions.wait(f"address:{self.client_address(request)}")
            if wait:
                return error_response(
                    RequestError(429, f"too many new conversations: wait {wait} s"),
                    {**headers, "Retry-After": str(wait)},
                )
            given = bearer_token(request.headers.get("authorization"))
            try:
                sender = self.signer.verify(given).sender if given else None
            except TokenError as error:
                return unauthorized(error, headers)
            issued = self.signer.issue(sender)
            body = {"ok": True, "sender": issued.sender, "token": issued.token, "expires_in": self.signer.lifetime}
            return response.json(body, headers=headers)

        @webchat.route("/message", methods=["POST", "OPTIONS"])
        async def message(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(headers=self.preflight_headers(request))
            headers = self.cors(request)
            if not self.from_allowed_origin(request):
                return error_response(RequestError(403, NOT_FROM_HERE), headers)
            try:
                sender = self.session_of(request).sender
                text, metadata = self._message(request)
            except TokenError as error:
                return unauthorized(error, headers)
            except RequestError as error:
                return error_response(error, headers)
            address = f"address:{self.client_address(request)}"
            wait = self.limits.per_address.wait(address) or self.limits.per_sender.wait(sender)
            if wait:
                return error_response(
                    RequestError(429, f"too many messages: wait {wait} s"), {**headers, "Retry-After": str(wait)}
                )
            metadata.update(client_metadata(self.client_address(request)))  # for the queue: never the address
            await self._answer(sender, text, metadata, on_new_message)
            return response.json({"ok": True, "last": self.hub.last_seq(sender)}, headers=headers)

        @webchat.route("/stream", methods=["GET", "OPTIONS"])
        async def stream(request: Request) -> HTTPResponse | None:
            if request.method == "OPTIONS":
                return response.empty(headers=self.preflight_headers(request))
            headers = self.cors(request)
            if not self.from_allowed_origin(request):
                return error_response(RequestError(403, NOT_FROM_HERE), headers)
            try:
                session = self.session_of(request)
                # a reconnecting client sends the last number it saw, in the URL or as Last-Event-ID
                since = max(int(request.args.get("since") or 0), int(request.headers.get("last-event-id") or 0))
            except TokenError as error:
                return unauthorized(error, headers)
            except ValueError:
                return error_response(RequestError(400, "since must be a number"), headers)
            if not self.limits.streams.take(session.sender):
                return error_response(
                    RequestError(429, "too many open streams for this conversation or server"), headers
                )
            try:
                await event_stream(
                    request,
                    self.hub,
                    session.sender,
                    event="message",
                    since=since,
                    headers=headers,
                    until=session.expires,
                )
            finally:
                self.limits.streams.give_back(session.sender)
            return None

        @webchat.route("/feedback", methods=["POST", "OPTIONS"])
        async def feedback(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(headers=self.preflight_headers(request))
            headers = self.cors(request)
            if not self.from_allowed_origin(request):
                return error_response(RequestError(403, NOT_FROM_HERE), headers)
            try:
                self.session_of(request)
                rating, comment, language = self._feedback(request)
            except TokenError as error:
                return unauthorized(error, headers)
            except RequestError as error:
                return error_response(error, headers)
            await blocking(record_feedback, rating, comment, language)
            return response.json({"ok": True}, headers=headers)

        return webchat

    async def _answer(
        self, sender: str, text: str, metadata: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """The bot's answer, or the agent's console when a person has one: whatever happens, the person hears."""
        handoff = await blocking(self.handoffs.open_for_sender, sender)
        if handoff is not None:  # an agent has (or will have) this conversation: the bot stays quiet
            await relay_to_agent(self.handoffs, self.hub, handoff, text)
            return
        output = WebchatOutput(self.hub)
        try:
            async with CONVERSATIONS.turn(sender):
                await on_new_message(UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))
        except Exception:  # noqa: BLE001 - the person gets an answer whatever failed; the log names no words
            log.error("answering a web chat message failed", exc_info=True)
        if not output.sent:  # e.g. the action server is down: never a silent nothing
            self.hub.publish(sender, {"from": "bot", **unavailable(text, metadata.get("language"))})
        queued = await blocking(self.handoffs.open_for_sender, sender)
        if queued is not None:  # the bot has just put the person in the queue: the console shows it at once
            tell_console(self.hub, queued.county, {"type": "queue"})

    @staticmethod
    def _message(request: Request) -> tuple[str, dict[str, Any]]:
        """The text and the metadata we use; the conversation is the token's, so a `sender` here is not read."""
        body = json_body(request)
        text = clean_text(body.get("message"))
        given = body.get("metadata")
        metadata: dict[str, Any] = given if isinstance(given, dict) else {}
        language = _language(metadata.get("language"))
        return text, ({"language": language} if language else {})

    @staticmethod
    def _feedback(request: Request) -> tuple[int, str | None, str | None]:
        body = json_body(request)
        rating = body.get("rating")
        if rating not in (1, -1):
            raise RequestError(400, "rating must be 1 (helpful) or -1 (not helpful)")
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise RequestError(400, "comment must be a text")
        if comment and comment.strip():
            comment = clean_text(comment, "comment", MAX_COMMENT)
        return rating, comment.strip() if comment and comment.strip() else None, _language(body.get("language"))


def unauthorized(error: TokenError, headers: dict[str, str]) -> HTTPResponse:
    """401 with the reason (missing, invalid, expired), and the header RFC 6750 asks for."""
    challenge = 'Bearer realm="opastin-webchat"'
    if error.reason != "missing":
        challenge += ', error="invalid_token"'
    return error_response(RequestError(401, str(error)), {**headers, "WWW-Authenticate": challenge})
