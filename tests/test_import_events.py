"""`make import-events` against a fake Linked Events API: paging by `next`, places, keywords, deletions, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from actions.directory import db, seed
from actions.directory.client import DirectoryClient
from actions.directory.fetch import ImportFailed
from actions.directory.importer import import_events
from actions.directory.schema import ChannelAddress, Event
from actions.directory.seed import ensure_seeded
from tests.fakes.linked_events_api import BASE, FakeLinkedEvents
from tests.fakes.server import serving

FAST = {"timeout": 1.0, "backoff": 0.01}
SOON = datetime.now(timezone.utc) + timedelta(days=3)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def place(place_id: str, town: str, name: str, street: str, lon: float, lat: float) -> dict[str, Any]:
    return {
        "id": place_id,
        "name": {"fi": name},
        "street_address": {"fi": street},
        "postal_code": "15110",
        "address_locality": {"fi": town.capitalize()},
        "position": {"type": "Point", "coordinates": [lon, lat]},
        "divisions": [
            {"type": "muni", "ocd_id": f"ocd-division/country:fi/kunta:{town}", "name": {"fi": town.capitalize()}}
        ],
    }


def event(event_id: str, name: dict[str, str], place_id: str, *, days: int = 3, **extra: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "name": name,
        "short_description": {"fi": f"{name.get('fi', '')} kaikille."},
        "start_time": stamp(SOON + timedelta(days=days - 3)),
        "end_time": stamp(SOON + timedelta(days=days - 3, hours=2)),
        "location_id": place_id,
        "keywords": [
            {"@id": "https://x/linkedevents/v1/keyword/yso:p916/", "id": "yso:p916", "name": {"fi": "liikunta"}}
        ],
        "offers": [{"is_free": True, "price": None, "info_url": None}],
        "info_url": {"fi": f"https://tapahtumat.example/{event_id}"},
        "event_status": "EventScheduled",
        "audience_min_age": None,
        "audience_max_age": None,
        "last_modified_time": "2026-12-01T10:00:00Z",
        "deleted": False,
        **extra,
    }


def calendar() -> FakeLinkedEvents:
    fake = FakeLinkedEvents()
    fake.places = {
        "lahti:hall": place("lahti:hall", "lahti", "Urheilutalo", "Salpausselänkatu 8", 25.6557, 60.9797),
        "heinola:library": place("heinola:library", "heinola", "Heinolan kirjasto", "Kauppakatu 1", 26.0367, 61.2047),
        "pori:hall": place("pori:hall", "pori", "Porin halli", "Katu 1", 21.79, 61.48),
    }
    fake.events = [
        event(
            "lahti:walk1",
            {"fi": "Kävelyryhmä", "sv": "Promenadgrupp"},
            "lahti:hall",
            super_event={"@id": "https://x/event/lahti:walks/"},
        ),
        event(
            "lahti:walk2",
            {"fi": "Kävelyryhmä", "sv": "Promenadgrupp"},
            "lahti:hall",
            days=10,
            super_event={"@id": "https://x/event/lahti:walks/"},
        ),
        event("heinola:yoga", {"fi": "Tuolijooga"}, "heinola:library", days=4),
        event("lahti:broken", {"fi": "Rikki"}, "lahti:hall", start_time="huomenna"),
        event("lahti:gone", {"fi": "Peruttu"}, "lahti:hall", deleted=True),
        event("pori:gym", {"fi": "Porin kuntosali"}, "pori:hall"),
        event("heinola:off", {"fi": "Peruttu jumppa"}, "heinola:library", days=5, event_status="EventCancelled"),
    ]
    return fake


@pytest.fixture
def fake_events() -> Iterator[tuple[FakeLinkedEvents, str]]:
    fake = calendar()
    with serving(fake.app()) as url:
        yield fake, url + BASE


def ids(url: str, county: str = "paijat-hame") -> set[str]:
    with db.open_session(url) as session:
        return set(session.scalars(select(Event.id).where(Event.county_code == county)))


def test_a_full_import_replaces_the_countys_sample_events(own_directory: str, fake_events) -> None:
    fake, base = fake_events
    report = import_events(own_directory, "paijat-hame", base, **FAST)
    assert ids(own_directory) == {"lahti:walk1", "lahti:walk2", "heinola:yoga", "heinola:off"}
    assert report.skipped == ["event lahti:broken: time 'huomenna'"]
    pages = fake.served("/event/")
    assert [p.rsplit("page=", 1)[-1] for p in pages[1:]] == ["2", "3"]  # 5 events of its towns, 2 a page, by `next`
    client = DirectoryClient(own_directory)
    found = client.upcoming_events("physical_activity", "paijat-hame", "sv")  # yso:p916 → physical_activity
    # One per series, soonest first; the cancelled one is kept with its status and never shown.
    assert [card.id for card in found] == ["lahti:walk1", "heinola:yoga"]
    walk = found[0]
    assert walk.name.value == "Promenadgrupp" and walk.series == "lahti:walks" and not walk.is_sample
    assert walk.place == "Urheilutalo, Salpausselänkatu 8, 15110 Lahti"
    assert walk.url == "https://tapahtumat.example/lahti:walk1"
    with db.open_session(own_directory) as session:
        address = session.scalars(select(ChannelAddress).where(ChannelAddress.channel_id == "le:lahti:hall")).one()
    assert (address.latitude, address.longitude) == (60.9797, 25.6557)
    # Satakunta keeps its sample events.
    assert all(card.is_sample for card in client.upcoming_events("physical_activity", "satakunta", "fi"))


def test_places_not_inlined_are_fetched_once(own_directory: str, fake_events) -> None:
    fake, base = fake_events
    fake.inline_places = False
    import_events(own_directory, "paijat-hame", base, **FAST)
    assert ids(own_directory) == {"lahti:walk1", "lahti:walk2", "heinola:yoga", "heinola:off"}
    assert sorted(fake.served("/place/")) == [
        "/linkedevents/v1/place/heinola:library/",
        "/linkedevents/v1/place/lahti:hall/",
    ]


def test_an_incremental_run_removes_deleted_events_and_seeding_keeps_the_import(
    own_directory: str, fake_events
) -> None:
    fake, base = fake_events
    import_events(own_directory, "paijat-hame", base, **FAST)
    fake.events = [
        {**e, "deleted": True, "last_modified_time": "2099-01-01T00:00:00Z"} if e["id"] == "heinola:yoga" else e
        for e in fake.events
    ]
    report = import_events(own_directory, "paijat-hame", base, **FAST)
    assert not report.full and report.removed == 1 and report.written == 0
    assert "last_modified_since=" in fake.served("/event/")[-1]
    assert ids(own_directory) == {"lahti:walk1", "lahti:walk2", "heinola:off"}
    ensure_seeded(own_directory)  # `make databases` after an import
    assert ids(own_directory) == {"lahti:walk1", "lahti:walk2", "heinola:off"}
    with db.open_session(own_directory) as session:  # the sample calendar's renewal, as when it runs short
        seed.renew_sample_events(session)
        session.commit()
    assert ids(own_directory) == {"lahti:walk1", "lahti:walk2", "heinola:off"}
    assert ids(own_directory, "satakunta")  # renewed there


@pytest.mark.parametrize("fault", ["500", "hang"])
def test_a_failure_on_a_later_page_writes_nothing(own_directory: str, fake_events, fault: str) -> None:
    fake, base = fake_events
    before = ids(own_directory)
    fake.fail_next("/event/", "500", query="page=2")  # retried once, then the page comes …
    import_events(own_directory, "paijat-hame", base, **FAST)
    imported = ids(own_directory)
    fake.events.append(event("lahti:late", {"fi": "Myöhäinen"}, "lahti:hall"))
    fake.fail_next("/event/", fault, times=5, query="page=2")  # … but not this time
    with pytest.raises(ImportFailed, match=r"/linkedevents/v1/event/\?.*page=2"):
        import_events(own_directory, "paijat-hame", base, retries=1, timeout=0.3, backoff=0.01, full=True)
    assert ids(own_directory) == imported != before
