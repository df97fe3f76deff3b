"""`make import-services` against a fake PTV API: paging, batches, faults, incremental runs, and the answer after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time

import pytest
from sqlalchemy import func, select
from urllib3 import HTTPResponse

from actions.directory import db
from actions.directory.client import DirectoryClient
from actions.directory.fetch import MAX_RETRY_AFTER, CappedRetry, ImportFailed, JsonSource
from actions.directory.importer import import_services, main
from actions.directory.ptv import sync
from actions.directory.ptv.client import PtvClient
from actions.directory.schema import ChannelAddress, ImportState, Service, ServiceChannel
from actions.directory.seed import ensure_seeded, imported
from actions.services import ActionShowServices
from opastin.opening_hours import FINLAND
from tests.conftest import make_tracker, run_action
from tests.fakes.ptv_api import BASE, FakePtv
from tests.fakes.server import serving
from tests.ptv_items import location, service, web_page

FAST = {"timeout": 1.0, "backoff": 0.01}

DENTAL = "11111111-0000-0000-0000-000000000001"
HEALTH = "11111111-0000-0000-0000-000000000002"
WITHDRAWN = "11111111-0000-0000-0000-000000000003"
BROKEN = "11111111-0000-0000-0000-000000000004"
LIBRARY = "11111111-0000-0000-0000-000000000005"
SATAKUNTA_ONLY = "11111111-0000-0000-0000-000000000006"
DENTAL_LAHTI = "22222222-0000-0000-0000-000000000001"
STATION_HEINOLA = "22222222-0000-0000-0000-000000000002"


def catalogue() -> FakePtv:
    fake = FakePtv()
    fake.services = {
        DENTAL: service(
            DENTAL,
            names={"fi": "Suun terveydenhuolto", "sv": "Munhälsovård"},
            summary={"fi": "Hammaslääkäri ja suuhygienisti."},
            keywords={"fi": ["hammaslääkäri"]},
            municipalities=["398", "111"],
            channels=[DENTAL_LAHTI],
        ),
        HEALTH: service(
            HEALTH,
            names={"fi": "Terveysaseman vastaanotto", "sv": "Hälsostationens mottagning", "en": "Health station"},
            municipalities=["111"],
            channels=[STATION_HEINOLA],
            classes=["P25.1"],
        ),
        WITHDRAWN: service(
            WITHDRAWN, names={"fi": "Lopetettu hammaspalvelu"}, municipalities=["398"], status="Withdrawn"
        ),
        BROKEN: {**service(BROKEN, names={"fi": "x"}, municipalities=["398"]), "serviceNames": "not a list"},
        LIBRARY: service(
            LIBRARY,
            names={"fi": "Kirjaston lukupiiri"},
            municipalities=["398"],
            channels=[f"33333333-0000-0000-0000-{n:012d}" for n in range(120)],
        ),
        SATAKUNTA_ONLY: service(SATAKUNTA_ONLY, names={"fi": "Porin hammashoitola"}, municipalities=["609"]),
    }
    fake.channels = {
        DENTAL_LAHTI: location(
            DENTAL_LAHTI,
            names={"fi": "Lahden hammashoitola", "sv": "Tandkliniken i Lahtis"},
            street={"fi": "Keskuskatu", "sv": "Centralgatan"},
            number="10",
            postal_code="15110",
            municipality="398",
            post_office="LAHTI",
            phone="3 819 2000",
            northing=6761250,
            easting=426500,
        ),
        STATION_HEINOLA: location(
            STATION_HEINOLA,
            names={"fi": "Heinolan terveysasema"},
            street={"fi": "Terveystie"},
            number="1",
            postal_code="18100",
            municipality="111",
            post_office="HEINOLA",
            phone="3 819 3000",
        ),
        **{
            f"33333333-0000-0000-0000-{n:012d}": web_page(f"33333333-0000-0000-0000-{n:012d}", f"https://k.fi/{n}")
            for n in range(120)
        },
    }
    return fake


@pytest.fixture
def fake_ptv() -> Iterator[tuple[FakePtv, str]]:
    fake = catalogue()
    with serving(fake.app()) as url:
        yield fake, url + BASE


def held(url: str, county: str = "paijat-hame") -> set[str]:
    """PTV's ids of the services the county's import holds."""
    with db.open_session(url) as session:
        ids = session.scalars(select(Service.id).where(Service.county_code == county, Service.source == "ptv"))
        return {stored.removeprefix(f"{county}:") for stored in ids}


def count(url: str, model) -> int:
    with db.open_session(url) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_full_import_replaces_the_countys_sample_services(own_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    report = import_services(own_directory, "paijat-hame", ptv, **FAST)
    assert held(own_directory) == {DENTAL, HEALTH, LIBRARY}
    assert report.written == 3 and report.held == 3 and report.full
    assert report.skipped == [f"service {BROKEN}: a text list is str"]
    client = DirectoryClient(own_directory)
    [dental] = client.services_for_topic("dental_care", "398", "fi")
    assert dental.id == f"paijat-hame:{DENTAL}" and dental.name.value == "Suun terveydenhuolto" and not dental.is_sample
    [channel] = dental.channels
    assert channel.phones == ("03 819 2000",)
    assert channel.point == pytest.approx((60.9793584, 25.6418629))  # from PTV's TM35FIN pair
    assert channel.address == "Keskuskatu 10, 15110 LAHTI"
    # Swedish texts where PTV has them, Finnish otherwise (and the card says it fell back).
    [swedish] = client.services_for_topic("dental_care", "398", "sv")
    assert swedish.name.value == "Munhälsovård" and swedish.fell_back("sv")  # summary only in Finnish
    assert swedish.channels[0].address == "Centralgatan 10, 15110 LAHTI"
    # The service class P25 maps to the health station topic (import_mapping.yml), in Heinola only.
    assert [c.id for c in client.services_for_topic("book_appointment", "111", "fi")] == [f"paijat-hame:{HEALTH}"]
    assert client.services_for_topic("book_appointment", "398", "fi") == []
    # PTV's weekly hours, and its exceptional closing on Christmas Eve (a Thursday).
    monday = datetime(2026, 12, 21, 10, tzinfo=FINLAND)
    [card] = DirectoryClient(own_directory, clock=lambda: monday).services_for_topic("dental_care", "398", "fi")
    assert (card.channels[0].today.opens, card.channels[0].today.closes) == (time(8), time(15, 30))
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=FINLAND)
    [card] = DirectoryClient(own_directory, clock=lambda: christmas_eve).services_for_topic("dental_care", "398", "fi")
    assert card.channels[0].today.closed
    # Free-text search finds imported services by their names and keywords.
    assert client.search("hammaslääkäri", "398", "fi")[0].id == f"paijat-hame:{DENTAL}"
    # The other counties keep their sample data.
    assert any(c.id.startswith("satakunta:") for c in client.services_for_topic("dental_care", "609", "fi"))


def test_pages_and_batches_follow_ptvs_limits(own_sqlite_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    lahti_pages = fake.served("/Service/list/area/Municipality/code/398")
    assert [p.rsplit("page=", 1)[1] for p in lahti_pages] == ["1", "2"]  # 4 services, 2 a page
    batches = [p.split("guids=")[1].split("&")[0].split("%2C") for p in fake.served("/ServiceChannel/list")]
    assert sorted(len(b) for b in batches) == [23, 99]  # 122 channels, at most 99 ids a request
    with db.open_session(own_sqlite_directory) as session:
        library = session.get(Service, f"paijat-hame:{LIBRARY}")
        assert len(library.channels) == 120


def test_coordinates_are_stored_as_wgs84(own_sqlite_directory: str, fake_ptv) -> None:
    _, ptv = fake_ptv
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    with db.open_session(own_sqlite_directory) as session:
        address = session.scalars(select(ChannelAddress).where(ChannelAddress.channel_id == DENTAL_LAHTI)).first()
    # pyproj 3.7.1, EPSG:3067 → EPSG:4326 of (E 426500, N 6761250): 60.9793584 N, 25.6418629 E
    assert address.latitude == pytest.approx(60.9793584, abs=1e-6)
    assert address.longitude == pytest.approx(25.6418629, abs=1e-6)


def test_a_rerun_is_idempotent_and_seeding_after_it_keeps_the_import(own_sqlite_directory: str, fake_ptv) -> None:
    _, ptv = fake_ptv
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    before = (count(own_sqlite_directory, Service), count(own_sqlite_directory, ServiceChannel))
    import_services(own_sqlite_directory, "paijat-hame", ptv, full=True, **FAST)
    ensure_seeded(own_sqlite_directory)  # what `make databases` runs
    assert (count(own_sqlite_directory, Service), count(own_sqlite_directory, ServiceChannel)) == before
    assert held(own_sqlite_directory) == {DENTAL, HEALTH, LIBRARY}
    [said] = imported(own_sqlite_directory)  # and what it then says
    assert said.startswith("  paijat-hame: imported from ptv (3 rows, last ") and "sample rows stay out" in said


def test_an_incremental_run_fetches_what_changed_and_removes_the_withdrawn(own_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    import_services(own_directory, "paijat-hame", ptv, **FAST)
    with db.open_session(own_directory) as session:
        first_run = session.get(ImportState, ("paijat-hame", "ptv")).last_success
    fake.services[DENTAL]["serviceNames"][0]["value"] = "Suun terveydenhuolto ja hammashoito"
    fake.channels[STATION_HEINOLA]["phoneNumbers"][0]["number"] = "3 819 4000"
    fake.changed = {
        "Service": {"Published": [DENTAL], "Withdrawn": [HEALTH], "Archived": []},
        "ServiceChannel": {"Published": [STATION_HEINOLA, DENTAL_LAHTI]},
    }
    listed_before = len(fake.served("/Service/list/area"))
    report = import_services(own_directory, "paijat-hame", ptv, **FAST)
    assert not report.full and report.written == 1 and report.removed == 1
    assert len(fake.served("/Service/list/area")) == listed_before  # no full listing
    assert all(f"date={first_run:%Y-%m-%dT%H}" in p for p in fake.served("/Service?"))
    assert held(own_directory) == {DENTAL, LIBRARY}
    client = DirectoryClient(own_directory)
    [dental] = client.services_for_topic("dental_care", "398", "fi")
    assert dental.name.value == "Suun terveydenhuolto ja hammashoito"
    assert dental.channels[0].phones == ("03 819 2000",)
    with db.open_session(own_directory) as session:
        assert session.get(ServiceChannel, STATION_HEINOLA) is None  # its only service was withdrawn


def test_5xx_and_429_are_retried(own_sqlite_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    fake.fail_next("/Service/list/area/Municipality/code/398", "500", times=2)
    fake.fail_next("/ServiceChannel/list", "429")
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    assert held(own_sqlite_directory) == {DENTAL, HEALTH, LIBRARY}
    assert len(fake.served("/Service/list/area/Municipality/code/398")) == 2 + 2  # two failures, two pages


@pytest.mark.parametrize(
    "fault, path", [("500", "/ServiceChannel/list"), ("hang", "/Service/list/area/Municipality/code/111")]
)
def test_a_failure_that_retries_do_not_cure_writes_nothing(own_directory: str, fake_ptv, fault: str, path: str) -> None:
    fake, ptv = fake_ptv
    before = held(own_directory, "paijat-hame"), count(own_directory, Service)
    fake.fail_next(path, fault, times=10)
    with pytest.raises(ImportFailed, match=path):
        sync.run(own_directory, "paijat-hame", PtvClient(JsonSource(ptv, retries=2, timeout=0.3, backoff=0.01)))
    assert (held(own_directory, "paijat-hame"), count(own_directory, Service)) == before
    client = DirectoryClient(own_directory)
    assert all(c.is_sample for c in client.services_for_topic("dental_care", "398", "fi") if not c.nationwide)
    with db.open_session(own_directory) as session:
        assert session.get(ImportState, ("paijat-hame", "ptv")) is None


def test_the_command_exits_non_zero_naming_the_url(
    own_sqlite_directory: str, fake_ptv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, ptv = fake_ptv
    monkeypatch.setenv("OPASTIN_IMPORT_BACKOFF", "0.01")
    fake.fail_next("/ServiceChannel/list", "500", times=20)
    assert main(["services", "--county", "paijat-hame", "--url", own_sqlite_directory, "--source", ptv]) == 1
    error = capsys.readouterr().err
    assert "import failed, nothing was written" in error and f"{ptv}/ServiceChannel/list" in error
    assert "HTTP 500" in error
    fake.faults.clear()
    assert main(["services", "--county", "paijat-hame", "--url", own_sqlite_directory, "--source", ptv]) == 0
    assert "PTV → paijat-hame (full): 3 written" in capsys.readouterr().out


def test_after_an_import_the_assistant_answers_from_it(own_sqlite_directory: str, fake_ptv) -> None:
    _, ptv = fake_ptv
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    action = ActionShowServices(DirectoryClient(own_sqlite_directory))
    tracker = make_tracker("hammaslääkäri", "dental_care", slots={"municipality": "Lahti"})
    events, said = run_action(action, tracker)
    text = "\n".join(m["text"] for m in said)
    assert "Suun terveydenhuolto" in text and "03 819 2000" in text and "Keskuskatu 10" in text
    assert "Esimerkkikatu" not in text  # the sample data is gone


def test_a_failed_run_after_an_import_keeps_the_imported_data_and_its_time(own_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    import_services(own_directory, "paijat-hame", ptv, **FAST)
    with db.open_session(own_directory) as session:
        first_run = session.get(ImportState, ("paijat-hame", "ptv")).last_success
    fake.services[DENTAL]["serviceNames"][0]["value"] = "Uusi nimi"
    fake.changed = {"Service": {"Published": [DENTAL], "Withdrawn": [HEALTH]}}
    fake.fail_next("/ServiceChannel/list", "hang", times=10)
    with pytest.raises(ImportFailed, match="ServiceChannel/list"):
        import_services(own_directory, "paijat-hame", ptv, retries=1, timeout=0.3, backoff=0.01)
    assert held(own_directory) == {DENTAL, HEALTH, LIBRARY}  # the withdrawn one too: nothing was written
    [dental] = DirectoryClient(own_directory).services_for_topic("dental_care", "398", "fi")
    assert dental.name.value == "Suun terveydenhuolto"
    with db.open_session(own_directory) as session:
        assert session.get(ImportState, ("paijat-hame", "ptv")).last_success == first_run


def test_a_source_asking_to_wait_for_hours_is_waited_only_two_minutes() -> None:
    retry = CappedRetry(total=3, respect_retry_after_header=True)
    hours = HTTPResponse(status=429, headers={"Retry-After": "36000"})
    seconds = HTTPResponse(status=429, headers={"Retry-After": "3"})
    assert retry.get_retry_after(hours) == MAX_RETRY_AFTER == 120
    assert retry.get_retry_after(seconds) == 3
    assert retry.new(total=2).get_retry_after(hours) == MAX_RETRY_AFTER  # retries keep the cap


def test_a_nationwide_service_stays_with_each_county_that_imported_it(own_sqlite_directory: str, fake_ptv) -> None:
    fake, ptv = fake_ptv
    kela = "44444444-0000-0000-0000-000000000001"
    fake.services[kela] = service(
        kela, names={"fi": "Kelan asiointipalvelu"}, municipalities=[], keywords={"fi": ["kela"]}, nationwide=True
    )
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    import_services(own_sqlite_directory, "vantaa-kerava", ptv, **FAST)  # its import must not take Lahti's away

    client = DirectoryClient(own_sqlite_directory)
    for town in ("398", "092"):  # Lahti in Päijät-Häme, Vantaa in Vantaa-Kerava
        assert "Kelan asiointipalvelu" in [card.name.value for card in client.search("kela", town, "fi")]
    assert len(held(own_sqlite_directory, "paijat-hame")) == 4 and len(held(own_sqlite_directory, "vantaa-kerava")) == 1


def test_an_incremental_run_removes_a_withdrawn_location_of_an_unchanged_service(
    own_sqlite_directory: str, fake_ptv
) -> None:
    fake, ptv = fake_ptv
    import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)
    fake.channels[DENTAL_LAHTI]["publishingStatus"] = "Withdrawn"  # the clinic closed; the service itself is as it was
    fake.changed = {"Service": {"Published": []}, "ServiceChannel": {"Withdrawn": [DENTAL_LAHTI]}}

    report = import_services(own_sqlite_directory, "paijat-hame", ptv, **FAST)

    assert not report.full
    [dental] = DirectoryClient(own_sqlite_directory).services_for_topic("dental_care", "398", "fi")
    assert dental.channels == ()  # no longer sent to a closed clinic
    with db.open_session(own_sqlite_directory) as session:
        assert session.get(ServiceChannel, DENTAL_LAHTI) is None
