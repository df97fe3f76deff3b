"""The staff console: agents log in, see their county's queue and callbacks, and take conversations.

Served by the Rasa server (credentials.yml: opastin.channels.console.ConsoleInput) because the
agent's replies go out through the same push streams as the bot's answers.

  GET  /webhooks/console/                    the console page (index.html, console.css, and console.js
                                             assembled from console/src/console.js and texts/ui.yml)
  POST /api/login {"username", "password"}   sets an HttpOnly, SameSite=Strict session cookie (Secure over https);
                                             401 for a wrong name or password, 429 with Retry-After when locked out
  POST /api/logout                           deletes the session on the server and expires the cookie
  GET  /api/queue                            waiting and handled conversations, and callbacks, of the agent's county
  GET  /api/conversations/<id>               details, the bot's transcript and the messages so far
  POST /api/conversations/<id>/take | /messages {"text"} | /return | /close | /rating {"rating": 1-5}
  POST /api/callbacks/<id>/done
  GET  /api/stream                           live events of the agent's county (SSE)
  GET  /api/figures?month=2026-11&lang=fi     the month's figures of the agent's county, small counts as "< 5"

Nothing without a login: every /api route but login answers 401. An agent sees only their own
county; another county's conversation answers 404, as if it did not exist. Every POST must carry
the header X-Opastin-Console: 1, which a page of another site cannot send without CORS permission.
Every /api answer, errors included, is `Cache-Control: no-store`. Failed logins are slowed down and
locked out (opastin/handoff/agents.py); logins, opened conversations and callbacks, and what was done
with them go to the audit log (opastin/handoff/audit.py).

Behind a TLS proxy, set `trust_proxy: true` (credentials.yml) or OPASTIN_TRUST_PROXY=1: then the
proxy's X-Forwarded-Proto says whether the cookie gets Secure, and its X-Forwarded-For (the last
address, the one the proxy added) is the client's address for throttling and the audit log. Without
it those headers are ignored, since anyone can send them.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels.assets import CONSOLE
from opastin.channels.console_work import ConversationWork, error, handoff_json, iso
from opastin.channels.handover import console_stream, tell_console
from opastin.channels.hub import PushHub, shared_hub
from opastin.channels.inbound import MAX_BODY, limit_request_size
from opastin.channels.web import add_static_routes, blocking, client_address, event_stream, trusts_proxy
from opastin.handoff import agents, audit
from opastin.handoff.queue import HandoffStore, shared_store
from opastin.handoff.records import Agent, Handoff
from opastin.report.console_view import figures_view

STATIC_DIR = Path(__file__).resolve().parents[2] / "console"
COOKIE = "opastin_console"
COOKIE_PATH = "/webhooks/console"
CSRF_HEADER = "x-opastin-console"
PAGE_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ConsoleInput(InputChannel):
    def __init__(
        self,
        hub: PushHub | None = None,
        store: HandoffStore | None = None,
        *,
        trust_proxy: bool = False,
        policy: agents.LoginPolicy = agents.DEFAULT_POLICY,
        reporting: str | None = None,
    ) -> None:
        self.hub = hub or shared_hub()
        self.reporting = reporting  # the reporting database's URL (default REPORTING_URL)
        self._store = store
        self.trust_proxy = trust_proxy
        self.policy = policy

    @classmethod
    def name(cls) -> str:
        return "console"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ConsoleInput:
        trusted = trusts_proxy((credentials or {}).get("trust_proxy"))
        return cls(trust_proxy=trusted, policy=agents.LoginPolicy.from_env())

    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = shared_store()
        return self._store

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        console = Blueprint("console", __name__)
        limit_request_size(console)
        agents.dummy_hash()  # made now, so that the first unknown name costs no more than a known one

        add_static_routes(console, STATIC_DIR, PAGE_SECURITY, [CONSOLE])

        @console.middleware("response")
        async def no_store(request: Request, reply: HTTPResponse) -> None:
            if "/api/" in request.path:  # data: neither the browser nor a proxy keeps a copy
                reply.headers["Cache-Control"] = "no-store"

        @console.route("/api/login", methods=["POST"])
        async def login(request: Request) -> HTTPResponse:
            body = self._body(request)
            if body is None:
                return self._error(400, "the body must be a JSON object with a custom header")
            result: agents.LoginResult = await blocking(
                agents.log_in,
                self.store,
                str(body.get("username") or ""),
                str(body.get("password") or ""),
                self._address(request),
                self.policy,
            )
            if result.locked_for:
                minutes = math.ceil(result.locked_for / 60)
                return self._error(
                    429,
                    f"too many failed logins: try again in {minutes} min",
                    headers={"Retry-After": str(result.locked_for)},
                )
            if result.token is None:
                await asyncio.sleep(result.delay)  # the server answers others meanwhile
                return self._error(401, "wrong username or password")
            reply = response.json({"ok": True})
            self._set_cookie(reply, request, result.token, agents.SESSION_HOURS * 3600)
            return reply

        @console.route("/api/logout", methods=["POST"])
        async def logout(request: Request) -> HTTPResponse:
            if self._body(request) is None:
                return self._error(400, "the body must be a JSON object with a custom header")
            token = request.cookies.get(COOKIE)
            if token:
                await blocking(agents.log_out, self.store, token, self._address(request))
            reply = response.json({"ok": True})
            self._set_cookie(reply, request, "", 0)  # the same name and path, so that the browser drops it
            return reply

        @console.route("/api/me", methods=["GET"])
        async def me(request: Request) -> HTTPResponse:
            agent = await self._agent(request)
            if agent is None:
                return self._error(401, "log in first")
            return response.json({"username": agent.username, "name": agent.display_name, "county": agent.county})

        @console.route("/api/queue", methods=["GET"])
        async def queue(request: Request) -> HTTPResponse:
            agent = await self._agent(request)
            if agent is None:
                return self._error(401, "log in first")
            conversations = await blocking(self.store.queue, agent.county)
            callbacks = await blocking(self.store.callbacks, agent.county)
            await blocking(  # the queue shows a callback's number: who saw which is logged (once each)
                audit.record_first_views,
                self.store,
                agent,
                audit.VIEW_CALLBACK,
                [c.id for c in callbacks],
                address=self._address(request),
            )
            return response.json(
                {
                    "conversations": [handoff_json(h) for h in conversations],
                    "callbacks": [
                        {
                            "id": c.id,
                            "phone": c.phone,
                            "window": c.window,
                            "topic": c.topic,
                            "language": c.language,
                            "created": iso(c.created),
                        }
                        for c in callbacks
                    ],
                }
            )

        @console.route("/api/conversations/<handoff_id>", methods=["GET"])
        async def conversation(request: Request, handoff_id: str) -> HTTPResponse:
            agent, handoff = await self._agent_and_handoff(request, handoff_id)
            if agent is None or handoff is None:
                return self._error(401 if agent is None else 404, "log in first" if agent is None else "not found")
            data = handoff_json(handoff, with_texts=True)
            data["messages"] = [
                {"author": m.author, "text": m.text, "created": iso(m.created)}
                for m in await blocking(self.store.messages, handoff.id)
            ]
            await self._audit(request, agent, audit.OPEN_CONVERSATION, handoff.id)
            return response.json(data)

        @console.route("/api/conversations/<handoff_id>/<verb>", methods=["POST"])
        async def act(request: Request, handoff_id: str, verb: str) -> HTTPResponse:
            body = self._body(request)
            if body is None:
                return self._error(400, "the body must be a JSON object with a custom header")
            agent, handoff = await self._agent_and_handoff(request, handoff_id)
            if agent is None:
                return self._error(401, "log in first")
            if handoff is None:
                return self._error(404, "not found")
            work = ConversationWork(self.hub, self.store)
            handler, action = {
                "take": (work.take, audit.TAKE),
                "messages": (work.reply, audit.REPLY),
                "return": (work.hand_back, audit.RETURN),
                "close": (work.close, audit.CLOSE),
                "rating": (work.rate, audit.RATE),
            }.get(verb, (None, ""))
            if handler is None:
                return self._error(404, "not found")
            reply = await handler(agent, handoff, body)
            if reply.status == 200:
                await self._audit(request, agent, action, handoff.id)
            return reply

        @console.route("/api/callbacks/<callback_id>/done", methods=["POST"])
        async def callback_done(request: Request, callback_id: str) -> HTTPResponse:
            if self._body(request) is None:
                return self._error(400, "the body must be a JSON object with a custom header")
            agent = await self._agent(request)
            if agent is None:
                return self._error(401, "log in first")
            if not await blocking(self.store.callback_done, callback_id, agent):
                return self._error(404, "not found")
            await self._audit(request, agent, audit.CALLBACK_DONE, callback_id)
            tell_console(self.hub, agent.county, {"type": "queue"})
            return response.json({"ok": True})

        @console.route("/api/stream", methods=["GET"])
        async def stream(request: Request) -> HTTPResponse | None:
            agent = await self._agent(request)
            if agent is None:
                return self._error(401, "log in first")
            await event_stream(request, self.hub, console_stream(agent.county), event="console")
            return None

        @console.route("/api/figures", methods=["GET"])
        async def month_figures(request: Request) -> HTTPResponse:
            agent = await self._agent(request)
            if agent is None:
                return self._error(401, "log in first")
            try:  # the agent's own county, whatever the request asks: no parameter names another
                data = await blocking(
                    figures_view,
                    agent.county,
                    request.args.get("month"),
                    request.args.get("lang"),
                    reporting=self.reporting,
                    handoff=self.store.url,
                )
            except ValueError as problem:
                return self._error(400, str(problem))
            return response.json(data)

        @console.route("/api/<rest:path>", methods=["GET", "POST"])
        async def unknown(request: Request, rest: str) -> HTTPResponse:
            return self._error(404, "not found")

        return console

    # ------------------------------------------------------------------ helpers

    def _https(self, request: Request) -> bool:
        """Whether the browser talks to us over TLS: directly, or to the proxy, when the proxy is trusted."""
        if request.scheme == "https":
            return True
        forwarded = request.headers.get("x-forwarded-proto", "")
        return self.trust_proxy and forwarded.rsplit(",", 1)[-1].strip().lower() == "https"

    def _address(self, request: Request) -> str:
        return client_address(request, self.trust_proxy)

    def _set_cookie(self, reply: HTTPResponse, request: Request, value: str, max_age: int) -> None:
        reply.cookies[COOKIE] = value
        cookie = reply.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = COOKIE_PATH
        cookie["max-age"] = max_age
        if self._https(request):
            cookie["secure"] = True

    async def _audit(self, request: Request, agent: Agent, action: str, target: str) -> None:
        await blocking(audit.record, self.store, action, agent, target=target, address=self._address(request))

    async def _agent(self, request: Request) -> Agent | None:
        return await blocking(agents.agent_for, self.store, request.cookies.get(COOKIE))

    async def _agent_and_handoff(self, request: Request, handoff_id: str) -> tuple[Agent | None, Handoff | None]:
        agent = await self._agent(request)
        if agent is None:
            return None, None
        handoff = await blocking(self.store.get, handoff_id)
        if handoff is None or handoff.county != agent.county:
            return agent, None  # another county's conversation does not exist for this agent
        return agent, handoff

    @staticmethod
    def _body(request: Request) -> dict | None:
        """The JSON body of a POST, only with the custom header that other sites' pages cannot add."""
        if request.headers.get(CSRF_HEADER) != "1" or len(request.body or b"") > MAX_BODY:
            return None
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    @staticmethod
    def _error(status: int, message: str, headers: dict[str, str] | None = None) -> HTTPResponse:
        return error(status, message, headers)
