"""One client cannot fill the live-chat queue: over HTTP, through the web chat, Rasa and the action server.

The requests go as tests/e2e/test_webchat_http.py sends them (a conversation's token from POST /session).
Every request here comes from one address, 127.0.0.1.
"""

from __future__ import annotations

import re

from sqlalchemy import update

from opastin import catalogue
from opastin.devstack import webchat_session
from opastin.handoff.queue import MAX_PER_CLIENT, HandoffStore
from opastin.handoff.records import OPEN_STATES, Handoff
from tests.e2e.test_webchat_http import messages_after, say


def test_one_address_holds_two_places_and_its_third_conversation_is_told_why(stack: dict) -> None:
    store = HandoffStore(stack["handoff"])
    with store.session() as session, session.begin():  # other tests may have left people waiting
        session.execute(update(Handoff).where(Handoff.status.in_(OPEN_STATES)).values(status="closed"))
    tabs = [webchat_session(stack["base"]) for _ in range(MAX_PER_CLIENT + 1)]  # three tabs of one browser
    senders, tokens = [tab["sender"] for tab in tabs], [tab["token"] for tab in tabs]

    answers = ["\n".join(messages_after(stack, t, 0, say(stack, t, "haluan puhua ihmisen kanssa"))) for t in tokens]

    assert "Olet jonossa sijalla 1." in answers[0] and "Olet jonossa sijalla 2." in answers[1]
    assert catalogue.text("handoff_client_waiting", "fi") in answers[2] and "jonossa sijalla" not in answers[2]
    queued = store.queue("paijat-hame")
    assert [h.sender for h in queued] == senders[:2]
    keys = {h.client_key for h in queued}
    assert len(keys) == 1 and re.fullmatch(r"[0-9a-f]{32}", keys.pop() or "")  # one client, never its address
    for token in tokens[:2]:
        say(stack, token, "peru")
    assert store.queue("paijat-hame") == []
