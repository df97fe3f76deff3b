"""Create the directory schema and fill it with the seed data (python -m actions.directory.seed).

The seed expands service templates (seed/services.yml) over the counties and towns of
seed/counties.yml, adds the national services of seed/national.yml and the dated occurrences of
the sample events of seed/events.yml. It writes the same tables a PTV import writes, marking
regional rows as sample data.
"""

from __future__ import annotations

import argparse
import logging

from sqlalchemy import func, inspect, select
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from actions.directory import db, seed_events
from actions.directory.schema import Base, ImportState, Service
from actions.directory.seed_services import build_county_rows, build_county_services, build_national_services, load

log = logging.getLogger(__name__)


def _events(session: Session, *, replace: bool = False) -> int:
    """The sample events, for the counties that have not imported their own."""
    templates = load("events.yml")["events"]
    imported = set(session.scalars(select(ImportState.county_code).where(ImportState.source == "linkedevents")))
    counties = [c for c in load("counties.yml")["counties"] if c["code"] not in imported]
    if replace:
        return seed_events.replace_events(session, templates, counties)
    return seed_events.build_events(session, templates, counties)


def renew_sample_events(session: Session) -> int:
    """New dates for the sample events, in the counties that have not imported their own."""
    return _events(session, replace=True)


def seed(session: Session) -> int:
    """Write all seed rows into an empty schema; returns the number of services."""
    build_county_rows(session)
    count = build_county_services(session) + build_national_services(session)
    _events(session)
    session.commit()
    return count


def _outdated_schema(engine: Engine) -> list[str]:
    """Tables whose columns differ from the models (a directory seeded by an older version)."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    outdated = []
    for table in Base.metadata.sorted_tables:
        if table.name in existing:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            if not set(table.columns.keys()) <= columns:
                outdated.append(table.name)
    return outdated


def _only_seed_rows(engine: Engine) -> bool:
    with engine.connect() as connection:
        return not connection.execute(sql_text("SELECT 1 FROM services WHERE source <> 'seed' LIMIT 1")).first()


def ensure_seeded(url: str | None = None, *, reset: bool = False) -> int:
    """Create the schema and seed it unless it already holds services. Returns the service count.

    A directory that holds only seed data is rebuilt when its schema is older than the models;
    one with imported data is never dropped (that needs a migration, so it stops with a message).
    The sample events are renewed when they run short, so that they never go stale.
    """
    engine = db.engine_for(url or db.directory_url())
    outdated = _outdated_schema(engine)
    if outdated and not reset:
        if not _only_seed_rows(engine):
            raise SystemExit(
                f"directory schema is older than the code (tables {outdated}) and holds imported data: "
                "migrate it or re-import it with --reset"
            )
        log.warning("directory schema is older than the code (%s): rebuilding the seed data", outdated)
        reset = True
    if reset:
        Base.metadata.drop_all(engine)
    db.create_schema(engine)
    with db.session_factory(url)() as session:
        existing = session.scalar(select(func.count()).select_from(Service))
        if not existing:
            return seed(session)
        if seed_events.needs_refresh(session):
            renew_sample_events(session)
            session.commit()
        return existing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reset", action="store_true", help="drop all directory tables and seed anew")
    parser.add_argument("--url", help="database URL (default: DIRECTORY_URL or the SQLite file under var/)")
    args = parser.parse_args()
    count = ensure_seeded(args.url, reset=args.reset)
    print(f"directory ready: {count} services at {args.url or db.directory_url()}")
    for line in imported(args.url):
        print(line)


def imported(url: str | None = None) -> list[str]:
    """Which counties hold imported data: the seed neither overwrites it nor adds their sample rows back."""
    with db.session_factory(url)() as session:
        states = session.scalars(select(ImportState).order_by(ImportState.county_code, ImportState.source))
        return [
            f"  {s.county_code}: imported from {s.source} ({s.items} rows, last {s.last_success:%Y-%m-%d %H:%M} UTC);"
            " its sample rows stay out"
            for s in states
        ]


if __name__ == "__main__":
    main()
