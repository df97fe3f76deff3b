"""The staff console's API on the real server: nothing without a login, and only one's own county."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from opastin.handoff import agents
from opastin.handoff.queue import HandoffStore

PASSWORD = "pitkä-ja-hyvä-salasana"
HEADERS = {"X-Opastin-Console": "1"}


@pytest.fixture(scope="module")
def accounts(stack: dict) -> dict[str, str]:
    store = HandoffStore(stack["handoff"])
    names = {county: f"agent-{county}-{uuid.uuid4().hex[:6]}" for county in ("paijat-hame", "satakunta")}
    for county, username in names.items():
        agents.add_agent(store, username, PASSWORD, county, f"Agent {county}")
    return names


def api(stack: dict, path: str) -> str:
    return f"{stack['base']}/webhooks/console/api/{path}"


def logged_in(stack: dict, username: str) -> requests.Session:
    session = requests.Session()
    reply = session.post(
        api(stack, "login"), data=json.dumps({"username": username, "password": PASSWORD}), headers=HEADERS, timeout=10
    )
    assert reply.status_code == 200
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return session


def test_nothing_is_shown_without_a_login(stack: dict) -> None:
    for path in ("me", "queue", "stream", "conversations/abc"):
        assert requests.get(api(stack, path), timeout=10).status_code == 401, path
    take = requests.post(api(stack, "conversations/abc/take"), data="{}", headers=HEADERS, timeout=10)
    assert take.status_code == 401
    page = requests.get(f"{stack['base']}/webhooks/console/", timeout=10)
    assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_a_wrong_password_and_a_missing_header_are_refused(stack: dict, accounts: dict) -> None:
    wrong = requests.post(
        api(stack, "login"),
        data=json.dumps({"username": accounts["satakunta"], "password": "x"}),
        headers=HEADERS,
        timeout=10,
    )
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers
    no_header = requests.post(
        api(stack, "login"), timeout=10, data=json.dumps({"username": accounts["satakunta"], "password": PASSWORD})
    )
    assert no_header.status_code == 400


def test_an_agent_sees_only_their_own_countys_queue(stack: dict, accounts: dict) -> None:
    store = HandoffStore(stack["handoff"])
    queued = store.enqueue(
        sender=uuid.uuid4().hex,
        county="paijat-hame",
        language="fi",
        max_queue=50,
        transcript=[{"from": "person", "text": "hei"}],
    )
    lahti = logged_in(stack, accounts["paijat-hame"])
    pori = logged_in(stack, accounts["satakunta"])
    assert queued.handoff_id in [c["id"] for c in lahti.get(api(stack, "queue"), timeout=10).json()["conversations"]]
    assert queued.handoff_id not in [c["id"] for c in pori.get(api(stack, "queue"), timeout=10).json()["conversations"]]
    assert pori.get(api(stack, f"conversations/{queued.handoff_id}"), timeout=10).status_code == 404
    assert (
        pori.post(
            api(stack, f"conversations/{queued.handoff_id}/take"), data="{}", headers=HEADERS, timeout=10
        ).status_code
        == 404
    )
    detail = lahti.get(api(stack, f"conversations/{queued.handoff_id}"), timeout=10).json()
    assert detail["transcript"] == [{"from": "person", "text": "hei"}]


def test_logging_out_ends_the_session(stack: dict, accounts: dict) -> None:
    session = logged_in(stack, accounts["satakunta"])
    copy = {"opastin_console": session.cookies["opastin_console"]}  # what someone might have kept
    assert session.get(api(stack, "me"), timeout=10).status_code == 200
    out = session.post(api(stack, "logout"), data="{}", headers=HEADERS, timeout=10)
    assert out.status_code == 200 and "Max-Age=0" in out.headers["Set-Cookie"]
    assert "opastin_console" not in session.cookies  # expired with the cookie's own path
    assert requests.get(api(stack, "me"), cookies=copy, timeout=10).status_code == 401


def test_guessing_a_password_is_locked_out_and_nothing_is_cached(stack: dict) -> None:
    username = f"agent-locked-{uuid.uuid4().hex[:6]}"
    agents.add_agent(HandoffStore(stack["handoff"]), username, PASSWORD, "satakunta", "Agent")
    answers = [
        requests.post(
            api(stack, "login"),
            data=json.dumps({"username": username, "password": f"guess-{n}"}),
            headers=HEADERS,
            timeout=30,
        )
        for n in range(agents.MAX_FAILURES + 1)
    ]
    assert [a.status_code for a in answers] == [401] * (agents.MAX_FAILURES - 1) + [429, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert all(a.headers["Cache-Control"] == "no-store" for a in answers)
    right = requests.post(
        api(stack, "login"), data=json.dumps({"username": username, "password": PASSWORD}), headers=HEADERS, timeout=30
    )
    assert right.status_code == 429
