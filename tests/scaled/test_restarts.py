"""Fault tests of the scaled profile: PostgreSQL and Redis restarted mid-conversation.

The stack (2 Rasa processes + 1 action server, shared by tests/scaled/) runs on a private PostgreSQL
and a private Redis (tests/private_services.py), never the machine's shared ones, which other tests
use at the same moment. Two people chat in the web chat, each posting to one Rasa process and holding the push
stream on the other, so that every answer crosses between the processes through the Redis hub.

After each restart, and for a message sent while the service is down, every turn gets exactly one
answer: what each tab's stream delivered is compared turn by turn with the conversation stored in
PostgreSQL (each message of the person once, the bot's answers once, in order). A message that
hits a short outage waits for the service and gets its answer, not "try again" (a longer outage
gets "try again": tests/test_db.py, tests/test_redis_hub.py, tests/test_channel_doors.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from opastin import catalogue
from opastin.db import engine_for
from opastin.redaction import redact
from opastin.scaled import Scaled
from tests.scaled.conftest import Services
from tests.scaled.tab import Tab

TRY_AGAIN = catalogue.text("assistant_unavailable", "fi")
Turn = tuple[str, list[str]]  # what the person wrote, and the texts the bot answered to it


@pytest.fixture
def tabs(scaled: Scaled) -> Iterator[list[Tab]]:
    """Two people; each posts to one process and reads the stream from the other."""
    first, second = scaled.rasa
    opened = [Tab(first, second).open(), Tab(second, first).open()]
    yield opened
    for tab in opened:
        tab.close()


class Conversation:
    """One tab's turns as the person saw them, to compare with what was stored."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab
        self.turns: list[Turn] = []

    def say(self, said: str) -> list[str]:
        posted = self.tab.send(said)
        assert posted.status_code == 200, f"{said!r}: {posted.status_code} {posted.text[:200]}"
        answers = [m.get("text") or "" for m in self.tab.messages_until(posted.json()["last"])]
        assert answers, f"{said!r} got no answer"
        self.turns.append((said, answers))
        return answers


def stored_turns(scaled: Scaled, sender: str) -> list[Turn]:
    """The conversation in the tracker store: each message of the person with the bot's answers after it."""
    with engine_for(scaled.env["TRACKER_URL"]).connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        )
        turns: list[Turn] = []
        for kind, data in rows:
            said = json.loads(data).get("text") or ""
            if kind == "user":
                turns.append((said, []))
            elif kind == "bot":
                turns[-1][1].append(said)
    return turns


def as_stored(turns: list[Turn]) -> list[Turn]:
    """What the tracker store keeps of what the person saw: redacted (the service cards' phone numbers)."""
    return [(redact(said), [redact(answer) for answer in answers]) for said, answers in turns]


def after(seconds: float, action: Any) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


@pytest.mark.parametrize(
    "service, back_after",
    [
        # Rasa's tracker store, the hand-over queue the web chat asks first, and the action server's directory.
        ("postgres", 2),
        # Rasa's lock store and the push hub: Redis comes back empty (its stream numbers, backlogs, subscriptions).
        ("redis", 1),
    ],
)
def test_a_restart_loses_no_turn_and_doubles_none(
    scaled: Scaled, services: Services, tabs: list[Tab], service: str, back_after: float
) -> None:
    server = getattr(services, service)
    people = [Conversation(tab) for tab in tabs]
    for person in people:
        assert "Missä kunnassa asut?" in "\n".join(person.say("hammasta särkee, tarvitsen hammaslääkärin"))

    server.restart()  # every pooled connection of the three servers is now dead

    for person in people:
        answered = "\n".join(person.say("asun Lahdessa"))
        assert "Lahti" in answered and "hammas" in answered.lower()

    server.stop()  # a message sent while the service is down, back a moment later
    timer = after(back_after, server.start)
    try:
        during = people[0].say("missä voin käydä verikokeissa")
    finally:
        timer.join()
    assert TRY_AGAIN not in during and "laborator" in "\n".join(during).lower()
    assert "laborator" in "\n".join(people[1].say("missä voin käydä verikokeissa")).lower()

    for person in people:
        assert not person.tab.unread(), "an answer came twice or late"
        assert person.tab.reconnects == 0  # the stream opened before the restart received everything
        assert stored_turns(scaled, person.tab.sender) == as_stored(person.turns)
