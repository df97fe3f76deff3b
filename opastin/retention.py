"""Purging what has outlived its lifetime, and erasing one conversation on request.

`make purge` (python -m opastin.retention purge) runs at every `make run` and should run daily; it first
collects the figures of the finished days not yet collected (opastin/report/collect.py), then purges;
`python -m opastin.retention erase CONVERSATION_ID` erases one conversation everywhere: its
tracker events, its hand-over texts and client key, its callback's number and matter, its held phone number.
Lifetimes: opastin/data/retention.yml (opastin/lifetimes.py).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, timedelta

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from opastin import figures
from opastin.db import engine_for
from opastin.handoff import routes
from opastin.handoff.queue import HandoffStore, handoff_url, utc_now
from opastin.handoff.records import ACTIVE, CLOSED, Callback, DeliveryRoute, Handoff, HandoffMessage, HeldPhone
from opastin.lifetimes import Lifetimes, lifetimes
from opastin.report import collect
from opastin.report.aggregates import UnansweredMessage
from opastin.tracker_store import tracker_url

EVENTS = SQLTrackerStore.SQLEvent.__table__
ERASED_SENDER = "erased"  # a closed hand-over's figures stay; the link to the conversation does not


@dataclass
class Purged:
    conversations: int = 0
    handoffs: int = 0
    callbacks: int = 0
    held_phones: int = 0
    feedback_comments: int = 0
    unanswered_texts: int = 0
    delivery_routes: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in vars(self).items())


def _urls(tracker: str | None, handoff: str | None, reporting: str | None) -> tuple[Engine, Engine, Engine]:
    return (
        engine_for(tracker or tracker_url()),
        engine_for(handoff or handoff_url()),
        engine_for(reporting or figures.reporting_url()),
    )


def purge(
    now: datetime | None = None,
    *,
    tracker: str | None = None,
    handoff: str | None = None,
    reporting: str | None = None,
    limits: Lifetimes | None = None,
) -> Purged:
    """Erases everything older than its lifetime; `now` is UTC without a zone, as stored."""
    now = now or utc_now()
    limits = limits or lifetimes()
    tracker_engine, handoff_engine, reporting_engine = _urls(tracker, handoff, reporting)
    done = Purged()
    done.conversations = _purge_conversations(tracker_engine, now - limits.conversation)
    store = HandoffStore(handoff or handoff_url())
    done.handoffs = store.close_stale(
        waiting_before=now - limits.waiting_handoff, active_before=now - limits.active_handoff, now=now
    )
    done.delivery_routes = routes.forget_ended(store)
    with handoff_engine.begin() as connection:
        connection.execute(
            update(Handoff)
            .where(Handoff.status.notin_(("waiting", ACTIVE)), Handoff.created < now - limits.conversation)
            .where(Handoff.sender != ERASED_SENDER)
            .values(sender=ERASED_SENDER, client_key=None)
        )
        done.callbacks = connection.execute(
            update(Callback)
            .where(Callback.status == "waiting", Callback.created < now - limits.callback)
            .values(status="expired", ended=now, phone=None, topic=None)
        ).rowcount
        done.held_phones = connection.execute(
            delete(HeldPhone).where(HeldPhone.created < now - limits.held_phone)
        ).rowcount
    with reporting_engine.begin() as connection:
        done.feedback_comments = connection.execute(
            update(figures.Feedback)
            .where(figures.Feedback.comment.is_not(None), figures.Feedback.day < (now - limits.feedback_comment).date())
            .values(comment=None)
        ).rowcount
        done.unanswered_texts = connection.execute(  # kept for clustering as long as feedback comments
            delete(UnansweredMessage).where(UnansweredMessage.day < (now - limits.feedback_comment).date())
        ).rowcount
    return done


def collect_and_purge(
    now: datetime | None = None, *, tracker: str | None = None, handoff: str | None = None, reporting: str | None = None
) -> tuple[int, Purged]:
    """`make purge`: the finished days not yet counted go into the figures first, then what is old is erased,
    so that no conversation leaves before it is counted. Returns the days counted and what was purged."""
    now = now or utc_now()
    days = collect.pending_days(tracker=tracker, reporting=reporting, now=now)
    for day in days:
        collect.collect_day(day, tracker=tracker, reporting=reporting, now=now)
    return len(days), purge(now, tracker=tracker, handoff=handoff, reporting=reporting)


def _purge_conversations(engine: Engine, before: datetime) -> int:
    """Conversations whose last event is older than `before` (the tracker store counts in epoch seconds)."""
    cutoff = (before - datetime(1970, 1, 1)) / timedelta(seconds=1)
    with engine.begin() as connection:
        old = select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(func.max(EVENTS.c.timestamp) < cutoff)
        senders = list(connection.scalars(old))
        for start in range(0, len(senders), 500):
            connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(senders[start : start + 500])))
    return len(senders)


def erase(sender: str, *, tracker: str | None = None, handoff: str | None = None) -> int:
    """Erases one conversation everywhere it left something; returns the number of rows touched."""
    tracker_engine, handoff_engine, _ = _urls(tracker, handoff, None)
    with tracker_engine.begin() as connection:
        touched = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender)).rowcount
    with handoff_engine.begin() as connection:
        ids = list(connection.scalars(select(Handoff.id).where(Handoff.sender == sender)))
        if ids:
            touched += connection.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids))).rowcount
        touched += connection.execute(
            update(Handoff)
            .where(Handoff.sender == sender)
            .values(sender=ERASED_SENDER, client_key=None, transcript=None, status=CLOSED, ended=utc_now())
        ).rowcount
        touched += connection.execute(
            update(Callback)
            .where(Callback.sender == sender)
            .values(sender=None, phone=None, topic=None, status="erased", ended=utc_now())
        ).rowcount
        touched += connection.execute(delete(HeldPhone).where(HeldPhone.sender == sender)).rowcount
        touched += connection.execute(delete(DeliveryRoute).where(DeliveryRoute.sender == sender)).rowcount
    return touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("purge", help="erase everything older than its lifetime")
    erase_parser = commands.add_parser("erase", help="erase one conversation by its id")
    erase_parser.add_argument("conversation_id")
    args = parser.parse_args()
    if args.command == "purge":
        days, purged = collect_and_purge()
        print(f"counted the figures of {days} day(s); purged: {purged}")
    else:
        print(f"erased {erase(args.conversation_id)} rows of conversation {args.conversation_id}")


if __name__ == "__main__":
    main()
