"""What an agent does with a conversation in the console: take it, reply, hand it back, close it, rate it.

Each step checks that the agent may take it, changes the queue (opastin/handoff/queue.py) and tells
both sides through the push streams: the person in their language, the county's console at once.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sanic import response
from sanic.response import HTTPResponse

from opastin.channels.delivery import deliver
from opastin.channels.handover import tell_console, tell_person
from opastin.channels.hub import PushHub
from opastin.channels.web import blocking
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import ACTIVE, Agent, Handoff

MAX_REPLY = 2000


def error(status: int, message: str, headers: dict[str, str] | None = None) -> HTTPResponse:
    return response.json(
        {"ok": False, "error": message}, status=status, headers={**(headers or {}), "Cache-Control": "no-store"}
    )


def iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment else None


def handoff_json(handoff: Handoff, with_texts: bool = False) -> dict[str, Any]:
    data = {
        "id": handoff.id,
        "status": handoff.status,
        "language": handoff.language,
        "municipality": handoff.municipality,
        "role": handoff.role,
        "topic": handoff.topic,
        "urgent": handoff.urgent,
        "created": iso(handoff.created),
        "taken": iso(handoff.taken),
        "agent_id": handoff.agent_id,
    }
    if with_texts:
        data["transcript"] = json.loads(handoff.transcript or "[]")
    return data


class ConversationWork:
    def __init__(self, hub: PushHub, store: HandoffStore) -> None:
        self.hub = hub
        self.store = store

    async def take(self, agent: Agent, handoff: Handoff, body: dict) -> HTTPResponse:
        if not await blocking(self.store.take, handoff.id, agent):
            return error(409, "someone else already took it")
        await tell_person(self.hub, self.store, handoff, "handoff_taken", values={"agent": agent.display_name})
        tell_console(self.hub, agent.county, {"type": "queue"})
        return response.json({"ok": True})

    async def reply(self, agent: Agent, handoff: Handoff, body: dict) -> HTTPResponse:
        text = body.get("text")
        if handoff.status != ACTIVE or handoff.agent_id != agent.id:
            return error(409, "take the conversation first")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_REPLY:
            return error(400, f"text must be 1–{MAX_REPLY} characters")
        # Stored redacted, pushed as typed: see relay_to_agent (opastin/channels/handover.py).
        await blocking(self.store.add_message, handoff.id, "agent", text.strip())
        await deliver(self.hub, self.store, handoff, {"from": "agent", "text": text.strip()})
        tell_console(
            self.hub, agent.county, {"type": "message", "handoff": handoff.id, "author": "agent", "text": text.strip()}
        )
        return response.json({"ok": True})

    async def hand_back(self, agent: Agent, handoff: Handoff, body: dict) -> HTTPResponse:
        if not await blocking(self.store.end, handoff.id, agent, back_to_bot=True):
            return error(409, "only the agent who has the conversation can hand it back")
        await tell_person(self.hub, self.store, handoff, "handoff_returned", last=True)
        tell_console(self.hub, agent.county, {"type": "queue"})
        return response.json({"ok": True})

    async def close(self, agent: Agent, handoff: Handoff, body: dict) -> HTTPResponse:
        if not await blocking(self.store.end, handoff.id, agent, back_to_bot=False):
            return error(409, "only the agent who has the conversation can close it")
        await tell_person(
            self.hub, self.store, handoff, "handoff_closed_by_agent", custom={"feedback": True}, last=True
        )
        tell_console(self.hub, agent.county, {"type": "queue"})
        return response.json({"ok": True})

    async def rate(self, agent: Agent, handoff: Handoff, body: dict) -> HTTPResponse:
        rating = body.get("rating")
        if rating not in (1, 2, 3, 4, 5):
            return error(400, "rating must be 1–5")
        if not await blocking(self.store.rate_preparation, handoff.id, agent, rating):
            return error(409, "only the agent who handled it can rate it")
        return response.json({"ok": True})
