"""Directory queries on real SQLite and PostgreSQL databases seeded from the shipped seed data."""

from datetime import date, datetime, time
from types import SimpleNamespace
from typing import Any

import pytest

from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.shared import QUESTION_DEFAULTS, SEARCH, TOPIC_INTENTS
from opastin import places
from opastin.opening_hours import FINLAND, hours_on

# Every topic an action asks the directory for.
SERVICE_TOPICS = sorted(TOPIC_INTENTS | set(QUESTION_DEFAULTS.values()) | {SEARCH})
TOWNS = {"paijat-hame": ["398", "781"], "vantaa-kerava": ["092", "245"], "satakunta": ["609", "230"]}


@pytest.mark.parametrize("county, codes", TOWNS.items())
@pytest.mark.parametrize("topic", SERVICE_TOPICS)
def test_every_service_topic_is_served_in_every_county(
    client: DirectoryClient, county: str, codes: list, topic: str
) -> None:
    for code in codes:
        found = client.services_for_topic(topic, code, "fi")
        assert found, f"no {topic} service for {code}"
        regional = [card for card in found if not card.nationwide]
        assert regional, f"{topic} in {code} has only national services"
        assert all(card.id.startswith(county) for card in regional)
        assert any(ch.phones or ch.web or ch.address for card in found for ch in card.channels)


def test_locations_in_the_persons_own_town_come_first(client: DirectoryClient) -> None:
    [card] = [c for c in client.services_for_topic("book_appointment", "111", "fi") if c.id.endswith("health_station")]
    first_location = next(ch for ch in card.channels if ch.kind == "ServiceLocation")
    assert first_location.municipality_code == "111"
    assert "Heinola" in first_location.name.value and "Heinola" in (first_location.address or "")


def test_answers_come_in_the_persons_language(client: DirectoryClient) -> None:
    for language, word in [("fi", "hammas"), ("sv", "tand"), ("en", "dent")]:
        [first, *_] = client.services_for_topic("dental_care", "398", language)
        assert first.name.language == language
        assert word in first.name.value.lower()


def test_swedish_town_names_appear_in_swedish_answers(client: DirectoryClient) -> None:
    [card, *_] = client.services_for_topic("family_services", "092", "sv")
    location = next(ch for ch in card.channels if ch.kind == "ServiceLocation")
    assert "Vanda" in location.name.value


def test_finnish_only_texts_are_flagged_as_fallback(client: DirectoryClient) -> None:
    found = client.services_for_topic("elderly_services", "398", "en", limit=10)
    memory = next(card for card in found if card.id.endswith("memory_clinic"))
    assert memory.summary.language == "fi" and memory.fell_back("en")
    in_finnish = next(
        c for c in client.services_for_topic("elderly_services", "398", "fi", limit=10) if c.id == memory.id
    )
    assert not in_finnish.fell_back("fi")


def test_regional_rows_are_marked_as_sample_and_national_ones_are_not(client: DirectoryClient) -> None:
    found = client.services_for_topic("urgent_care", "398", "fi")
    national = next(card for card in found if card.nationwide)
    assert not national.is_sample and national.channels[0].phones == ("116117",)
    regional = [card for card in found if not card.nationwide]
    assert regional and all(card.is_sample for card in regional)


@pytest.mark.parametrize(
    "language, number",
    [("fi", "09 2525 0111"), ("sv", "09 2525 0112"), ("en", "09 2525 0113")],
)
def test_crisis_helpline_number_follows_the_language(client: DirectoryClient, language: str, number: str) -> None:
    [card] = client.services_for_topic("crisis_support", None, language)
    phones = [p for ch in card.channels for p in ch.phones]
    assert phones[0] == number


def test_municipality_outside_the_counties_gets_only_national_services(client: DirectoryClient) -> None:
    helsinki = places.resolve("Helsinki")
    found = client.services_for_topic("urgent_care", helsinki.code, "fi")
    assert found and all(card.nationwide for card in found)


@pytest.mark.parametrize(
    "query, language, expected_key",
    [
        ("fysioterapeutti", "fi", "physiotherapy"),
        ("fysioterapiaa", "fi", "physiotherapy"),
        ("hammaslaakari", "fi", "dental_care"),  # typed without ä
        ("neuvolan", "fi", "child_health_clinic"),
        ("rollaattori", "fi", "assistive_devices"),
        ("tandläkare", "sv", "dental_care"),
        ("rådgivningen", "sv", "child_health_clinic"),
        ("physiotherapy", "en", "physiotherapy"),
        ("wheelchair", "en", "assistive_devices"),
        ("neuvola", "en", "child_health_clinic"),  # Finnish word in an English message
    ],
)
def test_free_text_search_finds_services_with_stemming(
    client: DirectoryClient, query: str, language: str, expected_key: str
) -> None:
    found = client.search(query, "398", language)
    assert found, f"nothing for {query!r}"
    assert found[0].id == f"paijat-hame:{expected_key}"


def test_search_without_content_words_finds_nothing(client: DirectoryClient) -> None:
    assert client.search("missä on", "398", "fi") == []
    assert client.search("", "398", "fi") == []


def test_search_is_limited_to_the_persons_county(client: DirectoryClient) -> None:
    found = client.search("fysioterapia", "609", "fi")
    assert found and all(card.id.startswith("satakunta:") or card.nationwide for card in found)


def test_county_names_are_localised(client: DirectoryClient) -> None:
    assert "Vanda och Kervo välfärdsområde" in client.county_names("sv")
    assert len(client.county_names("en")) == 3


def test_a_directory_that_is_down_raises_a_clear_error() -> None:
    down = DirectoryClient("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(DirectoryUnavailable):
        down.services_for_topic("dental_care", "398", "fi")


def _hours(**kw: Any) -> SimpleNamespace:
    base: dict[str, Any] = dict(
        valid_from=None,
        valid_to=None,
        is_closed=False,
        is_always_open=False,
        opening_hours=[],
        hour_type="DaysOfTheWeek",
    )
    return SimpleNamespace(**{**base, **kw})


def test_today_hours_follow_the_weekday_and_exceptions() -> None:
    weekly = _hours(opening_hours=[SimpleNamespace(day_from=0, day_to=4, from_time=time(8), to_time=time(16))])
    monday, saturday = date(2026, 11, 23), date(2026, 11, 28)
    assert hours_on([weekly], monday).opens == time(8)
    assert hours_on([weekly], saturday).closed
    holiday = _hours(hour_type="Exceptional", is_closed=True, valid_from=monday, valid_to=monday)
    assert hours_on([weekly, holiday], monday).closed
    assert not hours_on([], monday).known
    assert hours_on([_hours(is_always_open=True)], saturday).always_open


def test_a_town_without_its_own_location_is_shown_the_main_towns(client: DirectoryClient) -> None:
    [card, *_] = client.services_for_topic("dental_care", "781", "fi")  # Sysmä has no dental clinic of its own
    towns = [ch.municipality_code for ch in card.channels if ch.kind == "ServiceLocation"]
    assert towns and all(places.by_code(code).main for code in towns)


def test_a_town_without_its_own_location_is_shown_the_nearest_ones(client: DirectoryClient) -> None:
    # Sysmä's centre is 38 km from Heinola's and 58 km from Lahti's and Hollola's (municipalities.yml).
    [card, *_] = client.services_for_topic("dental_care", "781", "fi")
    towns = [ch.municipality_code for ch in card.channels if ch.kind == "ServiceLocation"]
    assert towns[0] == "111" and len(towns) == 2 and towns[1] in ("398", "098")


def test_a_town_with_its_own_location_is_shown_only_that_one(client: DirectoryClient) -> None:
    [card, *_] = client.services_for_topic("dental_care", "398", "fi")
    assert [ch.municipality_code for ch in card.channels if ch.kind == "ServiceLocation"] == ["398"]


@pytest.mark.parametrize(
    "moment, opens, closes, closed",
    [
        (datetime(2026, 12, 7, 10, 0, tzinfo=FINLAND), time(8), time(16), False),  # a Monday
        (datetime(2026, 12, 12, 10, 0, tzinfo=FINLAND), None, None, True),  # a Saturday
    ],
)
def test_todays_hours_follow_the_clients_clock(
    sqlite_url: str, moment: datetime, opens: time | None, closes: time | None, closed: bool
) -> None:
    client = DirectoryClient(sqlite_url, clock=lambda: moment)
    [card] = client.services_for_topic("book_appointment", "398", "fi", limit=1)
    station = next(channel for channel in card.channels if channel.kind == "ServiceLocation")
    assert (station.today.opens, station.today.closes, station.today.closed) == (opens, closes, closed)
