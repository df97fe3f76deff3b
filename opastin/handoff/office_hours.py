"""Is customer guidance answering the chat now? Per county: weekly hours, public holidays, closed days."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import holidays
import yaml

from opastin.handoff.queue import MAX_PER_CLIENT
from opastin.opening_hours import FINLAND, parse_weekly

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "service_hours.yml"


@dataclass(frozen=True)
class Opening:
    day: date
    opens: time
    closes: time


@dataclass(frozen=True)
class ServiceHours:
    county: str
    weekly: tuple[tuple[int, int, time, time], ...]
    closed: frozenset[date]
    max_queue: int
    public_holidays_closed: bool = True
    max_per_client: int = MAX_PER_CLIENT

    def is_closed_day(self, day: date) -> bool:
        return day in self.closed or (self.public_holidays_closed and day in finnish_holidays(day.year))

    def hours_on(self, day: date) -> tuple[time, time] | None:
        if self.is_closed_day(day):
            return None
        for first, last, opens, closes in self.weekly:
            if first <= day.weekday() <= last:
                return opens, closes
        return None

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(FINLAND)
        hours = self.hours_on(local.date())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, now: datetime) -> Opening | None:
        """The next time the chat is answered (today later, or a coming day), within four weeks."""
        local = now.astimezone(FINLAND)
        for offset in range(29):
            day = local.date() + timedelta(days=offset)
            hours = self.hours_on(day)
            if hours and (offset or local.time() < hours[0]):
                return Opening(day, *hours)
        return None


@lru_cache(maxsize=8)
def finnish_holidays(year: int) -> frozenset[date]:
    """Finland's public holidays, with Christmas Eve and Midsummer Eve, which offices also keep."""
    return frozenset(holidays.country_holidays("FI", years=year))


def hours_file() -> Path:
    return Path(os.environ.get("OPASTIN_SERVICE_HOURS") or DEFAULT_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, ServiceHours]:
    rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("counties") or {}
    return {
        county: ServiceHours(
            county=county,
            weekly=tuple(parse_weekly(row.get("hours") or "")),
            closed=frozenset(date.fromisoformat(str(d)) for d in row.get("closed") or []),
            max_queue=int(row.get("max_queue", 5)),
            public_holidays_closed=bool(row.get("public_holidays_closed", True)),
            max_per_client=int(row.get("max_per_client", MAX_PER_CLIENT)),
        )
        for county, row in rows.items()
    }


def for_county(county: str) -> ServiceHours:
    """The county's chat hours; a county missing from the file has no live chat (callbacks only)."""
    return _load(hours_file()).get(county) or ServiceHours(county, (), frozenset(), 0)
