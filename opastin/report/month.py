"""A county's figures for one month, read only from aggregates: the day-level counts, the kept hand-over
and callback figures, the questionnaire's answer counts and the feedback. Nothing traceable to a person.

Every count from 1 to 4 is shown as "< 5" (`shown`), so that no one can be singled out; a rate or a
median is shown only when it rests on at least 5.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from opastin import figures, places
from opastin.db import engine_for
from opastin.handoff.queue import handoff_url
from opastin.handoff.records import Callback, Handoff
from opastin.opening_hours import FINLAND
from opastin.report.aggregates import UNKNOWN, DailyContacts, UnansweredMessage
from opastin.report.collect import home_county, topic_groups

SMALL = 5  # counts below this (but above 0) are never shown as such
LIVE_CHAT_STATES = ("active", "returned", "closed")  # taken by an agent at some point
ROLE_ORDER = ("self", "relative", "professional", UNKNOWN)
OUTCOME_ORDER = ("bot", "person", "callback")


def shown(count: int) -> str:
    """A count as the report and the console show it: "< 5" for 1–4."""
    return f"< {SMALL}" if 0 < count < SMALL else str(count)


def protected(rows: list[tuple[str, int]], total_is_shown: bool = True) -> list[str]:
    """A table's counts as shown. When a table's total is shown elsewhere and only one of its counts is
    hidden, that count could be worked out from the total and the others: the smallest other count is then
    shown as "≥ 5" too (secondary suppression)."""
    displayed = [shown(count) for _, count in rows]
    small = [n for n, (_, count) in enumerate(rows) if 0 < count < SMALL]
    large = [n for n, (_, count) in enumerate(rows) if count >= SMALL]
    if total_is_shown and len(small) == 1 and large:
        displayed[min(large, key=lambda n: (rows[n][1], n))] = f"≥ {SMALL}"
    return displayed


def shown_part(part: int, whole: int) -> str:
    """A part of a count that is shown too (chats taken of those queued, callbacks done of those asked): the
    rest (whole − part) is a count as well, so the part is hidden as "≥ 5" when the rest is 1–4."""
    return protected([("part", part), ("rest", whole - part)])[0]


def is_exact(displayed: str) -> bool:
    return displayed.isdigit()


def month_days(month: str) -> list[date]:
    """The days of "2026-11"; a clear error for anything else."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month must be like 2026-11, not {month!r}") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def counties() -> list[str]:
    return sorted({m.county for m in places.all_municipalities() if m.county})


def check_county(county: str) -> None:
    if county not in counties():
        raise ValueError(f"county must be one of {', '.join(counties())}, not {county!r}")


@dataclass
class MonthFigures:
    """The month's figures; `tables` are category → count, in the order the report shows them."""

    county: str
    month: str
    contacts: int = 0
    messages: int = 0
    not_understood: int = 0
    tables: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    live_chats: int = 0
    live_chats_taken: int = 0
    waiting_minutes: list[float] = field(default_factory=list)
    callbacks: int = 0
    callbacks_done: int = 0
    feedback_comments: list[str] = field(default_factory=list)

    def displayed(self, key: str) -> list[tuple[str, str]]:
        """A table's rows as (category, count as shown); the contact tables' total is the month's contacts."""
        rows = self.tables.get(key, [])
        return list(zip((label for label, _ in rows), protected(rows, key.startswith("by_")), strict=True))

    def median_wait(self) -> float | None:
        """Median minutes from joining the queue to an agent taking it, when at least 5 were taken."""
        if len(self.waiting_minutes) < SMALL:
            return None
        return round(statistics.median(self.waiting_minutes), 1)

    def not_understood_percent(self) -> float | None:
        if self.messages < SMALL or self.not_understood < SMALL:
            return None
        return round(100 * self.not_understood / self.messages, 1)

    def as_json(self) -> dict[str, Any]:
        """The figures with every count already suppressed: what leaves the server (the console's API)."""
        return {
            "county": self.county,
            "month": self.month,
            "contacts": shown(self.contacts),
            "messages": shown(self.messages),
            "not_understood": shown(self.not_understood),
            "not_understood_percent": self.not_understood_percent(),
            "live_chats": shown(self.live_chats),
            "live_chats_taken": shown_part(self.live_chats_taken, self.live_chats),
            "median_wait_minutes": self.median_wait(),
            "callbacks": shown(self.callbacks),
            "callbacks_done": shown_part(self.callbacks_done, self.callbacks),
            "tables": {key: [list(row) for row in self.displayed(key)] for key in self.tables},
        }


def month_figures(county: str, month: str, *, reporting: str | None = None, handoff: str | None = None) -> MonthFigures:
    """The county's figures for the month (Finnish time), from what has been collected."""
    check_county(county)
    days = month_days(month)
    result = MonthFigures(county, month)
    reporting = reporting or figures.reporting_url()
    _contacts(result, engine_for(reporting), days)
    _survey_and_feedback(result, reporting, days)
    _handoffs(result, engine_for(handoff or handoff_url()), days)
    return result


def _contacts(result: MonthFigures, engine: Any, days: list[date]) -> None:
    rows = DailyContacts.__table__
    dimensions = {
        "by_day": rows.c.day,
        "by_channel": rows.c.channel,
        "by_language": rows.c.language,
        "by_municipality": rows.c.municipality_code,
        "by_role": rows.c.role,
        "by_topic": rows.c.topic,
        "by_outcome": rows.c.outcome,
    }
    where = (rows.c.county == result.county) & rows.c.day.between(days[0], days[-1])
    with engine.connect() as connection:
        totals = connection.execute(
            select(func.sum(rows.c.contacts), func.sum(rows.c.messages), func.sum(rows.c.not_understood)).where(where)
        ).one()
        result.contacts, result.messages, result.not_understood = (int(value or 0) for value in totals)
        found = {
            key: dict(connection.execute(select(column, func.sum(rows.c.contacts)).where(where).group_by(column)).all())
            for key, column in dimensions.items()
        }
    orders: dict[str, tuple[Any, ...]] = {
        "by_day": tuple(days),
        "by_language": ("fi", "sv", "en"),
        "by_role": ROLE_ORDER,
        "by_topic": topic_groups()[1],
        "by_outcome": OUTCOME_ORDER,
        "by_municipality": tuple(m.code for m in places.municipalities_of(result.county)) + (UNKNOWN,),
    }
    for key, counts in found.items():
        # Largest first, but small counts (1–4) all alike: their order would tell them apart.
        order = orders.get(key) or tuple(sorted(counts, key=lambda label: (-_rank(counts[label]), str(label))))
        extra = [label for label in counts if label not in order]
        result.tables[key] = [(str(label), int(counts.get(label) or 0)) for label in (*order, *extra)]


def _rank(count: int) -> int:
    return count if count >= SMALL else 0


def _survey_and_feedback(result: MonthFigures, url: str, days: list[date]) -> None:
    not_now: Counter[str] = Counter()
    for (code, theme, answer), count in figures.wellbeing_counts(result.month, url=url).items():
        municipality = places.by_code(code)
        county = municipality.county if municipality and municipality.county else home_county()
        if answer == "not_now" and county == result.county:
            not_now[theme] += count
    result.tables["survey_not_now"] = sorted(not_now.items(), key=lambda item: (-_rank(item[1]), item[0]))
    if result.county != home_county():
        result.tables["feedback"] = [("up", 0), ("down", 0)]
        return  # the web chat's feedback carries no place: it is the deployment's county's
    rows = figures.Feedback.__table__
    with engine_for(url).connect() as connection:
        ratings = dict(
            connection.execute(
                select(rows.c.rating, func.count()).where(rows.c.day.between(days[0], days[-1])).group_by(rows.c.rating)
            ).all()
        )
        comments = connection.scalars(
            select(rows.c.comment)
            .where(rows.c.day.between(days[0], days[-1]), rows.c.comment.is_not(None), rows.c.comment != "")
            .order_by(rows.c.day, rows.c.id)
        )
        result.feedback_comments = list(comments)
    result.tables["feedback"] = [("up", int(ratings.get(1, 0))), ("down", int(ratings.get(-1, 0)))]


def _handoffs(result: MonthFigures, engine: Any, days: list[date]) -> None:
    start, end = _utc_bounds(days)
    with engine.connect() as connection:
        handoffs = connection.execute(
            select(Handoff.status, Handoff.created, Handoff.taken, Handoff.preparation_rating).where(
                Handoff.county == result.county, Handoff.created >= start, Handoff.created < end
            )
        ).all()
        callbacks = connection.execute(
            select(Callback.status).where(
                Callback.county == result.county, Callback.created >= start, Callback.created < end
            )
        ).all()
    result.live_chats = len(handoffs)
    taken = [h for h in handoffs if h.taken is not None]
    result.live_chats_taken = len(taken)
    result.waiting_minutes = sorted((h.taken - h.created).total_seconds() / 60 for h in taken)
    ratings = Counter(h.preparation_rating for h in handoffs if h.preparation_rating)
    result.tables["preparation_rating"] = [(str(grade), ratings[grade]) for grade in (5, 4, 3, 2, 1)]
    result.callbacks = len(callbacks)
    result.callbacks_done = sum(1 for c in callbacks if c.status == "done")


def _utc_bounds(days: list[date]) -> tuple[datetime, datetime]:
    """The month in Finnish time as naive UTC datetimes, as the hand-over store keeps them."""
    utc = ZoneInfo("UTC")
    start = datetime.combine(days[0], time(), FINLAND).astimezone(utc).replace(tzinfo=None)
    end = datetime.combine(days[-1] + timedelta(days=1), time(), FINLAND).astimezone(utc).replace(tzinfo=None)
    return start, end


def unanswered_texts(county: str, month: str, *, reporting: str | None = None) -> list[tuple[str, str]]:
    """(language, redacted text) of the month's not-understood messages in the county, for clustering."""
    days = month_days(month)
    rows = UnansweredMessage.__table__
    with engine_for(reporting or figures.reporting_url()).connect() as connection:
        found = connection.execute(
            select(rows.c.language, rows.c.text)
            .where(rows.c.county == county, rows.c.day.between(days[0], days[-1]))
            .order_by(rows.c.id)
        )
        return [(language, text) for language, text in found]
