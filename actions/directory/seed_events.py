"""Sample events (seed/events.yml) expanded into dated occurrences from today on.

The templates are weekly groups, so the seed writes their next occurrences relative to the day it
runs and rewrites them when fewer than REFRESH_BEFORE remain: the sample calendar never goes
stale. A county's real calendar comes from its events API (Linked Events) instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from actions.directory.schema import Event, EventKeyword, EventText, EventTheme, ServiceChannel
from opastin import places
from opastin.opening_hours import FINLAND, now_in_finland

HORIZON = timedelta(weeks=8)
REFRESH_BEFORE = timedelta(weeks=4)
WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
SOURCE = "seed"


def _texts(event_id: str, kind: str, values: dict[str, str] | None) -> list[dict[str, Any]]:
    return [
        {"event_id": event_id, "kind": kind, "language": lang, "value": value}
        for lang, value in (values or {}).items()
        if value
    ]


def occurrences(
    weekday: str, start: str, every_weeks: int, today: date, horizon: timedelta = HORIZON
) -> Iterator[datetime]:
    """Local start times of a weekly group from today to the horizon (Finnish time, zone-aware)."""
    hour, minute = (int(part) for part in start.split(":"))
    first = today + timedelta(days=(WEEKDAYS.index(weekday) - today.weekday()) % 7)
    day = first
    while day <= today + horizon:
        yield datetime.combine(day, time(hour, minute), tzinfo=FINLAND)
        day += timedelta(weeks=every_weeks)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _towns(where: str, towns: list[places.Municipality]) -> list[places.Municipality]:
    main = [t for t in towns if t.main]
    return {"all_towns": towns, "main_towns": main, "first_main_town": main[:1]}[where]


def _place(
    template: dict[str, Any], county: dict[str, Any], town: places.Municipality | None, session: Session
) -> dict[str, Any]:
    place = template["place"]
    if place.get("online"):
        return {"is_online": True, "municipality_code": None, "location_id": None}
    if town is None:
        raise ValueError(f"event {template['key']}: a place that is not online needs a town")
    if "service" in place:
        channel_id = f"{county['code']}:{place['service']}:location:{town.code}"
        if session.get(ServiceChannel, channel_id) is None:
            raise ValueError(f"event {template['key']}: {place['service']} has no location in {town.fi}")
        return {"is_online": False, "municipality_code": town.code, "location_id": channel_id}
    return {
        "is_online": False,
        "municipality_code": town.code,
        "location_id": None,
        "place_names": {lang: f"{name}, {town.name(lang)}" for lang, name in place["names"].items()},
    }


@dataclass
class _Rows:
    """Rows for bulk inserts: thousands of occurrences must not be written one ORM object at a time."""

    events: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, template: dict[str, Any], county: dict[str, Any], series: str, start: datetime, where: dict[str, Any]
    ) -> None:
        event_id = f"{series}:{start:%Y%m%d}"
        self.events.append(
            {
                "id": event_id,
                "source": SOURCE,
                "super_event_id": series,
                "every_weeks": template.get("every_weeks", 1),
                "start_time": _utc(start),
                "end_time": _utc(start + timedelta(minutes=template["duration_minutes"])),
                "event_status": "EventScheduled",
                "county_code": county["code"],
                "municipality_code": where["municipality_code"],
                "location_id": where["location_id"],
                "is_online": where["is_online"],
                "is_free": bool(template["free"]),
                "registration_required": bool(template.get("registration")),
                "audience_min_age": template.get("min_age"),
                "audience_max_age": template.get("max_age"),
                "info_url": county["web"],
                "is_sample": True,
            }
        )
        self.texts += (
            _texts(event_id, "Name", template["names"])
            + _texts(event_id, "ShortDescription", template.get("descriptions"))
            + _texts(event_id, "Provider", template.get("provider"))
            + _texts(event_id, "PlaceName", where.get("place_names"))
            + ([] if template["free"] else _texts(event_id, "Price", template.get("price")))
        )
        self.keywords += [
            {"event_id": event_id, "language": lang, "value": str(word)}
            for lang, words in (template.get("keywords") or {}).items()
            for word in words
        ]
        self.themes += [{"event_id": event_id, "theme": theme} for theme in template.get("themes") or []]

    def write(self, session: Session) -> None:
        for model, rows in (
            (Event, self.events),
            (EventText, self.texts),
            (EventKeyword, self.keywords),
            (EventTheme, self.themes),
        ):
            if rows:
                session.execute(insert(model.__table__), rows)


def build_events(
    session: Session, templates: list[dict[str, Any]], counties: list[dict[str, Any]], today: date | None = None
) -> int:
    """Writes the occurrences of every template in every county; returns how many."""
    today = today or now_in_finland().date()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = _Rows()
    for county in counties:
        towns = [places.known(code) for code in county["towns"]]
        for template in templates:
            spots = [None] if template["place"].get("online") else _towns(template.get("where", "main_towns"), towns)
            for town in spots:
                series = f"{county['code']}:{template['key']}:{town.code if town else 'online'}"
                where = _place(template, county, town, session)
                for start in occurrences(template["weekday"], template["start"], template.get("every_weeks", 1), today):
                    if _utc(start) > now:
                        rows.add(template, county, series, start, where)
    rows.write(session)
    return len(rows.events)


def needs_refresh(session: Session, now: datetime | None = None) -> bool:
    """True when the sample calendar ends within REFRESH_BEFORE (or is empty)."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    last = session.scalar(select(func.max(Event.start_time)).where(Event.source == SOURCE))
    return last is None or last < now + REFRESH_BEFORE


def replace_events(session: Session, templates: list[dict[str, Any]], counties: list[dict[str, Any]]) -> int:
    session.execute(delete(Event).where(Event.source == SOURCE))
    return build_events(session, templates, counties)
