"""The sample calendar: dated from the day the seed runs, renewed before it runs out, never in the past."""

from datetime import date, timedelta

from sqlalchemy import func, select

from actions.directory import db, seed_events
from actions.directory.client import utc_now
from actions.directory.schema import Event, EventTheme
from actions.directory.seed import ensure_seeded


def test_weekly_groups_are_dated_from_today_on() -> None:
    tuesday = date(2026, 12, 8)
    dates = [d.date() for d in seed_events.occurrences("tu", "10:00", 1, tuesday)]
    assert dates[0] == tuesday and dates[1] == tuesday + timedelta(weeks=1)
    assert dates[-1] <= tuesday + seed_events.HORIZON
    fortnightly = [d.date() for d in seed_events.occurrences("sa", "10:00", 2, tuesday)]
    assert fortnightly[0] == date(2026, 12, 12) and fortnightly[1] == date(2026, 12, 26)


def test_local_times_are_stored_in_utc_across_daylight_saving() -> None:
    winter = next(seed_events.occurrences("tu", "10:00", 1, date(2026, 12, 8)))
    summer = next(seed_events.occurrences("tu", "10:00", 1, date(2026, 6, 9)))
    assert seed_events._utc(winter).hour == 8 and seed_events._utc(summer).hour == 7


def test_every_county_has_upcoming_events_for_every_theme(sqlite_url: str) -> None:
    with db.open_session(sqlite_url) as session:
        rows = session.execute(
            select(Event.county_code, EventTheme.theme, func.min(Event.start_time))
            .join(EventTheme, EventTheme.event_id == Event.id)
            .group_by(Event.county_code, EventTheme.theme)
        ).all()
    covered = {(county, theme) for county, theme, _ in rows}
    for county in ("paijat-hame", "vantaa-kerava", "satakunta"):
        for theme in ("physical_activity", "nature", "culture", "community", "mood", "sleep", "eating", "daily_life"):
            assert (county, theme) in covered
    assert all(first > utc_now() - timedelta(minutes=5) for _, _, first in rows)


def test_a_calendar_running_short_is_renewed_from_today(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    ensure_seeded(url)
    with db.open_session(url) as session:  # pretend the seed ran ten weeks ago
        for event in session.scalars(select(Event)):
            event.start_time -= timedelta(weeks=10)
        session.commit()
        assert seed_events.needs_refresh(session)
    ensure_seeded(url)
    with db.open_session(url) as session:
        last = session.scalar(select(func.max(Event.start_time)))
        first = session.scalar(select(func.min(Event.start_time)))
        assert last > utc_now() + seed_events.REFRESH_BEFORE and first > utc_now() - timedelta(minutes=5)
        assert not seed_events.needs_refresh(session)


def test_a_directory_seeded_by_an_older_version_is_rebuilt(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    ensure_seeded(url)
    engine = db.engine_for(url)
    with engine.begin() as connection:  # the column this version added
        connection.exec_driver_sql("ALTER TABLE services DROP COLUMN low_threshold")
    assert ensure_seeded(url) > 0
    with db.open_session(url) as session:
        assert session.scalar(select(func.count()).select_from(Event)) > 0
