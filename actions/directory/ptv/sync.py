"""One PTV import of a county: fetch everything first, then write it in one transaction.

A full run (no earlier success, or --full) reads the services of each of the county's municipalities
and replaces the county's services (its sample ones too) with them. An incremental run asks which
services and channels changed since the last success, fetches those by id, and removes the
archived and withdrawn ones. Nothing is written until everything has been read, and the writing is
one transaction, so a failure leaves the previous data as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from actions.directory import db, import_mapping
from actions.directory.client import utc_now
from actions.directory.importing import Report, county_codes, last_success, remember
from actions.directory.ptv import mapping
from actions.directory.ptv.client import PtvClient
from actions.directory.schema import (
    Event,
    Municipality,
    Organization,
    SearchTerm,
    Service,
    ServiceChannel,
    service_channels,
)
from actions.directory.seed import ensure_seeded

STATUSES_GONE = ("Archived", "Withdrawn")
_NO_SYNC = {"synchronize_session": False}


@dataclass
class _Fetched:
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    changed_channels: set[str] = field(default_factory=set)
    removed_channels: set[str] = field(default_factory=set)  # archived or withdrawn since the last success


def run(url: str, county: str, client: PtvClient, *, full: bool = False) -> Report:
    codes = county_codes(county)
    ensure_seeded(url)
    started = utc_now()
    with db.open_session(url) as session:
        since = None if full else last_success(session, county, mapping.SOURCE)
        held_channels = set(session.scalars(select(ServiceChannel.id).where(ServiceChannel.source == mapping.SOURCE)))
    report = Report("PTV", county, full=since is None)
    fetched = _fetch_full(client, codes, report) if since is None else _fetch_changes(client, since, report)
    wanted = {cid for item in fetched.services.values() for cid in _channel_ids(item)}
    wanted |= fetched.changed_channels & held_channels
    for item in client.by_ids("ServiceChannel", sorted(wanted)):
        _take(item, fetched.channels, report, "channel")
    with db.open_session(url) as session, session.begin():
        _write(session, county, codes, fetched, report)
        report.held = len(_county_services(session, county))
        remember(session, county, mapping.SOURCE, started, report.held)
    return report


def _take(item: Any, into: dict[str, dict[str, Any]], report: Report, what: str) -> None:
    try:
        into[mapping.item_id(item)] = item
    except mapping.Malformed as error:
        report.skipped.append(f"{what} without an id: {error}")


def _channel_ids(item: dict[str, Any]) -> list[str]:
    try:
        return mapping.channel_ids(item)
    except mapping.Malformed:
        return []  # the service itself is reported when it is mapped


def _fetch_full(client: PtvClient, codes: set[str], report: Report) -> _Fetched:
    fetched = _Fetched()
    for code in sorted(codes):
        for item in client.municipality_services(code):
            _take(item, fetched.services, report, "service")
    return fetched


def _fetch_changes(client: PtvClient, since: datetime, report: Report) -> _Fetched:
    stamp = since.strftime("%Y-%m-%dT%H:%M:%S")
    fetched = _Fetched()
    changed = client.changed_ids("Service", stamp)
    for status in STATUSES_GONE:
        fetched.removed.update(client.changed_ids("Service", stamp, status))
    for item in client.by_ids("Service", sorted(set(changed) - fetched.removed)):
        _take(item, fetched.services, report, "service")
    fetched.changed_channels = set(client.changed_ids("ServiceChannel", stamp))
    for status in STATUSES_GONE:  # a closed location of an unchanged service must go too
        fetched.removed_channels.update(client.changed_ids("ServiceChannel", stamp, status))
    return fetched


def _county_services(session: Session, county: str) -> list[str]:
    query = select(Service.id).where(Service.source == mapping.SOURCE, Service.county_code == county)
    return list(session.scalars(query))


def _delete_services(session: Session, ids: Iterable[str]) -> int:
    count = 0
    for service in session.scalars(select(Service).where(Service.id.in_(list(ids)))):
        session.delete(service)
        count += 1
    session.flush()
    return count


def _write(session: Session, county: str, codes: set[str], fetched: _Fetched, report: Report) -> None:
    rules = import_mapping.load()
    known_codes = set(session.scalars(select(Municipality.code)))
    services: list[tuple[Any, list[str]]] = []
    for service_id, item in fetched.services.items():
        if mapping.is_gone(item):
            fetched.removed.add(service_id)
            continue
        try:
            row = mapping.service_row(item, county=county, codes=codes, mapping=rules)
            services.append((row, mapping.channel_ids(item)))
            for org in mapping.organizations(item):
                session.merge(org)
        except mapping.Malformed as error:
            report.skipped.append(f"service {service_id}: {error}")
    session.flush()
    outside = {row.id for row, _ in services if not row.areas}  # no longer offered in the county
    fetched.removed |= {stored.removeprefix(f"{county}:") for stored in outside}  # PTV's ids, as the others
    services = [(row, ids) for row, ids in services if row.id not in outside]

    if report.full:
        stale = set(_county_services(session, county)) | {row.id for row, _ in services}
        report.removed = len(set(_county_services(session, county)) - {row.id for row, _ in services})
        _delete_services(session, stale)
        _delete_sample_rows(session, county)
    else:
        held = set(_county_services(session, county))
        gone = held & {mapping.stored_id(county, ptv_id) for ptv_id in fetched.removed}
        report.removed = len(gone)
        _delete_services(session, gone | {row.id for row, _ in services})

    channels, links = _write_channels(session, fetched.channels, known_codes, report, fetched.removed_channels)
    for row, ids in services:
        row.channels = [channels[cid] for cid in dict.fromkeys(ids) if cid in channels]
        session.add(row)
    session.flush()  # the services before their search terms (which have no ORM link to order them by)
    for row, _ in services:
        session.add_all(mapping.search_terms(row))
    written = {row.id for row, _ in services}
    for channel_id, service_ids in links.items():
        channel = channels[channel_id]
        session.add(channel)
        for service_id in service_ids - written:
            service = session.get(Service, service_id)
            if service is not None and channel not in service.channels:
                service.channels.append(channel)
    session.flush()
    report.written = len(services)
    _delete_orphan_channels(session)


def _write_channels(
    session: Session, items: dict[str, dict[str, Any]], known_codes: set[str], report: Report, gone: set[str]
) -> tuple[dict[str, ServiceChannel], dict[str, set[str]]]:
    """Fresh rows for every fetched channel, and which services linked the old rows (to link again); the
    archived and withdrawn ones (`gone`, or fetched so) are unlinked from every service (then go as orphans)."""
    known_orgs = set(session.scalars(select(Organization.id)))
    rows: dict[str, ServiceChannel] = {}
    gone = set(gone) | {channel_id for channel_id, item in items.items() if mapping.is_gone(item)}
    for channel in session.scalars(
        select(ServiceChannel).where(ServiceChannel.source == mapping.SOURCE, ServiceChannel.id.in_(list(gone)))
    ):
        channel.services = []  # no service leads there; the row itself goes with the orphans
    for channel_id, item in items.items():
        if channel_id in gone:
            continue
        try:
            rows[channel_id] = mapping.channel_row(item, known_codes=known_codes, known_orgs=known_orgs)
        except mapping.Malformed as error:
            report.skipped.append(f"channel {channel_id}: {error}")
    links: dict[str, set[str]] = {}
    existing = set(session.scalars(select(ServiceChannel.id).where(ServiceChannel.id.in_(list(rows)))))
    for channel_id in rows.keys() & existing:
        old = session.get(ServiceChannel, channel_id)
        if old is not None:
            links[channel_id] = {service.id for service in old.services}
            session.delete(old)
    session.flush()
    return rows, links


def _delete_orphan_channels(session: Session) -> None:
    linked = exists().where(service_channels.c.channel_id == ServiceChannel.id)
    used_by_event = exists().where(Event.location_id == ServiceChannel.id)
    for channel in session.scalars(
        select(ServiceChannel).where(ServiceChannel.source == mapping.SOURCE, ~linked, ~used_by_event)
    ):
        session.delete(channel)
    session.flush()


def _delete_sample_rows(session: Session, county: str) -> None:
    """The seed's sample services of the county: a county that imported shows only its real data."""
    sample = list(session.scalars(select(Service.id).where(Service.source == "seed", Service.id.like(f"{county}:%"))))
    session.execute(delete(SearchTerm).where(SearchTerm.service_id.in_(sample)), execution_options=_NO_SYNC)
    _delete_services(session, sample)
    for channel in session.scalars(
        select(ServiceChannel).where(ServiceChannel.source == "seed", ServiceChannel.id.like(f"{county}:%"))
    ):
        linked = session.scalar(select(exists().where(service_channels.c.channel_id == channel.id)))
        used = session.scalar(select(exists().where(Event.location_id == channel.id)))
        if not linked and not used:
            session.delete(channel)
    session.flush()
