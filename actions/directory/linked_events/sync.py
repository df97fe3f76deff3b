"""One Linked Events import of a county: read every upcoming event of its towns, then write in one transaction.

A full run replaces the county's events (its sample ones too); an incremental run asks for what was
modified since the last success (deleted ones included) and removes the deleted. Events outside the
county's towns are left out; an event that cannot be read is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from actions.directory import db, import_mapping
from actions.directory.client import utc_now
from actions.directory.importing import Report, county_codes, last_success, remember
from actions.directory.linked_events import mapping
from actions.directory.linked_events.client import LinkedEventsClient
from actions.directory.schema import Event, ServiceChannel
from actions.directory.seed import ensure_seeded
from opastin import places
from opastin.text import fold


def divisions(codes: set[str]) -> list[str]:
    """Linked Events' division filter takes the towns' Finnish names (ocd ids end in them)."""
    return sorted(fold(m.fi).replace(" ", "_") for code in codes if (m := places.by_code(code)))


def run(url: str, county: str, client: LinkedEventsClient, *, full: bool = False) -> Report:
    codes = county_codes(county)
    ensure_seeded(url)
    started = utc_now()
    with db.open_session(url) as session:
        since = None if full else last_success(session, county, mapping.SOURCE)
    report = Report("Linked Events", county, full=since is None)
    stamp = started.strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None
    items = list(client.events(divisions(codes), stamp, changed))
    events, locations, deleted = _map(items, client, county, codes, report)
    with db.open_session(url) as session, session.begin():
        _write(session, county, events, locations, deleted, report)
        report.held = len(_county_events(session, county))
        remember(session, county, mapping.SOURCE, started, report.held)
    return report


def _map(
    items: list[Any], client: LinkedEventsClient, county: str, codes: set[str], report: Report
) -> tuple[list[Event], dict[str, ServiceChannel], set[str]]:
    rules = import_mapping.load()
    events: list[Event] = []
    locations: dict[str, ServiceChannel] = {}
    deleted: set[str] = set()
    for item in items:
        event_id = mapping.ref_id(item) if isinstance(item, dict) else None
        if not isinstance(item, dict) or not event_id:
            report.skipped.append("event without an id")
            continue
        if item.get("deleted"):
            deleted.add(event_id)
            continue
        try:
            place = _place(item, client)
            code = mapping.municipality_of(place) if place else None
            if code not in codes and not item.get("is_virtualevent"):
                deleted.add(event_id)  # not (or no longer) in the county's towns
                continue
            location = mapping.place_row(place, code) if place else None
            if location is not None:
                locations[location.id] = location
            events.append(
                mapping.event_row(
                    item, county=county, code=code, location_id=location.id if location else None, mapping=rules
                )
            )
        except mapping.Malformed as error:
            report.skipped.append(f"event {event_id}: {error}")
    return events, locations, deleted


def _place(item: dict[str, Any], client: LinkedEventsClient) -> dict[str, Any] | None:
    location = item.get("location")
    if not isinstance(location, dict):
        return None
    if "name" not in location and isinstance(location.get("@id"), str):
        location = client.place(location["@id"])  # not inlined: fetched by its address
    if not isinstance(location, dict):
        raise mapping.Malformed("its place is not an object")
    return location


def _county_events(session: Session, county: str) -> list[str]:
    return list(session.scalars(select(Event.id).where(Event.source == mapping.SOURCE, Event.county_code == county)))


def _delete(session: Session, query: Any) -> int:
    rows = list(session.scalars(query))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def _write(
    session: Session,
    county: str,
    events: list[Event],
    locations: dict[str, ServiceChannel],
    deleted: Iterable[str],
    report: Report,
) -> None:
    new_ids = {event.id for event in events}
    held = set(_county_events(session, county))
    if report.full:
        report.removed = len(held - new_ids)
        _delete(session, select(Event).where(Event.id.in_(held | new_ids)))
        _delete(session, select(Event).where(Event.source == "seed", Event.county_code == county))
    else:
        gone = held & set(deleted)
        report.removed = len(gone)
        _delete(session, select(Event).where(Event.id.in_(gone | new_ids)))
    for location in locations.values():
        session.merge(location)  # in place: events not fetched this run keep their place
    session.flush()
    session.add_all(events)
    report.written = len(events)
    session.flush()
    used = exists().where(Event.location_id == ServiceChannel.id)
    _delete(session, select(ServiceChannel).where(ServiceChannel.source == mapping.SOURCE, ~used))
