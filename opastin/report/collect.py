"""Collecting a day's figures from the redacted tracker store into day-level aggregates (idempotent).

A contact is one conversation with at least one message that day (Finnish time). Its county is its
municipality's (opastin/data/municipalities.yml); a conversation that named no municipality of a
county (none, or one outside the counties) counts for the deployment's county (OPASTIN_COUNTY), its
municipality shown as unknown. Recollecting a day replaces its rows, so a run twice counts once.

    python -m opastin.report collect [--day 2026-11-03]   (default: every finished day not yet collected)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from opastin import figures, places
from opastin.db import engine_for
from opastin.handoff.queue import utc_now
from opastin.opening_hours import FINLAND
from opastin.redaction import redact
from opastin.report.aggregates import UNKNOWN, CollectedDay, DailyContacts, UnansweredMessage
from opastin.tracker_store import tracker_url

EVENTS = SQLTrackerStore.SQLEvent.__table__
TOPIC_FILE = Path(__file__).resolve().parents[1] / "data" / "topic_groups.yml"
DEFAULT_COUNTY = "paijat-hame"
ROLES = ("self", "relative", "professional")
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"utter_fallback", "action_default_fallback"})
HANDOFF_ACTION = "action_offer_human_contact"


def home_county() -> str:
    """The county this deployment serves (OPASTIN_COUNTY, as the action server reads it)."""
    return os.environ.get("OPASTIN_COUNTY") or DEFAULT_COUNTY


@cache
def topic_groups() -> tuple[dict[str, str], tuple[str, ...]]:
    """intent → topic group, and the groups in the report's order ("other" last)."""
    data = yaml.safe_load(TOPIC_FILE.read_text(encoding="utf-8"))
    by_intent = {intent: group for group, intents in data["groups"].items() for intent in intents}
    return by_intent, tuple(data["order"])


def day_bounds(day: date) -> tuple[float, float]:
    """The day in Finnish time as the tracker store's epoch seconds [start, end)."""
    start = datetime.combine(day, time(), FINLAND)
    end = datetime.combine(day + timedelta(days=1), time(), FINLAND)
    return start.timestamp(), end.timestamp()


def finnish_day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, FINLAND).date()


def finnish_today(now: datetime) -> date:
    """The date in Finland at `now`, UTC without a zone (as stored)."""
    return finnish_day(now.replace(tzinfo=timezone.utc).timestamp())


@dataclass
class Contact:
    """What one conversation did on one day, as counted."""

    channel: str = "other"
    language: str = "fi"
    municipality: str | None = None
    role: str | None = None
    intents: list[str] = field(default_factory=list)
    messages: int = 0
    not_understood: list[str] = field(default_factory=list)
    asked_for_person: bool = False
    callback: bool = False

    def topic(self) -> str:
        by_intent, _ = topic_groups()
        return next((by_intent[i] for i in self.intents if i in by_intent), "other")

    def outcome(self) -> str:
        return "callback" if self.callback else "person" if self.asked_for_person else "bot"


def read_contact(events: Iterable[dict[str, Any]], start: float) -> Contact:
    """A conversation's events up to the day's end → its contact that day (slots as they stood at its end)."""
    contact, last_text, counted = Contact(), None, False
    for event in events:
        kind, in_day = event.get("event"), (event.get("timestamp") or 0) >= start
        if kind == "slot":
            _take_slot(contact, event.get("name"), event.get("value"), in_day)
        elif kind == "user" and in_day:
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            contact.messages += 1
            contact.channel = event.get("input_channel") or contact.channel
            contact.intents.append(intent)
            last_text, counted = event.get("text") or "", intent == FALLBACK_INTENT
            if counted:
                contact.not_understood.append(last_text)
        elif kind == "action" and in_day:
            name = event.get("name")
            if name in FALLBACK_ACTIONS and last_text is not None and not counted:
                contact.not_understood.append(last_text)
                counted = True
            contact.asked_for_person |= name == HANDOFF_ACTION
    return contact


def _take_slot(contact: Contact, name: Any, value: Any, in_day: bool) -> None:
    if name == "language" and value in ("fi", "sv", "en"):
        contact.language = value
    elif name == "role" and value in ROLES:
        contact.role = value
    elif name == "municipality" and isinstance(value, str):
        contact.municipality = value
    elif name == "callback_id" and value and in_day:
        contact.callback = True


def place_of(contact: Contact) -> tuple[str, str]:
    """(county, municipality code) of a contact; a place outside the counties or unnamed is unknown."""
    municipality = places.resolve(contact.municipality) if contact.municipality else None
    if municipality is None or municipality.county is None:
        return home_county(), UNKNOWN
    return municipality.county, municipality.code


def contacts_of_day(engine: Engine, day: date) -> Iterator[Contact]:
    """Each conversation with a message on the day, read from the tracker store."""
    start, end = day_bounds(day)
    in_day = (EVENTS.c.timestamp >= start) & (EVENTS.c.timestamp < end)
    with engine.connect() as connection:
        senders = list(
            connection.scalars(select(EVENTS.c.sender_id).where(in_day, EVENTS.c.type_name == "user").distinct())
        )
        for first in range(0, len(senders), 200):
            batch = senders[first : first + 200]
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.data)
                .where(EVENTS.c.sender_id.in_(batch), EVENTS.c.timestamp < end)
                .order_by(EVENTS.c.sender_id, EVENTS.c.id)
            )
            by_sender: dict[str, list[dict[str, Any]]] = {}
            for sender, data in rows:
                by_sender.setdefault(sender, []).append(json.loads(data))
            for events in by_sender.values():
                yield read_contact(events, start)


def collect_day(
    day: date, *, tracker: str | None = None, reporting: str | None = None, now: datetime | None = None
) -> int:
    """Replaces the day's aggregates with those counted now; returns the number of contacts."""
    now = now or utc_now()
    counts: Counter[tuple[str, ...]] = Counter()
    messages: Counter[tuple[str, ...]] = Counter()
    not_understood: Counter[tuple[str, ...]] = Counter()
    unanswered: list[dict[str, Any]] = []
    for contact in contacts_of_day(engine_for(tracker or tracker_url()), day):
        county, code = place_of(contact)
        key = (
            county,
            contact.channel,
            contact.language,
            code,
            contact.role or UNKNOWN,
            contact.topic(),
            contact.outcome(),
        )
        counts[key] += 1
        messages[key] += contact.messages
        not_understood[key] += len(contact.not_understood)
        unanswered += [
            {"day": day, "county": county, "language": contact.language, "text": redact(text)}
            for text in contact.not_understood
            if text.strip() and not text.startswith("/")  # a button's payload is no question
        ]
    rows = [
        dict(
            zip(("county", "channel", "language", "municipality_code", "role", "topic", "outcome"), key, strict=True),
            day=day,
            contacts=count,
            messages=messages[key],
            not_understood=not_understood[key],
        )
        for key, count in sorted(counts.items())
    ]
    complete = finnish_today(now) > day
    with engine_for(reporting or figures.reporting_url()).begin() as connection:
        connection.execute(delete(DailyContacts).where(DailyContacts.day == day))
        connection.execute(delete(UnansweredMessage).where(UnansweredMessage.day == day))
        connection.execute(delete(CollectedDay).where(CollectedDay.day == day))
        if rows:
            connection.execute(DailyContacts.__table__.insert(), rows)
        if unanswered:
            connection.execute(UnansweredMessage.__table__.insert(), unanswered)
        connection.execute(CollectedDay.__table__.insert().values(day=day, collected=now, complete=complete))
    return sum(counts.values())


def pending_days(
    first: date | None = None,
    last: date | None = None,
    *,
    tracker: str | None = None,
    reporting: str | None = None,
    now: datetime | None = None,
) -> list[date]:
    """Days not yet collected after their end, from `first` (default: the oldest conversation) to `last`
    (default: yesterday, Finnish time)."""
    now = now or utc_now()
    today = finnish_today(now)
    if first is None:
        with engine_for(tracker or tracker_url()).connect() as connection:
            oldest = connection.scalar(select(func.min(EVENTS.c.timestamp)))
        if oldest is None:
            return []
        first = finnish_day(oldest)
    last = min(last or today - timedelta(days=1), today)
    with engine_for(reporting or figures.reporting_url()).connect() as connection:
        done = set(connection.scalars(select(CollectedDay.day).where(CollectedDay.complete.is_(True))))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day not in done]
