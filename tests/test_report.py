"""The county's figures: a seeded month, collected from the real tracker store, gives exactly its figures,
on SQLite and PostgreSQL; small counts never show; the report and its CSV files read them so."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from opastin import setup_databases
from opastin.db import engine_for
from opastin.handoff.queue import HandoffStore
from opastin.report import collect
from opastin.report.__main__ import main as report_main
from opastin.report.aggregates import DailyContacts
from opastin.report.clusters import clusters
from opastin.report.html import render, write_csv
from opastin.report.month import month_days, month_figures, protected, shown, unanswered_texts
from opastin.retention import collect_and_purge, purge
from tests.conftest import fresh_postgres_database
from tests.report_month import MONTH, seed_answers_and_feedback, seed_conversations, seed_handoffs

AFTER_THE_MONTH = datetime(2026, 12, 5, 6, 0)  # UTC: the nightly run a few days after November


@dataclass(frozen=True)
class Stores:
    tracker: str
    handoff: str
    reporting: str


def seeded(tracker: str, handoff: str, reporting: str) -> Stores:
    setup_databases.create_all(handoff=handoff, reporting=reporting, tracker=tracker)
    seed_conversations(tracker)
    seed_handoffs(HandoffStore(handoff))
    seed_answers_and_feedback(reporting)
    return Stores(tracker, handoff, reporting)


def collect_november(stores: Stores) -> list[date]:
    days = collect.pending_days(
        date(2026, 11, 1), date(2026, 11, 30), tracker=stores.tracker, reporting=stores.reporting, now=AFTER_THE_MONTH
    )
    for day in days:
        collect.collect_day(day, tracker=stores.tracker, reporting=stores.reporting, now=AFTER_THE_MONTH)
    return days


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def month(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """A seeded and collected November, once per engine (seeding through the tracker store takes seconds)."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("month")
        stores = seeded(*(f"sqlite:///{folder / name}.db" for name in ("tracker", "handoff", "reporting")))
        collect_november(stores)
        yield stores
    else:
        with (
            fresh_postgres_database() as tracker,
            fresh_postgres_database() as handoff,
            fresh_postgres_database() as reporting,
        ):
            stores = seeded(tracker, handoff, reporting)
            collect_november(stores)
            yield stores


def table(stores: Stores, key: str, county: str = "paijat-hame") -> dict[str, int]:
    found = month_figures(county, MONTH, reporting=stores.reporting, handoff=stores.handoff)
    return {label: count for label, count in found.tables[key] if count}


def test_the_month_gives_exactly_its_contacts_by_every_dimension(month: Stores) -> None:
    found = month_figures("paijat-hame", MONTH, reporting=month.reporting, handoff=month.handoff)

    assert (found.contacts, found.messages, found.not_understood) == (30, 39, 7)
    assert found.not_understood_percent() == 17.9
    assert table(month, "by_channel") == {"webchat": 21, "telegram": 6, "sms": 3}
    assert table(month, "by_language") == {"fi": 21, "sv": 6, "en": 3}
    assert table(month, "by_municipality") == {"398": 19, "111": 6, "unknown": 5}
    assert table(month, "by_role") == {"relative": 12, "self": 6, "unknown": 12}
    assert table(month, "by_topic") == {"health_service": 13, "social_service": 6, "contact_information": 3, "other": 8}
    assert table(month, "by_outcome") == {"bot": 21, "person": 6, "callback": 3}
    # Finnish days: the conversation across midnight counts on 1 November, 00.30 on 1 December not at all.
    assert table(month, "by_day") == {
        "2026-11-01": 1,
        "2026-11-03": 12,
        "2026-11-10": 6,
        "2026-11-17": 3,
        "2026-11-20": 7,
        "2026-11-30": 1,
    }
    assert len(found.tables["by_day"]) == 30  # every day of the month, quiet ones as 0


def test_the_month_gives_the_kept_figures_of_live_chats_callbacks_answers_and_feedback(month: Stores) -> None:
    found = month_figures("paijat-hame", MONTH, reporting=month.reporting, handoff=month.handoff)

    assert (found.live_chats, found.live_chats_taken, found.median_wait()) == (7, 6, 7.0)
    assert found.tables["preparation_rating"] == [("5", 2), ("4", 3), ("3", 0), ("2", 1), ("1", 0)]
    assert (found.callbacks, found.callbacks_done) == (3, 2)
    assert found.tables["survey_not_now"] == [("mood", 5), ("culture", 2)]
    assert found.tables["feedback"] == [("up", 6), ("down", 2)]
    assert found.feedback_comments == ["Ei löytynyt, soittakaa [PHONE]"]


def test_another_county_sees_only_its_own_contacts(month: Stores) -> None:
    vantaa = month_figures("vantaa-kerava", MONTH, reporting=month.reporting, handoff=month.handoff)

    assert (vantaa.contacts, table(month, "by_municipality", "vantaa-kerava")) == (2, {"092": 2})
    assert (vantaa.live_chats, vantaa.tables["survey_not_now"], vantaa.feedback_comments) == (1, [("mood", 3)], [])


def test_collecting_a_day_again_replaces_it_and_a_collected_day_is_not_pending(month: Stores) -> None:
    collect.collect_day(date(2026, 11, 3), tracker=month.tracker, reporting=month.reporting, now=AFTER_THE_MONTH)
    collect.collect_day(date(2026, 11, 3), tracker=month.tracker, reporting=month.reporting, now=AFTER_THE_MONTH)

    assert table(month, "by_day")["2026-11-03"] == 12
    assert (
        collect.pending_days(
            date(2026, 11, 1), date(2026, 11, 30), tracker=month.tracker, reporting=month.reporting, now=AFTER_THE_MONTH
        )
        == []
    )


def test_the_questions_not_understood_form_one_redacted_group(month: Stores) -> None:
    found = clusters(unanswered_texts("paijat-hame", MONTH, reporting=month.reporting))

    assert [(c.size, c.language) for c in found] == [(7, "fi")]
    assert found[0].examples[0] == "missä on lähin apteekki"
    assert all("040" not in example for example in found[0].examples)


def test_a_day_collected_while_it_went_on_is_collected_again(tmp_path: Path) -> None:
    stores = seeded(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    evening = datetime(2026, 11, 3, 20, 0)  # UTC, 22.00 in Finland: the day is not over
    collect.collect_day(date(2026, 11, 3), tracker=stores.tracker, reporting=stores.reporting, now=evening)

    pending = collect.pending_days(
        date(2026, 11, 3), date(2026, 11, 4), tracker=stores.tracker, reporting=stores.reporting, now=AFTER_THE_MONTH
    )

    assert pending == [date(2026, 11, 3), date(2026, 11, 4)]


def test_purge_keeps_the_figures_and_erases_unanswered_texts_with_feedback_comments(tmp_path: Path) -> None:
    stores = seeded(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    collect_november(stores)
    done = purge(
        AFTER_THE_MONTH + timedelta(days=120),
        tracker=stores.tracker,
        handoff=stores.handoff,
        reporting=stores.reporting,
    )

    found = month_figures("paijat-hame", MONTH, reporting=stores.reporting, handoff=stores.handoff)
    assert done.conversations == 33 and done.unanswered_texts == 7
    assert (
        found.contacts,
        found.not_understood,
        unanswered_texts("paijat-hame", MONTH, reporting=stores.reporting),
    ) == (30, 7, [])


def test_make_purge_counts_every_day_before_the_conversations_go(tmp_path: Path) -> None:
    stores = seeded(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    much_later = AFTER_THE_MONTH + timedelta(days=40)  # never collected before: the nightly run was off

    days, done = collect_and_purge(
        much_later, tracker=stores.tracker, handoff=stores.handoff, reporting=stores.reporting
    )

    assert (days, done.conversations) == (75, 33)  # 31 October to 13 January; then every conversation erased
    assert month_figures("paijat-hame", MONTH, reporting=stores.reporting, handoff=stores.handoff).contacts == 30


@pytest.mark.parametrize("count, expected", [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5"), (130, "130")])
def test_counts_from_one_to_four_are_shown_as_under_five(count: int, expected: str) -> None:
    assert shown(count) == expected


def test_no_small_count_leaves_the_server_in_the_report_csv_or_json(month: Stores, tmp_path: Path) -> None:
    found = month_figures("paijat-hame", MONTH, reporting=month.reporting, handoff=month.handoff)
    page = render(found, [], "fi", today=date(2026, 12, 5))
    write_csv(found, tmp_path)
    data = found.as_json()

    # Telegram's 6 would give away SMS's 3 (30 − 21 − 6): it is hidden as "≥ 5".
    assert data["tables"]["by_channel"] == [["webchat", "21"], ["telegram", "≥ 5"], ["sms", "< 5"]]
    assert (data["callbacks"], data["median_wait_minutes"]) == ("< 5", 7.0)
    assert data["tables"]["survey_not_now"] == [["mood", "5"], ["culture", "< 5"]]
    with (tmp_path / "by_channel.csv").open(encoding="utf-8-sig") as file:
        assert list(csv.reader(file)) == [
            ["Ryhmä", "Määrä"],
            ["Verkkosivun chat", "21"],
            ["Telegram", "≥ 5"],
            ["Tekstiviesti", "< 5"],
        ]
    assert '<th scope="row">Tekstiviesti</th><td class="n">&lt; 5</td>' in page
    assert "Opastimeen otettiin yhteyttä 30 kertaa. Botti hoiti itse 21 yhteydenottoa, ihmiselle ohjattiin ≥ 5" in page
    assert "Jonotusajan mediaani oli 7,0 min." in page
    # 7 queued and 6 taken would tell that 1 was never taken: the taken ones read "≥ 5".
    assert (data["live_chats"], data["live_chats_taken"]) == ("7", "≥ 5")
    assert "Chat-jonoon tuli 7 asiakasta, ja asiakasohjaaja otti keskustelun ≥ 5 kertaa." in page


@pytest.mark.parametrize(
    "counts, total_is_shown, expected",
    [
        ([21, 6, 3], True, ["21", "≥ 5", "< 5"]),  # the smallest other count hides the one hidden count
        ([21, 6, 3, 2], True, ["21", "6", "< 5", "< 5"]),  # two hidden counts cannot be told apart
        ([5, 2], False, ["5", "< 5"]),  # no total shown: nothing to work it out from
        ([30, 0], True, ["30", "0"]),
    ],
)
def test_a_hidden_count_cannot_be_worked_out_from_the_total(
    counts: list[int], total_is_shown: bool, expected: list[str]
) -> None:
    assert protected([(str(n), count) for n, count in enumerate(counts)], total_is_shown) == expected


def test_a_median_of_fewer_than_five_waits_is_not_shown(tmp_path: Path) -> None:
    stores = seeded(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    found = month_figures("vantaa-kerava", MONTH, reporting=stores.reporting, handoff=stores.handoff)

    assert found.live_chats_taken == 1 and found.median_wait() is None
    assert "ei näytetä (alle 5)" in render(found, [], "fi")


def test_the_command_writes_the_report_and_refuses_a_bad_month_or_county(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    urls = {name: f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")}
    for name, url in urls.items():
        monkeypatch.setenv(f"{name.upper()}_URL", url)
    seeded(**urls)

    assert report_main(["make", "--month", "2026-11", "--county", "paijat-hame", "--out", str(tmp_path / "out")]) == 0
    assert "Opastimeen otettiin yhteyttä 30 kertaa." in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv"))[:2] == ["by_channel.csv", "by_day.csv"]
    assert report_main(["make", "--month", "2026-13", "--county", "paijat-hame"]) == 2
    assert report_main(["make", "--month", "2026-11", "--county", "lappi"]) == 2
    errors = capsys.readouterr().err
    assert "month must be like 2026-11, not '2026-13'" in errors and "county must be one of" in errors
    with engine_for(urls["reporting"]).connect() as connection:  # the refused runs changed nothing
        assert (
            connection.scalar(select(func.sum(DailyContacts.contacts))) == 32
        )  # November's 30 in Päijät-Häme and 2 in Vantaa, once


@pytest.mark.parametrize(
    "language, intro",
    [
        ("fi", "Opastimeen otettiin yhteyttä 30 kertaa."),
        ("sv", "Opastin kontaktades 30 gånger."),
        ("en", "Opastin was contacted 30 times."),
    ],
)
def test_the_report_reads_in_each_language(month: Stores, language: str, intro: str) -> None:
    found = month_figures("paijat-hame", MONTH, reporting=month.reporting, handoff=month.handoff)
    page = render(found, clusters(unanswered_texts("paijat-hame", MONTH, reporting=month.reporting)), language)

    assert f'<html lang="{language}">' in page and intro in page
    assert "{" not in page.split("</style>")[1].split("<svg")[0]  # every placeholder of the first page filled in


def test_collecting_from_the_command_line_prints_no_small_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stores = seeded(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    monkeypatch.setenv("TRACKER_URL", stores.tracker)
    monkeypatch.setenv("REPORTING_URL", stores.reporting)
    counted = {day: collect.collect_day(day, now=AFTER_THE_MONTH) for day in month_days(MONTH)}
    quiet_day = min(day for day, contacts in counted.items() if 0 < contacts < 5)  # the seeded month has such days

    assert report_main(["collect", "--day", quiet_day.isoformat()]) == 0
    assert capsys.readouterr().out == "collected 1 day(s): < 5 contact(s)\n"
