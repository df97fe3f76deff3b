"""Reaching a person from Telegram and SMS follows the same office hours as the web chat: the queue when the
chat is staffed, the hours and a callback otherwise; REST still cannot bring an agent's reply."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from actions.directory.client import DirectoryClient
from actions.handoff import ActionOfferHumanContact
from opastin import catalogue
from opastin.handoff import office_hours
from tests.conftest import make_tracker, new_handoff_store, run_action

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=office_hours.FINLAND)
SATURDAY_10 = datetime(2026, 12, 5, 10, 0, tzinfo=office_hours.FINLAND)


@pytest.mark.parametrize(
    "channel, moment, queued",
    [
        ("telegram", MONDAY_10, True),
        ("sms", MONDAY_10, True),
        ("telegram", SATURDAY_10, False),
        ("sms", SATURDAY_10, False),
        ("rest", MONDAY_10, False),
    ],
)
def test_telegram_and_sms_get_live_chat_in_office_hours_only(
    tmp_path: Path, sqlite_client: DirectoryClient, channel: str, moment: datetime, queued: bool
) -> None:
    store = new_handoff_store(tmp_path)
    tracker = make_tracker(
        "haluan puhua ihmisen kanssa",
        "human_handoff",
        sender_id=f"{channel}-1",
        input_channel=channel,
        slots={"language": "fi", "municipality": "Lahti"},
    )
    said = run_action(ActionOfferHumanContact(sqlite_client, store=store, clock=lambda: moment), tracker).messages
    assert (store.open_for_sender(f"{channel}-1") is not None) is queued
    if queued:
        assert said[0]["text"].startswith("Siirrän sinut asiakasohjaajalle.")
    else:
        assert said[0]["buttons"] == [
            {"title": catalogue.text("button_callback", "fi"), "payload": "/request_callback"}
        ]
        closed = catalogue.text(
            "handoff_other_channel" if channel == "rest" else "handoff_closed", "fi", hours="", next=""
        )
        assert said[0]["text"].split(" ")[:2] == closed.split(" ")[:2]
