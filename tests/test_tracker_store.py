"""Conversations kept in SQL survive a restart, and nothing that identifies a person is written."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from opastin.db import engine_for
from opastin.tracker_store import RedactedSQLTrackerStore
from tests.conftest import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[1]
SAID = "Soita minulle 040 123 4567 tai kirjoita anna.esimerkki@example.fi, hetu 010190-123A"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


class CollectingBroker(EventBroker):
    """An event broker that keeps what it is given, as RabbitMQ would receive it."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def conversation(domain: Domain, sender: str = "web-1") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered(SAID, {"name": "request_callback", "confidence": 0.9}, message_id="04012345670abcdef"),
        SlotSet("callback_topic", "Laskusta, numero 040 123 4567"),
        BotUttered("Soitamme numeroon 040 123 4567."),
        SlotSet("language", "fi"),
    ):
        tracker.update(event)
    return tracker


def stored_rows(url: str) -> list[str]:
    with engine_for(url).connect() as connection:
        return [row.data for row in connection.execute(text("SELECT data FROM events ORDER BY id"))]


def test_a_conversation_survives_a_restart_without_identifiers(domain: Domain, tracker_url: str) -> None:
    tracker = conversation(domain)
    asyncio.run(RedactedSQLTrackerStore(domain=domain, url=tracker_url).save(tracker))

    restarted = RedactedSQLTrackerStore(domain=domain, url=tracker_url)  # a new server process
    again = asyncio.run(restarted.retrieve("web-1"))

    assert again is not None
    assert [e.type_name for e in again.events] == [e.type_name for e in tracker.events]
    assert again.latest_message.intent["name"] == "request_callback"
    assert again.latest_message.text == "Soita minulle [PHONE] tai kirjoita [EMAIL], hetu [HETU]"
    assert again.latest_message.message_id == "04012345670abcdef"  # identifiers are not "numbers"
    assert again.get_slot("callback_topic") == "Laskusta, numero [PHONE]"
    assert again.get_slot("language") == "fi"
    rows = "\n".join(stored_rows(tracker_url))
    assert "040 123 4567" not in rows and "example.fi" not in rows and "010190" not in rows
    # The conversation in memory still has the words as typed, for the turn being answered.
    assert tracker.latest_message.text == SAID


def test_only_new_events_are_written_on_the_next_turn(domain: Domain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = RedactedSQLTrackerStore(domain=domain, url=url)
    tracker = conversation(domain)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("kiitos", {"name": "thank_you", "confidence": 0.9}))
    asyncio.run(store.save(tracker))
    rows = [json.loads(row) for row in stored_rows(url)]
    assert [row["event"] for row in rows] == ["action", "user", "slot", "bot", "slot", "user"]
    assert rows[-1]["text"] == "kiitos"


def test_the_event_broker_gets_the_redacted_events(domain: Domain, tmp_path: Path) -> None:
    broker = CollectingBroker()
    store = RedactedSQLTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}", event_broker=broker)
    asyncio.run(store.save(conversation(domain)))
    published = json.dumps(broker.published, ensure_ascii=False)
    assert [event["event"] for event in broker.published] == ["action", "user", "slot", "bot", "slot"]
    assert all(event["sender_id"] == "web-1" for event in broker.published)
    assert "040 123 4567" not in published and "[PHONE]" in published


def test_the_clients_key_is_for_the_turn_and_is_not_kept(domain: Domain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    broker = CollectingBroker()
    tracker = DialogueStateTracker("web-1", domain.slots)
    metadata = {"language": "fi", "client_key": "0123456789abcdef0123456789abcdef"}
    tracker.update(SlotSet(SESSION_START_METADATA_SLOT, dict(metadata)))  # as Rasa starts a session
    tracker.update(UserUttered("haluan puhua ihmiselle", {"name": "human_handoff"}, metadata=metadata))
    assert tracker.latest_message.metadata["client_key"]  # the action server gets it with this turn
    asyncio.run(RedactedSQLTrackerStore(domain=domain, url=url, event_broker=broker).save(tracker))
    [session, said] = [json.loads(row) for row in stored_rows(url)]
    assert session["value"] == {"language": "fi"}
    assert said["metadata"] == {"language": "fi"} and said["parse_data"]["metadata"] == {"language": "fi"}
    assert "0123456789abcdef" not in json.dumps(broker.published)
    assert tracker.latest_message.metadata["client_key"]  # the conversation in memory is left as it was


def cut_connection_once(real: Any, calls: list[str], name: str) -> Any:
    """`real`, but the first call fails as when PostgreSQL restarts under an open connection."""

    def once(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        if calls.count(name) == 1:
            raise DBAPIError("SELECT …", {}, Exception("server closed the connection"), connection_invalidated=True)
        return real(*args, **kwargs)

    return once


def test_a_cut_connection_is_tried_once_more_and_nothing_is_written_twice(
    domain: Domain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = RedactedSQLTrackerStore(domain=domain, url=url)
    calls: list[str] = []
    monkeypatch.setattr(store, "_additional_events", cut_connection_once(store._additional_events, calls, "save"))
    asyncio.run(store.save(conversation(domain)))  # Rasa's wrapper would have kept this turn in memory only
    monkeypatch.setattr(store, "_event_query", cut_connection_once(store._event_query, calls, "read"))
    again = asyncio.run(store.retrieve("web-1"))  # … and answered the next one as a new conversation
    assert calls == ["save", "save", "read", "read"]
    assert again is not None and again.get_slot("language") == "fi"
    assert [json.loads(row)["event"] for row in stored_rows(url)] == ["action", "user", "slot", "bot", "slot"]


def test_other_database_errors_are_not_hidden(domain: Domain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = RedactedSQLTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")

    def broken(*args: Any) -> Any:
        raise DBAPIError("INSERT …", {}, Exception("disk full"), connection_invalidated=False)

    monkeypatch.setattr(store, "_additional_events", broken)
    with pytest.raises(DBAPIError, match="disk full"):
        asyncio.run(store.save(conversation(domain)))


def test_many_conversations_saved_at_once_are_all_kept_whole(domain: Domain, tracker_url: str) -> None:
    store = RedactedSQLTrackerStore(domain=domain, url=tracker_url)
    trackers = [conversation(domain, f"web-{n}") for n in range(24)]

    async def save_and_read_all() -> list[DialogueStateTracker | None]:
        await asyncio.gather(*(store.save(tracker) for tracker in trackers))
        return list(await asyncio.gather(*(store.retrieve(tracker.sender_id) for tracker in trackers)))

    for tracker, again in zip(trackers, asyncio.run(save_and_read_all()), strict=True):
        assert again is not None and again.sender_id == tracker.sender_id
        assert [e.type_name for e in again.events] == [e.type_name for e in tracker.events]
    assert asyncio.run(store.retrieve("nobody")) is None


def test_other_conversations_go_on_while_one_is_written(
    domain: Domain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write waits until the event loop has run another coroutine: it could not if it blocked the loop."""
    store = RedactedSQLTrackerStore(domain=domain, url=f"sqlite:///{tmp_path / 'tracker.db'}")
    other_ran = threading.Event()
    write = store._write_new_events

    def write_after_the_other(tracker: DialogueStateTracker) -> None:
        assert other_ran.wait(timeout=30), "the event loop was blocked during the write"
        write(tracker)

    monkeypatch.setattr(store, "_write_new_events", write_after_the_other)

    async def other() -> None:
        other_ran.set()

    async def both() -> None:
        await asyncio.gather(store.save(conversation(domain)), other())

    asyncio.run(both())
    assert len(stored_rows(f"sqlite:///{tmp_path / 'tracker.db'}")) == 5
