"""The staff console's API over real HTTP, in this process: the channel's blueprint registered on a Sanic app
as the Rasa server registers it (rasa.core.channels.channel.register), served on a spare port (tests/sanic_server.py).

No model is needed, so these run with the unit tests; tests/e2e/test_console_http.py covers the real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sanic import Sanic

from opastin import setup_databases
from opastin.channels.console import ConsoleInput
from opastin.channels.hub import Hub
from opastin.handoff import agents, audit
from opastin.handoff.queue import HandoffStore
from tests.conftest import new_handoff_store
from tests.sanic_server import serving

PASSWORD = "pitkä-ja-hyvä-salasana"
HEADERS = {"X-Opastin-Console": "1"}
FAST = agents.LoginPolicy(first_delay=0.0, max_delay=0.0)  # the same counting and lock-out, no waiting


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    store = new_handoff_store(tmp_path)
    agents.add_agent(store, "anna", PASSWORD, "paijat-hame", "Anna")
    agents.add_agent(store, "sven", PASSWORD, "satakunta", "Sven")
    return store


@pytest.fixture(autouse=True)
def many_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic's flag for several apps started in one process (what sanic-testing sets)."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def base(store: HandoffStore) -> Iterator[str]:
    with serving(ConsoleInput(Hub(), store, policy=FAST)) as url:
        yield url


@pytest.fixture
def proxied(store: HandoffStore) -> Iterator[str]:
    """The console behind a TLS proxy that it trusts (trust_proxy: true)."""
    with serving(ConsoleInput(Hub(), store, trust_proxy=True, policy=FAST)) as url:
        yield url


def api(base: str, path: str) -> str:
    return f"{base}/webhooks/console/api/{path}"


def log_in(base: str, username: str = "anna", password: str = PASSWORD, **headers: str) -> requests.Response:
    return requests.post(
        api(base, "login"),
        data=json.dumps({"username": username, "password": password}),
        headers={**HEADERS, **headers},
        timeout=10,
    )


def cookie_of(reply: requests.Response) -> dict[str, str]:
    """The Set-Cookie header's parts: {"opastin_console": value, "Path": …, "HttpOnly": "", …}."""
    parts = [part.strip().split("=", 1) for part in reply.headers["Set-Cookie"].split(";")]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def with_cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"opastin_console={token}"}


# --------------------------------------------------------------------------- logging in


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(base: str) -> None:
    answers = [log_in(base, password="väärä-salasana-x") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[0].json() == {"ok": False, "error": "wrong username or password"}
    locked = log_in(base)
    assert locked.status_code == 429 and "Set-Cookie" not in locked.headers
    assert locked.json() == {"ok": False, "error": "too many failed logins: try again in 15 min"}
    assert 890 <= int(locked.headers["Retry-After"]) <= 900
    assert log_in(base, "sven").status_code == 200  # another name is not locked


def test_an_unknown_name_gets_the_same_answer_as_a_wrong_password(base: str) -> None:
    unknown, wrong = log_in(base, "nobody"), log_in(base, "anna", "väärä-salasana-x")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (401, wrong.json())


def test_the_session_cookie_is_httponly_strict_and_only_for_the_console(base: str) -> None:
    cookie = cookie_of(log_in(base))
    assert cookie["Path"] == "/webhooks/console" and cookie["SameSite"] == "Strict" and "HttpOnly" in cookie
    assert cookie["Max-Age"] == str(agents.SESSION_HOURS * 3600)
    assert "Secure" not in cookie  # plain http, and the forwarded headers of an untrusted client are ignored
    assert "Secure" not in cookie_of(log_in(base, **{"X-Forwarded-Proto": "https"}))


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure(proxied: str) -> None:
    cookie = cookie_of(log_in(proxied, **{"X-Forwarded-Proto": "https"}))
    assert "Secure" in cookie and "HttpOnly" in cookie and cookie["SameSite"] == "Strict"
    assert "Secure" not in cookie_of(log_in(proxied, **{"X-Forwarded-Proto": "http"}))


def test_the_trusted_proxys_client_address_is_counted_and_logged(store: HandoffStore, proxied: str) -> None:
    policy_limit = agents.ADDRESS_MAX_FAILURES
    for n in range(policy_limit):
        log_in(proxied, f"name{n}", "väärä-salasana-x", **{"X-Forwarded-For": "198.51.100.7"})
    assert log_in(proxied, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert log_in(proxied, **{"X-Forwarded-For": "203.0.113.1, 198.51.100.8"}).status_code == 200
    assert audit.entries(store)[-1].address == "198.51.100.8"  # the proxy's own entry, not what the client wrote


def test_an_untrusted_client_cannot_choose_its_address(store: HandoffStore, base: str) -> None:
    log_in(base, **{"X-Forwarded-For": "198.51.100.7"})
    assert audit.entries(store)[-1].address == "127.0.0.1"


# --------------------------------------------------------------------------- logging out


def test_logging_out_ends_the_session_on_the_server_and_expires_the_cookie(base: str) -> None:
    token = cookie_of(log_in(base))["opastin_console"]
    assert requests.get(api(base, "me"), headers=with_cookie(token), timeout=10).status_code == 200
    without_header = requests.post(api(base, "logout"), data="{}", headers=with_cookie(token), timeout=10)
    assert without_header.status_code == 400  # another site's page cannot log the agent out, nor in
    assert requests.get(api(base, "me"), headers=with_cookie(token), timeout=10).status_code == 200
    out = requests.post(api(base, "logout"), data="{}", headers={**HEADERS, **with_cookie(token)}, timeout=10)
    assert out.status_code == 200
    expired = cookie_of(out)
    assert expired["opastin_console"] in ("", '""') and expired["Max-Age"] == "0"
    assert expired["Path"] == "/webhooks/console"  # the cookie's own path: else the browser keeps it
    copy = requests.get(api(base, "me"), headers=with_cookie(token), timeout=10)  # a copy of the old cookie
    assert copy.status_code == 401


def test_a_disabled_agents_open_session_ends_at_once(store: HandoffStore, base: str) -> None:
    token = cookie_of(log_in(base))["opastin_console"]
    agents.set_active(store, "anna", False)
    assert requests.get(api(base, "queue"), headers=with_cookie(token), timeout=10).status_code == 401
    assert log_in(base).status_code == 401


# --------------------------------------------------------------------------- no copies of data


def test_every_api_answer_is_no_store_errors_included(store: HandoffStore, base: str) -> None:
    token = cookie_of(log_in(base))["opastin_console"]
    queued = store.enqueue(sender="s" * 16, county="paijat-hame", language="fi", max_queue=5, transcript=[])
    session = with_cookie(token)
    answers = {
        "login": log_in(base),
        "login 401": log_in(base, password="väärä-salasana-x"),
        "login 400": requests.post(api(base, "login"), data="{}", timeout=10),
        "me": requests.get(api(base, "me"), headers=session, timeout=10),
        "me 401": requests.get(api(base, "me"), timeout=10),
        "queue": requests.get(api(base, "queue"), headers=session, timeout=10),
        "conversation": requests.get(api(base, f"conversations/{queued.handoff_id}"), headers=session, timeout=10),
        "conversation 404": requests.get(api(base, "conversations/nothing"), headers=session, timeout=10),
        "verb 404": requests.post(
            api(base, f"conversations/{queued.handoff_id}/nothing"), data="{}", headers={**HEADERS, **session}
        ),
        "unknown path": requests.get(api(base, "no/such/thing"), headers=session, timeout=10),
        "logout": requests.post(api(base, "logout"), data="{}", headers={**HEADERS, **session}, timeout=10),
    }
    for _ in range(5):
        answers["login 429"] = log_in(base, "sven", "väärä-salasana-x")
    assert answers["login 429"].status_code == 429 and answers["unknown path"].status_code == 404
    assert answers["unknown path"].json() == {"ok": False, "error": "not found"}
    assert {name: a.headers.get("Cache-Control") for name, a in answers.items()} == dict.fromkeys(answers, "no-store")


# --------------------------------------------------------------------------- the audit log


def test_what_an_agent_opens_and_does_is_in_the_audit_log_without_the_persons_words(
    store: HandoffStore, base: str
) -> None:
    secret = "minun henkilötunnukseni on 010101-123N"
    queued = store.enqueue(
        sender="p" * 16,
        county="paijat-hame",
        language="fi",
        max_queue=5,
        transcript=[{"from": "person", "text": secret}],
    )
    callback = store.add_callback(
        sender="p" * 16, county="paijat-hame", phone="+358401234567", window="any", topic=secret, language="fi"
    )
    session = requests.Session()
    assert session.post(
        api(base, "login"), data=json.dumps({"username": "anna", "password": PASSWORD}), headers=HEADERS
    ).ok
    conversation = api(base, f"conversations/{queued.handoff_id}")

    def post(path: str, body: dict | None = None) -> int:
        return session.post(api(base, path), data=json.dumps(body or {}), headers=HEADERS, timeout=10).status_code

    assert session.get(api(base, "queue"), timeout=10).ok
    assert session.get(api(base, "queue"), timeout=10).ok  # the callback was seen already: logged once
    assert post(f"conversations/{queued.handoff_id}/take") == 200
    # the agent sees the stored transcript, redacted like everything kept
    assert session.get(conversation, timeout=10).json()["transcript"][0]["text"] == "minun henkilötunnukseni on [HETU]"
    assert post(f"conversations/{queued.handoff_id}/messages", {"text": "Hei, autan mielelläni."}) == 200
    assert post(f"conversations/{queued.handoff_id}/close") == 200
    assert post(f"conversations/{queued.handoff_id}/rating", {"rating": 4}) == 200
    assert post(f"callbacks/{callback}/done") == 200
    assert post(f"callbacks/{callback}/done") == 404  # nothing done: nothing logged
    assert post("logout") == 200
    logged = [(e.username, e.county, e.action, e.target) for e in audit.entries(store)][2:]  # after the two adds
    h, c = queued.handoff_id, callback
    assert logged == [
        ("anna", "paijat-hame", "login", None),
        ("anna", "paijat-hame", "view_callback", c),
        ("anna", "paijat-hame", "take", h),
        ("anna", "paijat-hame", "open_conversation", h),
        ("anna", "paijat-hame", "reply", h),
        ("anna", "paijat-hame", "close", h),
        ("anna", "paijat-hame", "rate", h),
        ("anna", "paijat-hame", "callback_done", c),
        ("anna", "paijat-hame", "logout", None),
    ]
    texts = " ".join(audit.line(entry) for entry in audit.entries(store))
    assert "010101" not in texts and "401234567" not in texts and "autan" not in texts


def test_another_countys_conversation_is_not_found_and_not_logged(store: HandoffStore, base: str) -> None:
    queued = store.enqueue(sender="q" * 16, county="paijat-hame", language="fi", max_queue=5, transcript=[])
    token = cookie_of(log_in(base, "sven"))["opastin_console"]
    conversation = api(base, f"conversations/{queued.handoff_id}")
    assert requests.get(conversation, headers=with_cookie(token), timeout=10).status_code == 404
    assert [e.action for e in audit.entries(store) if e.username == "sven"] == ["agent_added", "login"]


def test_the_proxy_is_trusted_only_when_the_settings_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPASTIN_TRUST_PROXY", raising=False)
    monkeypatch.setenv("OPASTIN_LOGIN_LOCK_MINUTES", "30")
    assert not ConsoleInput.from_credentials(None).trust_proxy
    assert not ConsoleInput.from_credentials({"trust_proxy": False}).trust_proxy
    assert ConsoleInput.from_credentials({"trust_proxy": True}).trust_proxy
    assert ConsoleInput.from_credentials(None).policy.lock.total_seconds() == 30 * 60
    monkeypatch.setenv("OPASTIN_TRUST_PROXY", "1")
    assert ConsoleInput.from_credentials({"trust_proxy": False}).trust_proxy


# --------------------------------------------------------------------------- the figures view


@pytest.fixture
def figures_base(store: HandoffStore, tmp_path: Path) -> Iterator[str]:
    """The console with a seeded, collected November in its reporting database (and hand-over store)."""
    from tests.report_month import seed_answers_and_feedback, seed_conversations, seed_handoffs
    from tests.test_report import Stores, collect_november

    stores = Stores(f"sqlite:///{tmp_path / 'tracker.db'}", store.url, f"sqlite:///{tmp_path / 'reporting.db'}")
    setup_databases.create_all(handoff=stores.handoff, reporting=stores.reporting, tracker=stores.tracker)
    seed_conversations(stores.tracker)
    seed_handoffs(store)
    seed_answers_and_feedback(stores.reporting)
    collect_november(stores)
    with serving(ConsoleInput(Hub(), store, policy=FAST, reporting=stores.reporting)) as url:
        yield url


def figures_of(base: str, username: str, query: str) -> requests.Response:
    token = cookie_of(log_in(base, username))["opastin_console"]
    return requests.get(api(base, f"figures?{query}"), headers=with_cookie(token), timeout=30)


def test_an_agent_sees_only_their_own_countys_figures_with_small_counts_hidden(figures_base: str) -> None:
    anna = figures_of(figures_base, "anna", "month=2026-11&lang=fi&county=vantaa-kerava")  # asking for another
    sven = figures_of(figures_base, "sven", "month=2026-11&lang=sv")

    assert anna.status_code == 200 and anna.headers["Cache-Control"] == "no-store"
    assert (anna.json()["county"], anna.json()["heading"]) == (
        "paijat-hame",
        "Päijät-Hämeen hyvinvointialue, marraskuu 2026",
    )
    assert anna.json()["key_figures"][0] == ["Yhteydenottoja", "30"]
    channels = next(table for table in anna.json()["tables"] if table["key"] == "by_channel")
    assert channels["rows"] == [["Verkkosivun chat", "21"], ["Telegram", "≥ 5"], ["Tekstiviesti", "< 5"]]
    assert sven.json()["county"] == "satakunta" and sven.json()["key_figures"][0] == ["Kontakter", "0"]


def test_the_figures_need_a_login_and_a_real_month(figures_base: str) -> None:
    assert requests.get(api(figures_base, "figures?month=2026-11"), timeout=10).status_code == 401
    bad = figures_of(figures_base, "anna", "month=marraskuu")
    assert (bad.status_code, bad.json()["error"]) == (400, "month must be like 2026-11, not 'marraskuu'")
