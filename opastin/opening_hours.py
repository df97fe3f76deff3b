"""Opening hours for "today", computed in Finnish time whatever the server's clock zone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

FINLAND = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class TodayHours:
    always_open: bool = False
    closed: bool = False
    opens: time | None = None
    closes: time | None = None

    @property
    def known(self) -> bool:
        return self.always_open or self.closed or self.opens is not None


def now_in_finland() -> datetime:
    return datetime.now(FINLAND)


def _valid_on(service_hour, day: date) -> bool:
    return (service_hour.valid_from is None or service_hour.valid_from <= day) and (
        service_hour.valid_to is None or day <= service_hour.valid_to
    )


def hours_on(service_hours: Iterable, day: date) -> TodayHours:
    """Exceptional hours (holidays) beat the weekly ones, as in PTV; no hours at all means unknown."""
    rows = [h for h in service_hours if _valid_on(h, day)]
    if not rows:
        return TodayHours()
    exceptional = [h for h in rows if h.hour_type == "Exceptional"]
    for row in exceptional or rows:
        if row.is_always_open:
            return TodayHours(always_open=True)
        if row.is_closed and row.hour_type == "Exceptional":
            return TodayHours(closed=True)
        for opening in row.opening_hours:
            if opening.day_from <= day.weekday() <= opening.day_to:
                return TodayHours(opens=opening.from_time, closes=opening.to_time)
    return TodayHours(closed=True)


def parse_weekly(spec: str) -> list[tuple[int, int, time, time]]:
    """Seed notation "mo-fr 08:00-16:00; sa 10:00-14:00" → (day_from, day_to, from, to) rows."""
    days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
    rows = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        day_part, time_part = part.split()
        first, _, last = day_part.partition("-")
        start, _, end = time_part.partition("-")
        rows.append((days.index(first), days.index(last or first), time.fromisoformat(start), time.fromisoformat(end)))
    return rows
