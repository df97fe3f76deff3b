"""Messages between a person and an agent in the console.

The console's stream is "console:<county>", so an agent sees only their own county's queue. What
the person is told goes through opastin/channels/delivery.py: to the web chat's stream (their
conversation id), or through the Telegram or SMS API.
"""

from __future__ import annotations

from typing import Any

from opastin import catalogue, safety
from opastin.channels.delivery import deliver
from opastin.channels.hub import PushHub
from opastin.channels.web import blocking
from opastin.handoff.callback_input import wants_to_cancel
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import WAITING, Handoff


def console_stream(county: str) -> str:
    return f"console:{county}"


async def tell_person(
    hub: PushHub,
    store: HandoffStore,
    handoff: Handoff,
    key: str,
    *,
    values: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
    last: bool = False,
) -> None:
    """A system message to the person, in their language (agent joined, handed back, closed); `last` when
    the hand-over has ended with it."""
    message: dict[str, Any] = {"from": "bot", "text": catalogue.text(key, handoff.language, **(values or {}))}
    if custom:
        message["custom"] = custom
    await deliver(hub, store, handoff, message, last=last)


def tell_console(hub: PushHub, county: str, event: dict[str, Any]) -> None:
    hub.publish(console_stream(county), event)


async def relay_to_agent(store: HandoffStore, hub: PushHub, handoff: Handoff, text: str) -> None:
    """The person's message goes to the console; an emergency or a crisis gets its number at once."""
    # Only a short "peru" / "avbryt" / "cancel" leaves the queue:
    # "en halua maksaa tätä laskua" is a matter for the agent.
    if handoff.status == WAITING and len(text.split()) <= 3 and wants_to_cancel(text) and safety.assess(text) is None:
        await blocking(store.leave_queue, handoff.id)
        await tell_person(hub, store, handoff, "handoff_left_queue", last=True)
        tell_console(hub, handoff.county, {"type": "queue"})
        return
    earlier = await blocking(store.messages, handoff.id)
    # The store keeps a redacted copy (opastin/redaction.py); the live push below carries the text as
    # typed. The agent is who the person is writing to, and may need exactly that number or address to
    # help them ("soita minulle 040 …"); the push only lives in the hub's memory (bounded, gone after an
    # hour) and is never written anywhere, while the copy a reloaded console shows is the stored one.
    await blocking(store.add_message, handoff.id, "person", text)
    match = safety.assess(text)
    if match is not None:
        await blocking(store.mark_urgent, handoff.id)
        await tell_person(
            hub, store, handoff, "handoff_emergency" if match.level == safety.EMERGENCY else "handoff_crisis"
        )
    elif handoff.status == WAITING and not any(m.author == "person" for m in earlier):
        await tell_person(hub, store, handoff, "handoff_waiting_note")
    tell_console(
        hub,
        handoff.county,
        {"type": "message", "handoff": handoff.id, "author": "person", "text": text, "urgent": match is not None},
    )
