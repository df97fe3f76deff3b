"""Where to send an agent's reply to a person in Telegram or SMS: kept only while their hand-over is open.

The tracker store and the queue know a Telegram or SMS conversation only by its keyed hash; the
chat id or phone number it stands for is kept here (table `delivery_routes`), written by the
channel when the hand-over opens and removed when the agent ends it, when the person leaves the
queue, by `make purge` once no hand-over of the conversation is open, and by `erase`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from opastin.handoff.queue import HandoffStore, utc_now
from opastin.handoff.records import OPEN_STATES, DeliveryRoute, Handoff


@dataclass(frozen=True)
class Route:
    channel: str
    address: str


def remember(store: HandoffStore, sender: str, channel: str, address: str) -> None:
    with store.session() as session, session.begin():
        session.execute(delete(DeliveryRoute).where(DeliveryRoute.sender == sender))
        session.add(DeliveryRoute(sender=sender, channel=channel, address=address, created=utc_now()))


def route_for(store: HandoffStore, sender: str) -> Route | None:
    with store.session() as session:
        row = session.get(DeliveryRoute, sender)
        return Route(row.channel, row.address) if row is not None else None


def forget(store: HandoffStore, sender: str) -> None:
    with store.session() as session, session.begin():
        session.execute(delete(DeliveryRoute).where(DeliveryRoute.sender == sender))


def forget_ended(store: HandoffStore) -> int:
    """Removes the routes of conversations that no longer have an open hand-over; returns how many."""
    open_senders = select(Handoff.sender).where(Handoff.status.in_(OPEN_STATES))
    with store.session() as session, session.begin():
        ended = delete(DeliveryRoute).where(DeliveryRoute.sender.notin_(open_senders))
        return session.execute(ended.execution_options(synchronize_session=False)).rowcount
