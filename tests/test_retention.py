"""What outlives its lifetime is erased by `make purge`; one conversation can be erased on request."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import update

from opastin import figures, retention, setup_databases
from opastin.handoff.queue import HandoffStore, utc_now
from opastin.handoff.records import Callback, Handoff, HeldPhone
from opastin.tracker_store import RedactedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[1]
NOW = utc_now()


@pytest.fixture
def urls(tmp_path: Path) -> dict[str, str]:
    found = {name: f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")}
    setup_databases.create_all(found["handoff"], found["reporting"], found["tracker"])
    return found


def said(urls: dict[str, str], sender: str, days_ago: float) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker(sender, domain.slots)
    moment = (NOW - timedelta(days=days_ago) - datetime(1970, 1, 1)).total_seconds()
    tracker.update(UserUttered("hei", {"name": "greet", "confidence": 1.0}, timestamp=moment))
    asyncio.run(RedactedSQLTrackerStore(domain=domain, url=urls["tracker"]).save(tracker))


def senders(urls: dict[str, str]) -> set[str]:
    return set(asyncio.run(RedactedSQLTrackerStore(url=urls["tracker"]).keys()))


def aged(store: HandoffStore, handoff_id: str, hours: float, **values: object) -> None:
    with store.session() as session, session.begin():
        session.execute(
            update(Handoff).where(Handoff.id == handoff_id).values(created=NOW - timedelta(hours=hours), **values)
        )


def queued(store: HandoffStore, sender: str) -> str:
    handoff_id = store.enqueue(
        sender=sender,
        county="paijat-hame",
        language="fi",
        max_queue=50,
        transcript=[{"from": "person", "text": "x"}],
        client=f"key-{sender}",
    ).handoff_id
    store.add_message(handoff_id, "person", "odotan")
    return handoff_id


def test_purge_erases_only_what_is_older_than_its_lifetime(urls: dict[str, str]) -> None:
    said(urls, "old", days_ago=31)
    said(urls, "recent", days_ago=29)
    store = HandoffStore(urls["handoff"])
    waited_long, waiting = queued(store, "w1"), queued(store, "w2")
    aged(store, waited_long, hours=2)
    forgotten = queued(store, "a1")
    aged(store, forgotten, hours=13, status="active")
    closed_long_ago = queued(store, "c1")
    aged(store, closed_long_ago, hours=24 * 31, status="returned", transcript=None)
    old_callback = store.add_callback(
        sender="s1", county="paijat-hame", phone="+358401234567", window="any", topic="Lasku", language="fi"
    )
    store.add_callback(sender="s2", county="paijat-hame", phone="+358501234567", window="any", topic="x", language="fi")
    with store.session() as session, session.begin():
        session.execute(update(Callback).where(Callback.id == old_callback).values(created=NOW - timedelta(days=15)))
    store.hold_phone("h1", "+358401111111")
    store.hold_phone("h2", "+358402222222")
    with store.session() as session, session.begin():
        session.execute(update(HeldPhone).where(HeldPhone.sender == "h1").values(created=NOW - timedelta(hours=2)))
    today = NOW.date()
    figures.record_feedback(1, "hyvä palvelu", "fi", day=today - timedelta(days=91), url=urls["reporting"])
    figures.record_feedback(-1, "ei auttanut", "fi", day=today - timedelta(days=89), url=urls["reporting"])

    done = retention.purge(NOW, tracker=urls["tracker"], handoff=urls["handoff"], reporting=urls["reporting"])

    assert (done.conversations, done.handoffs, done.callbacks, done.held_phones, done.feedback_comments) == (
        1,
        2,
        1,
        1,
        1,
    )
    assert senders(urls) == {"recent"}
    assert [h.sender for h in store.queue("paijat-hame")] == ["w2"]
    assert store.messages(waited_long) == [] and store.messages(forgotten) == []
    assert store.messages(waiting)[0].text == "odotan"
    assert store.get(closed_long_ago).sender == retention.ERASED_SENDER
    assert [store.get(h).client_key for h in (waited_long, forgotten, closed_long_ago)] == [None, None, None]
    assert store.get(waiting).client_key == "key-w2"  # still waiting: still counted
    assert [c.phone for c in store.callbacks("paijat-hame")] == ["+358501234567"]
    assert store.held_phone("h1") is None and store.held_phone("h2") == "+358402222222"
    rows = figures.feedback_rows(urls["reporting"])
    assert sorted((r["rating"], r["comment"]) for r in rows) == [(-1, "ei auttanut"), (1, None)]


def test_one_conversation_is_erased_everywhere_on_request(urls: dict[str, str]) -> None:
    said(urls, "web-erase", days_ago=0)
    said(urls, "web-other", days_ago=0)
    store = HandoffStore(urls["handoff"])
    handoff_id = queued(store, "web-erase")
    store.add_callback(
        sender="web-erase", county="paijat-hame", phone="+358401234567", window="any", topic="Lasku", language="fi"
    )
    store.hold_phone("web-erase", "+358401234567")

    touched = retention.erase("web-erase", tracker=urls["tracker"], handoff=urls["handoff"])

    assert touched >= 5
    assert senders(urls) == {"web-other"}
    erased = store.get(handoff_id)
    assert (erased.sender, erased.transcript, erased.status) == (retention.ERASED_SENDER, None, "closed")
    assert erased.client_key is None
    assert store.messages(handoff_id) == []
    assert store.callbacks("paijat-hame") == []
    assert store.held_phone("web-erase") is None
