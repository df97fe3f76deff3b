"""What both importers share: the county's towns, the last run's time, progress and the run's report."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session
from tqdm import tqdm

from actions.directory.schema import County, ImportState
from opastin import places


@dataclass
class Report:
    """What a run did, printed at its end; `skipped` names each malformed item and why."""

    source: str
    county: str
    full: bool
    written: int = 0
    removed: int = 0
    held: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kind = "full" if self.full else "incremental"
        head = (
            f"{self.source} → {self.county} ({kind}): {self.written} written, {self.removed} removed, "
            f"{self.held} now held, {len(self.skipped)} skipped"
        )
        return [head] + [f"  skipped {reason}" for reason in self.skipped]


def county_codes(county: str) -> set[str]:
    codes = {m.code for m in places.municipalities_of(county)}
    if not codes:
        known = sorted({m.county for m in places.all_municipalities() if m.county})
        raise SystemExit(f"unknown county {county!r}: one of {', '.join(known)}")
    return codes


def last_success(session: Session, county: str, source: str) -> datetime | None:
    state = session.get(ImportState, (county, source))
    return state.last_success if state else None


def remember(session: Session, county: str, source: str, started: datetime, items: int) -> None:
    """Written in the run's own transaction: a failed run leaves the previous time."""
    state = session.get(ImportState, (county, source)) or ImportState(county_code=county, source=source)
    state.last_success = started
    state.items = items
    session.add(state)
    row = session.get(County, county)
    if row is not None:
        row.is_sample = False


def progress(description: str) -> tqdm:
    """A bar of pages fetched, on stderr; off when stderr is not a terminal (logs, CI)."""
    return tqdm(desc=description, unit=" pages", file=sys.stderr, disable=not sys.stderr.isatty())
