"""What an agent or the hand-over says to a person reaches them in their own channel.

The web chat's person reads their push stream (opastin/channels/hub.py). A Telegram or SMS person
can only be reached through that service's API: for them the hand-over has a route (the chat id or
phone number, opastin/handoff/routes.py), and the channel, when the Rasa server starts it, registers
how it sends (`register`). Any Rasa process can deliver, since every process starts the same channels
and the route is in the shared database.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from opastin.channels.hub import PushHub
from opastin.channels.web import blocking
from opastin.handoff import routes
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import Handoff

log = logging.getLogger(__name__)

Message = dict[str, Any]


class Outbound(Protocol):
    async def deliver(self, address: str, handoff: Handoff, message: Message) -> bool:
        """Sends the message ({"from": "bot"|"agent", "text", "custom"?}) to the address; False if it failed."""


_OUTBOUND: dict[str, Outbound] = {}


def register(channel: str, outbound: Outbound) -> None:
    _OUTBOUND[channel] = outbound


def unregister(channel: str) -> None:
    _OUTBOUND.pop(channel, None)


async def deliver(hub: PushHub, store: HandoffStore, handoff: Handoff, message: Message, *, last: bool = False) -> None:
    """To the person of the hand-over; `last` when the hand-over has just ended (its route is then forgotten)."""
    route = await blocking(routes.route_for, store, handoff.sender)
    if route is None:
        hub.publish(handoff.sender, message)
        return
    outbound = _OUTBOUND.get(route.channel)
    if outbound is None:
        log.error("no %s channel in this server to deliver a hand-over message (credentials.yml)", route.channel)
    elif not await outbound.deliver(route.address, handoff, message):
        log.warning("a hand-over message could not be delivered by %s", route.channel)
    if last:
        await blocking(routes.forget, store, handoff.sender)
