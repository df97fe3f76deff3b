"""Reaching a person: office hours (time frozen), the queue, callbacks, staff accounts."""

import asyncio
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from actions.directory.client import DirectoryClient
from actions.handoff import ActionOfferHumanContact, opening_text, transcript
from opastin import catalogue
from opastin.channels.handover import console_stream, relay_to_agent
from opastin.channels.hub import Hub
from opastin.db import engine_for
from opastin.handoff import agents, office_hours
from opastin.handoff.callback_input import display_phone, phone_number, time_window, wants_to_cancel
from opastin.handoff.queue import CLIENT_METADATA, ClientQueueFull, HandoffStore, QueueFull
from tests.conftest import ActionRun, bot_message, fresh_postgres_database, make_tracker, new_handoff_store, run_action

HELSINKI = office_hours.FINLAND
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    return new_handoff_store(tmp_path)


# --------------------------------------------------------------------------- office hours


@pytest.mark.parametrize(
    "moment, open_",
    [
        (MONDAY_10, True),
        (datetime(2026, 12, 7, 7, 59, tzinfo=HELSINKI), False),
        (datetime(2026, 12, 7, 16, 0, tzinfo=HELSINKI), False),  # closes at 16.00
        (datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI), False),  # Saturday
        (datetime(2026, 12, 24, 10, 0, tzinfo=HELSINKI), False),  # Christmas Eve, a Thursday
        (datetime(2027, 1, 6, 10, 0, tzinfo=HELSINKI), False),  # Epiphany
        (datetime(2026, 6, 19, 10, 0, tzinfo=HELSINKI), False),  # Midsummer Eve
        (datetime(2026, 12, 7, 8, 30, tzinfo=office_hours.FINLAND).astimezone(tz=None), True),  # any zone given
    ],
)
def test_office_hours_follow_weekdays_and_finnish_holidays(moment: datetime, open_: bool) -> None:
    assert office_hours.for_county("paijat-hame").is_open(moment) is open_


def test_the_next_opening_skips_the_christmas_holidays() -> None:
    opening = office_hours.for_county("paijat-hame").next_opening(datetime(2026, 12, 23, 17, 0, tzinfo=HELSINKI))
    assert opening.day == date(2026, 12, 28)


def test_hours_and_closed_days_are_the_countys_configuration(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "hours.yml"
    config.write_text(
        "counties:\n  satakunta:\n    hours: 'sa 10:00-12:00'\n    closed: ['2026-12-12']\n    max_queue: 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OPASTIN_SERVICE_HOURS", str(config))
    hours = office_hours.for_county("satakunta")
    assert hours.max_queue == 2 and hours.is_open(datetime(2026, 12, 19, 11, tzinfo=HELSINKI))
    assert not hours.is_open(datetime(2026, 12, 12, 11, tzinfo=HELSINKI))
    assert office_hours.for_county("paijat-hame").max_queue == 0  # not configured: no live chat


def test_the_hours_read_as_people_write_them() -> None:
    hours = office_hours.for_county("satakunta")
    assert opening_text(hours, "fi") == "ma–to 8.00–15.00, pe 8.00–14.00"
    assert opening_text(hours, "en") == "Mon–Thu 08:00–15:00, Fri 08:00–14:00"


# --------------------------------------------------------------------------- the hand-over action


@pytest.fixture
def ask_for_person(store: HandoffStore, sqlite_client: DirectoryClient) -> Callable[..., ActionRun]:
    """The person asks for a human at `moment`, after asking about a dentist; returns what the action did."""

    def ask(
        moment: datetime,
        *,
        sender: str = "web-1",
        channel: str = "webchat",
        language: str = "fi",
        client: str | None = None,
    ) -> ActionRun:
        tracker = make_tracker(
            "haluan puhua ihmisen kanssa",
            "human_handoff",
            sender_id=sender,
            input_channel=channel,
            metadata={"language": language, CLIENT_METADATA: client} if client else None,
            slots={"language": language, "municipality": "Lahti"},
            events=[
                {
                    "event": "user",
                    "text": "hammaslääkäri",
                    "input_channel": channel,
                    "parse_data": {"intent": {"name": "dental_care"}},
                },
                {"event": "bot", "text": "Missä kunnassa asut?"},
            ],
        )
        return run_action(ActionOfferHumanContact(sqlite_client, store=store, clock=lambda: moment), tracker)

    return ask


def callback_button(language: str) -> dict[str, str]:
    return {"title": catalogue.text("button_callback", language), "payload": "/request_callback"}


def queued_text(place: int) -> str:
    return catalogue.text("handoff_queued", "fi", position=catalogue.text("handoff_position", "fi", number=place))


def test_in_office_hours_the_person_gets_a_place_in_the_queue_with_what_the_agent_needs(store, ask_for_person) -> None:
    events, said = ask_for_person(MONDAY_10)
    assert events == []
    assert said == [bot_message(queued_text(1))]
    assert "Olet jonossa sijalla 1." in said[0]["text"] and "112" in said[0]["text"]
    [queued] = store.queue("paijat-hame")
    assert (queued.language, queued.municipality, queued.topic) == ("fi", "Lahti", "dental_care")
    assert '"hammaslääkäri"' in queued.transcript
    assert ask_for_person(MONDAY_10, sender="web-2").messages == [bot_message(queued_text(2))]
    assert "Olet jonossa sijalla 2." in queued_text(2)
    # asking again keeps the place
    assert ask_for_person(MONDAY_10, sender="web-1").messages == [bot_message(queued_text(1))]


def test_a_full_queue_offers_the_phone_and_a_callback(store, ask_for_person) -> None:
    for n in range(office_hours.for_county("paijat-hame").max_queue):
        ask_for_person(MONDAY_10, sender=f"web-{n}")
    events, said = ask_for_person(MONDAY_10, sender="web-late", language="sv")
    assert events == []
    assert said[0] == bot_message(catalogue.text("handoff_queue_full", "sv"), [callback_button("sv")])
    assert "kön är full" in said[0]["text"]
    assert said[0]["buttons"] == [{"title": "Be om att bli uppringd", "payload": "/request_callback"}]
    assert said[1]["text"].startswith("Klienthandledning inom social- och hälsovården\n")  # Lahti's guidance line
    assert "Telefon: 03 555" in said[1]["text"]
    assert said[2:] == [bot_message(catalogue.text("note_sample_data", "sv"))]
    assert len(store.queue("paijat-hame")) == office_hours.for_county("paijat-hame").max_queue


def test_one_client_cannot_fill_the_queue_but_another_gets_in(store, ask_for_person) -> None:
    hours = office_hours.for_county("paijat-hame")
    assert (hours.max_queue, hours.max_per_client) == (5, 2)  # the sample settings: 2 of 5 places per client
    assert ask_for_person(MONDAY_10, sender="web-a1", client="key-a").texts == [queued_text(1)]
    assert ask_for_person(MONDAY_10, sender="web-a2", client="key-a").texts == [queued_text(2)]

    events, said = ask_for_person(MONDAY_10, sender="web-a3", client="key-a")  # the same browser, a third tab

    assert events == []
    assert said[0] == bot_message(catalogue.text("handoff_client_waiting", "fi"), [callback_button("fi")])
    assert said[0]["text"] == (
        "Samasta laitteesta tai verkosta on jo muita keskusteluja jonossa, joten tätä keskustelua ei voi lisätä "
        "siihen. Jos odotat jo toisessa ikkunassa, jatka siellä. Voit myös soittaa asiakasohjaukseen tai jättää "
        "soittopyynnön, niin sinulle soitetaan. Hätätilanteessa soita 112."
    )
    assert "03 555" in said[1]["text"]  # Lahti's guidance line, as when the queue is full
    assert [h.sender for h in store.queue("paijat-hame")] == ["web-a1", "web-a2"]
    assert ask_for_person(MONDAY_10, sender="web-b1", client="key-b").texts == [queued_text(3)]  # someone else
    assert ask_for_person(MONDAY_10, sender="web-a1", client="key-a").texts == [queued_text(1)]  # keeps its place


@pytest.mark.parametrize(
    "language, words",
    [
        ("sv", "Andra samtal från samma enhet eller nätverk väntar redan i kön"),
        ("en", "Other conversations from the same device or network are already waiting in the queue"),
    ],
)
def test_the_client_limit_is_told_in_the_persons_language(store, ask_for_person, language: str, words: str) -> None:
    for n in range(2):
        ask_for_person(MONDAY_10, sender=f"web-{n}", client="key-a", language=language)
    said = ask_for_person(MONDAY_10, sender="web-late", client="key-a", language=language).messages
    assert said[0] == bot_message(catalogue.text("handoff_client_waiting", language), [callback_button(language)])
    assert said[0]["text"].startswith(words) and "112" in said[0]["text"]


def test_a_client_whose_hand_over_was_taken_or_left_can_queue_again(store, ask_for_person) -> None:
    agent = agents.add_agent(store, "anna", "oikein-pitkä-salasana", "paijat-hame", "Anna")
    first, second = (ask_for_person(MONDAY_10, sender=f"web-a{n}", client="key-a") for n in (1, 2))
    assert first.texts == [queued_text(1)] and second.texts == [queued_text(2)]
    refused = ask_for_person(MONDAY_10, sender="web-a3", client="key-a").texts[0]
    assert refused == catalogue.text("handoff_client_waiting", "fi")
    taken = store.open_for_sender("web-a1")
    assert store.take(taken.id, agent)  # an agent has the first: it no longer holds a place in the queue
    assert ask_for_person(MONDAY_10, sender="web-a3", client="key-a").texts == [queued_text(2)]
    assert ask_for_person(MONDAY_10, sender="web-a4", client="key-a").texts[0] == refused
    assert store.leave_queue(store.open_for_sender("web-a2").id)  # "peru" in the second tab
    assert ask_for_person(MONDAY_10, sender="web-a4", client="key-a").texts == [queued_text(2)]
    assert store.end(taken.id, agent, back_to_bot=True)
    assert ask_for_person(MONDAY_10, sender="web-a5", client="key-a").texts[0] == refused  # a3 and a4 still wait


def test_without_a_client_key_each_conversation_is_its_own_client(store, ask_for_person) -> None:
    for n in range(3):  # a channel that names no client: only the queue's size limits
        assert ask_for_person(MONDAY_10, sender=f"web-{n}").texts == [queued_text(n + 1)]
    assert [h.client_key for h in store.queue("paijat-hame")] == [None, None, None]


def test_the_client_key_is_kept_only_while_the_hand_over_waits(store) -> None:
    agent = agents.add_agent(store, "anna", "oikein-pitkä-salasana", "paijat-hame", "Anna")

    def enqueue(sender: str) -> str:
        queued = store.enqueue(
            sender=sender, county="paijat-hame", language="fi", max_queue=9, transcript=[], client="key-a"
        )
        return queued.handoff_id

    taken, left = enqueue("s1"), enqueue("s2")
    assert store.get(taken).client_key == "key-a"
    store.take(taken, agent)
    store.leave_queue(left)
    stale = enqueue("s3")
    store.expire_waiting(now=datetime(2099, 1, 1))
    assert [store.get(h).client_key for h in (taken, left, stale)] == [None, None, None]


def test_the_client_limit_counts_per_county(store) -> None:
    def enqueue(sender: str, county: str) -> None:
        store.enqueue(sender=sender, county=county, language="fi", max_queue=9, transcript=[], client="key-a")

    enqueue("s1", "paijat-hame")
    enqueue("s2", "paijat-hame")
    with pytest.raises(ClientQueueFull):
        enqueue("s3", "paijat-hame")
    enqueue("s3", "satakunta")  # another county's queue: its own places
    with pytest.raises(QueueFull):  # a client's refusal is a kind of full queue for any caller that knows only that
        enqueue("s4", "paijat-hame")


def test_parallel_requests_of_one_client_get_no_more_than_its_places_on_postgresql() -> None:
    with fresh_postgres_database() as url:
        store = HandoffStore(url)
        store.create_schema()
        start = threading.Barrier(8)

        def enqueue(n: int) -> str:
            start.wait()  # all at the same moment, as a script would send them
            try:
                store.enqueue(
                    sender=f"s{n}", county="paijat-hame", language="fi", max_queue=9, transcript=[], client="key-a"
                )
            except ClientQueueFull:
                return "refused"
            return "queued"

        with ThreadPoolExecutor(8) as pool:
            results = sorted(pool.map(enqueue, range(8)))
        assert results == ["queued"] * 2 + ["refused"] * 6
        assert len(store.queue("paijat-hame")) == 2
        engine_for(url).dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_make_databases_adds_the_client_key_to_an_existing_queue(kind: str, tmp_path: Path) -> None:
    with nullcontext(f"sqlite:///{tmp_path / 'old.db'}") if kind == "sqlite" else fresh_postgres_database() as url:
        with engine_for(url).begin() as connection:  # the table as the last release made it, with a waiting person
            connection.execute(
                text(
                    "CREATE TABLE handoffs (id VARCHAR(32) PRIMARY KEY, sender VARCHAR(64) NOT NULL, "
                    "county VARCHAR(32) NOT NULL, language VARCHAR(8) NOT NULL, municipality VARCHAR(100), "
                    "role VARCHAR(32), topic VARCHAR(64), status VARCHAR(16) NOT NULL, created TIMESTAMP NOT NULL, "
                    "taken TIMESTAMP, ended TIMESTAMP, agent_id INTEGER, urgent BOOLEAN NOT NULL, transcript TEXT, "
                    "preparation_rating INTEGER)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO handoffs (id, sender, county, language, status, created, urgent) "
                    "VALUES ('old', 'web-old', 'paijat-hame', 'fi', 'waiting', :now, false)"
                ),
                {"now": datetime(2026, 12, 7, 8, 0)},
            )
        store = HandoffStore(url)

        store.create_schema()  # what `make databases` runs
        store.create_schema()  # and again, as every `make run` does: nothing left to add

        assert [h.sender for h in store.queue("paijat-hame")] == ["web-old"]
        assert store.get("old").client_key is None
        for n in range(2):
            store.enqueue(sender=f"s{n}", county="paijat-hame", language="fi", max_queue=9, transcript=[], client="k")
        with pytest.raises(ClientQueueFull):
            store.enqueue(sender="s3", county="paijat-hame", language="fi", max_queue=9, transcript=[], client="k")
        indexes = {index["name"] for index in inspect(engine_for(url)).get_indexes("handoffs")}
        assert "ix_handoffs_client_key" in indexes
        engine_for(url).dispose()


@pytest.mark.parametrize(
    "language, hours, when",
    [
        ("fi", "ma–pe 8.00–16.00", "ma 28. joulukuuta klo 8.00–16.00"),
        ("sv", "mån–fre 8.00–16.00", "mån 28 dec. kl. 8.00–16.00"),
        ("en", "Mon–Fri 08:00–16:00", "Mon 28 Dec, 08:00–16:00"),
    ],
)
def test_outside_hours_the_hours_the_next_opening_and_a_callback_are_offered(
    store, ask_for_person, language, hours, when
) -> None:
    events, said = ask_for_person(datetime(2026, 12, 24, 10, 0, tzinfo=HELSINKI), language=language)
    assert events == []
    next_opening = catalogue.text("handoff_next_opening", language, when=when)  # next open Mon 28 Dec
    assert said[0] == bot_message(
        catalogue.text("handoff_closed", language, hours=hours, next=next_opening), [callback_button(language)]
    )
    assert said[0]["buttons"][0]["payload"] == "/request_callback"
    assert store.queue("paijat-hame") == []


def test_channels_that_cannot_push_offer_the_phone_instead(store, ask_for_person) -> None:
    events, said = ask_for_person(MONDAY_10, channel="rest")
    assert events == []
    assert said[0] == bot_message(catalogue.text("handoff_other_channel", "fi"), [callback_button("fi")])
    assert said[0]["text"].startswith("Tässä kanavassa") and store.queue("paijat-hame") == []


def test_the_transcript_shows_button_choices_as_what_was_chosen() -> None:
    tracker = make_tracker(
        "x",
        "human_handoff",
        events=[
            {
                "event": "user",
                "text": '/inform_municipality{"municipality": "Lahti"}',
                "parse_data": {"entities": [{"entity": "municipality", "value": "Lahti"}]},
            },
            {"event": "bot", "text": "Selvä, Lahti. Mitä palvelua etsit?"},
        ],
    )
    assert transcript(tracker) == [
        {"from": "person", "text": "Lahti"},
        {"from": "bot", "text": "Selvä, Lahti. Mitä palvelua etsit?"},
        {"from": "person", "text": "x"},
    ]


# --------------------------------------------------------------------------- callbacks, accounts


@pytest.mark.parametrize(
    "text, number",
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("0401234567", "+358401234567"),
        ("050-555 1234", "+358505551234"),
        ("09 2525 0111", "+358925250111"),
        ("00358 40 1234567", "+358401234567"),
        ("ring mig på 044 987 6543 tack", "+358449876543"),
        ("my number is +358 50 1112223", "+358501112223"),
        ("+46 70 123 45 67", None),
        ("12345", None),
        ("131052-308T", None),
        ("ei ole puhelinta", None),
    ],
)
def test_finnish_phone_numbers_in_any_usual_format(text: str, number) -> None:
    assert phone_number(text) == number


def test_a_number_reads_back_as_people_write_it() -> None:
    assert display_phone("+358401234567") == "040 123 4567" and display_phone("+358925250111") == "09 25250111"


@pytest.mark.parametrize(
    "text, window",
    [
        ("Aamupäivällä (8–12)", "morning"),
        ("iltapäivällä", "afternoon"),
        ("på förmiddagen", "morning"),
        ("eftermiddag", "afternoon"),
        ("any time", "any"),
        ("när som helst", "any"),
        ("ei väliä", "any"),
        ("huomenna", None),
    ],
)
def test_time_windows_in_three_languages(text: str, window) -> None:
    assert time_window(text) == window


def test_agents_log_in_with_hashed_passwords_only(store) -> None:
    agent = agents.add_agent(store, "anna", "oikein-pitkä-salasana", "paijat-hame", "Anna")
    with store.session() as session:
        stored = session.get(type(agent), agent.id).password_hash
    assert "oikein" not in stored and stored.startswith("scrypt$")
    assert not agents.log_in(store, "anna", "väärä salasana!!").ok
    assert not agents.log_in(store, "nobody", "oikein-pitkä-salasana").ok
    token = agents.log_in(store, "anna", "oikein-pitkä-salasana").token
    assert agents.agent_for(store, token).username == "anna"
    agents.log_out(store, token)
    assert agents.agent_for(store, token) is None
    with pytest.raises(ValueError, match="12"):
        agents.add_agent(store, "bob", "short", "paijat-hame", "Bob")


def test_closing_erases_the_texts_and_a_done_callback_its_number(store) -> None:
    agent = agents.add_agent(store, "anna", "oikein-pitkä-salasana", "paijat-hame", "Anna")
    other = agents.add_agent(store, "sven", "oikein-pitkä-salasana", "satakunta", "Sven")
    queued = store.enqueue(
        sender="s1", county="paijat-hame", language="fi", max_queue=5, transcript=[{"from": "person", "text": "hei"}]
    )
    assert not store.take(queued.handoff_id, other)  # another county's agent cannot take it
    assert store.take(queued.handoff_id, agent) and not store.take(queued.handoff_id, agent)
    store.add_message(queued.handoff_id, "person", "minun asiani")
    assert store.end(queued.handoff_id, agent, back_to_bot=False)
    closed = store.get(queued.handoff_id)
    assert closed.transcript is None and store.messages(queued.handoff_id) == [] and closed.status == "closed"
    callback = store.add_callback(
        sender="s1", county="paijat-hame", phone="+358401234567", window="any", topic="laskusta", language="fi"
    )
    assert not store.callback_done(callback, other) and store.callback_done(callback, agent)
    assert store.callbacks("paijat-hame") == []
    assert wants_to_cancel("peru") and not wants_to_cancel("perusturva")


def test_waiting_too_long_frees_the_place_and_erases_the_texts(store) -> None:
    queued = store.enqueue(sender="s1", county="paijat-hame", language="fi", max_queue=1, transcript=[])
    store.add_message(queued.handoff_id, "person", "odotan")
    assert store.expire_waiting(now=datetime(2099, 1, 1)) == 1
    assert store.open_for_sender("s1") is None and store.messages(queued.handoff_id) == []
    assert store.enqueue(sender="s2", county="paijat-hame", language="fi", max_queue=1, transcript=[]).position == 1


def test_the_person_can_leave_the_queue(store) -> None:
    queued = store.enqueue(sender="s1", county="paijat-hame", language="fi", max_queue=5, transcript=[])
    assert store.leave_queue(queued.handoff_id) and store.open_for_sender("s1") is None


def test_what_is_stored_of_a_hand_over_is_redacted_but_a_callback_number_is_kept(store) -> None:
    queued = store.enqueue(
        sender="s1",
        county="paijat-hame",
        language="fi",
        max_queue=5,
        transcript=[
            {"from": "person", "text": "hetuni on 010190-123A"},
            {"from": "bot", "text": "Soitamme numeroon 040 123 4567."},
        ],
    )
    assert json.loads(store.get(queued.handoff_id).transcript) == [
        {"from": "person", "text": "hetuni on [HETU]"},
        {"from": "bot", "text": "Soitamme numeroon [PHONE]."},
    ]
    store.add_message(queued.handoff_id, "person", "sähköpostini matti@example.fi")
    assert [m.text for m in store.messages(queued.handoff_id)] == ["sähköpostini [EMAIL]"]
    callback = store.add_callback(
        sender="s1",
        county="paijat-hame",
        phone="+358401234567",
        window="any",
        topic="lasku tililtä FI21 1234 5600 0007 85",
        language="fi",
    )
    [stored] = store.callbacks("paijat-hame")
    assert (stored.id, stored.phone, stored.topic) == (callback, "+358401234567", "lasku tililtä [IBAN]")


def test_the_agent_sees_the_message_as_typed_while_the_stored_copy_is_redacted(store) -> None:
    queued = store.enqueue(sender="s1", county="paijat-hame", language="fi", max_queue=5, transcript=[])
    hub = Hub()
    asyncio.run(relay_to_agent(store, hub, store.get(queued.handoff_id), "soita 040 123 4567 kiitos"))
    pushed = [message for _, message in hub.since(console_stream("paijat-hame"), 0)]
    assert pushed[-1]["type"] == "message" and pushed[-1]["text"] == "soita 040 123 4567 kiitos"
    assert [m.text for m in store.messages(queued.handoff_id)] == ["soita [PHONE] kiitos"]
