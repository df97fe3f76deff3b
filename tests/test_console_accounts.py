"""Staff accounts without a server: failed logins slow down and lock out (per name and per address),
unknown names cost the same scrypt work, disabling and new passwords end sessions, and the audit log.

Times are given to log_in (`now`), never waited for: no test depends on the wall clock."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from opastin.db import engine_for
from opastin.handoff import agents, audit
from opastin.handoff.queue import HandoffStore, utc_now
from opastin.handoff.records import AuditEntry, HandoffBase, LoginFailure
from tests.conftest import new_handoff_store

PASSWORD = "oikein-pitkä-salasana"
WRONG = "väärä-salasana-tämä"


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    store = new_handoff_store(tmp_path)
    agents.add_agent(store, "anna", PASSWORD, "paijat-hame", "Anna")
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HandoffStore]:
    """The store on SQLite and on PostgreSQL, where transactions really run side by side."""
    if request.param == "sqlite":
        store = new_handoff_store(tmp_path)
    else:
        store = HandoffStore(request.getfixturevalue("postgres_url"))
        store.create_schema()
    agents.add_agent(store, "anna", PASSWORD, "paijat-hame", "Anna")
    yield store
    if request.param == "postgresql":
        HandoffBase.metadata.drop_all(engine_for(store.url))


def salt_of(stored: str) -> bytes:
    return base64.b64decode(stored.split("$")[4])


def stored_hash(store: HandoffStore, username: str) -> str:
    return next(a.password_hash for a in agents.all_agents(store) if a.username == username)


# --------------------------------------------------------------------------- throttling and lock-out


def test_each_failure_waits_longer_and_the_fifth_locks_the_name_for_15_minutes(shared) -> None:
    store, start = shared, utc_now()
    results = [agents.log_in(store, "anna", WRONG, "10.0.0.1", now=start + timedelta(minutes=n)) for n in range(5)]
    assert [r.delay for r in results[:4]] == [0.5, 1.0, 2.0, 4.0]
    assert [r.failures for r in results] == [1, 2, 3, 4, 5]
    assert [r.locked_for for r in results] == [0, 0, 0, 0, 15 * 60]  # counted from the fifth failure
    locked = agents.log_in(store, "anna", PASSWORD, "10.0.0.2", now=start + timedelta(minutes=10))
    assert not locked.ok and locked.locked_for == 9 * 60  # the right password does not help while locked
    later = agents.log_in(store, "anna", PASSWORD, "10.0.0.2", now=start + timedelta(minutes=19, seconds=1))
    assert later.ok


def test_the_delay_is_capped_at_a_few_seconds() -> None:
    policy = agents.LoginPolicy()
    assert [policy.delay(n) for n in (0, 1, 2, 3, 4, 5, 19)] == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_right_password_clears_the_count(store) -> None:
    for _ in range(4):
        agents.log_in(store, "anna", WRONG)
    assert agents.log_in(store, "anna", PASSWORD).ok
    assert [agents.log_in(store, "anna", WRONG).failures for _ in range(4)] == [1, 2, 3, 4]


def test_failures_spread_over_more_than_the_window_do_not_lock(store) -> None:
    start = utc_now()
    for n in range(4):
        agents.log_in(store, "anna", WRONG, now=start + timedelta(minutes=n))
    fifth = agents.log_in(store, "anna", WRONG, now=start + timedelta(minutes=15, seconds=30))
    assert fifth.locked_for == 0 and fifth.failures == 4  # the first one is more than 15 minutes old


def test_an_unknown_name_is_counted_and_locked_the_same_way(store) -> None:
    known = [agents.log_in(store, "anna", WRONG) for _ in range(6)]
    unknown = [agents.log_in(store, "anni", WRONG) for _ in range(6)]
    assert unknown == known  # delays, counts and the lock-out tell nothing about which name exists


def test_one_address_trying_many_names_is_locked_out(store) -> None:
    policy = agents.LoginPolicy(address_max_failures=3)
    results = [agents.log_in(store, f"name{n}", WRONG, "10.9.9.9", policy) for n in range(3)]
    assert [r.locked_for for r in results] == [0, 0, 15 * 60]
    assert agents.log_in(store, "anna", PASSWORD, "10.9.9.9", policy).locked_for == 15 * 60
    assert agents.log_in(store, "anna", PASSWORD, "10.1.1.1", policy).ok  # another address is not


def test_attempts_at_the_same_moment_get_no_more_tries_than_one_by_one(shared, monkeypatch) -> None:
    store = shared
    anna = salt_of(stored_hash(store, "anna"))
    checked: list[bytes] = []
    real_scrypt = hashlib.scrypt

    def scrypt(password: bytes, **kwargs) -> bytes:
        if kwargs["salt"] == anna:
            checked.append(password)
        return real_scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda n: agents.log_in(store, "anna", f"{WRONG}{n}"), range(12)))
    assert not any(r.ok for r in results)
    assert 1 <= len(checked) <= agents.MAX_FAILURES  # the others were refused before their password was checked
    assert agents.log_in(store, "anna", PASSWORD).locked_for > 0


def test_the_settings_can_come_from_the_environment() -> None:
    policy = agents.LoginPolicy.from_env({"OPASTIN_LOGIN_MAX_FAILURES": "3", "OPASTIN_LOGIN_LOCK_MINUTES": "30"})
    assert policy.max_failures == 3 and policy.lock == timedelta(minutes=30)
    assert policy.window == timedelta(minutes=15) and policy.address_max_failures == 20
    with pytest.raises(ValueError, match="OPASTIN_LOGIN_MAX_FAILURES"):
        agents.LoginPolicy.from_env({"OPASTIN_LOGIN_MAX_FAILURES": "zero"})


def test_old_failures_are_cleaned_away(store) -> None:
    agents.log_in(store, "anni", WRONG, now=datetime(2020, 1, 1))
    agents.log_in(store, "anna", WRONG)
    with store.session() as session:
        assert list(session.scalars(select(LoginFailure.key))) == ["user:anna"]


# --------------------------------------------------------------------------- equal work for unknown names


@pytest.mark.parametrize("username", ["anni", "disabled"])
def test_an_unknown_or_disabled_name_costs_the_same_scrypt_work(store, monkeypatch, username: str) -> None:
    agents.add_agent(store, "disabled", PASSWORD, "paijat-hame", "Disabled")
    agents.set_active(store, "disabled", False)
    dummy = agents.dummy_hash()
    calls: list[dict] = []
    real_scrypt = hashlib.scrypt

    def scrypt(password: bytes, **kwargs) -> bytes:
        calls.append(kwargs)
        return real_scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    known = agents.log_in(store, "anna", WRONG)
    other = agents.log_in(store, username, PASSWORD)  # even the right password of a disabled agent
    assert [call["salt"] for call in calls] == [salt_of(stored_hash(store, "anna")), salt_of(dummy)]
    assert calls[0] | {"salt": b""} == calls[1] | {"salt": b""} == {**agents.SCRYPT, "salt": b""}
    assert known == other and not other.ok


def test_the_dummy_hash_is_made_once() -> None:
    assert agents.dummy_hash() is agents.dummy_hash() and agents.dummy_hash().startswith("scrypt$16384$8$1$")


# --------------------------------------------------------------------------- administration


def test_disabling_ends_the_sessions_and_refuses_logins(store) -> None:
    token = agents.log_in(store, "anna", PASSWORD).token
    agents.set_active(store, "anna", False)
    assert agents.agent_for(store, token) is None
    assert not agents.log_in(store, "anna", PASSWORD).ok
    agents.set_active(store, "anna", True)
    assert agents.agent_for(store, token) is None  # enabling again does not bring old sessions back
    assert agents.log_in(store, "anna", PASSWORD).ok


def test_a_new_password_ends_the_sessions_and_lifts_a_lock_out(store) -> None:
    token = agents.log_in(store, "anna", PASSWORD).token
    for _ in range(5):
        agents.log_in(store, "anna", WRONG)
    with pytest.raises(ValueError, match="12"):
        agents.reset_password(store, "anna", "lyhyt")
    agents.reset_password(store, "anna", "uusi-pitkä-salasana")
    assert agents.agent_for(store, token) is None
    assert not agents.log_in(store, "anna", PASSWORD).ok
    assert agents.log_in(store, "anna", "uusi-pitkä-salasana").ok
    with pytest.raises(LookupError, match="nobody"):
        agents.reset_password(store, "nobody", "uusi-pitkä-salasana")


def test_unlock_lifts_a_lock_out(store) -> None:
    for _ in range(5):
        agents.log_in(store, "anna", WRONG)
    assert agents.log_in(store, "anna", PASSWORD).locked_for > 0
    agents.unlock(store, "anna")
    assert agents.log_in(store, "anna", PASSWORD).ok


def test_logging_out_deletes_the_session_on_the_server(store) -> None:
    token = agents.log_in(store, "anna", PASSWORD).token
    assert agents.log_out(store, token).username == "anna"
    assert agents.agent_for(store, token) is None and agents.log_out(store, token) is None


def answers(store: HandoffStore, *argv: str, passwords: tuple[str, ...] = ()) -> int:
    given = iter(passwords)
    return agents.main(list(argv), store=store, ask_password=lambda prompt: next(given))


def test_the_command_line_manages_agents(store, capsys) -> None:
    assert answers(store, "add", "bea", "--county", "satakunta", "--name", "Bea", passwords=(PASSWORD, PASSWORD)) == 0
    assert answers(store, "add", "bea", "--county", "satakunta", "--name", "Bea", passwords=(PASSWORD, PASSWORD)) == 1
    assert "already" in capsys.readouterr().err
    assert answers(store, "add", "cid", "--county", "satakunta", "--name", "C", passwords=(PASSWORD, WRONG)) == 1
    assert "differ" in capsys.readouterr().err
    token = agents.log_in(store, "bea", PASSWORD).token
    assert answers(store, "disable", "bea") == 0 and agents.agent_for(store, token) is None
    assert not agents.log_in(store, "bea", PASSWORD).ok
    assert answers(store, "list", "--county", "satakunta") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "bea\tsatakunta\tdisabled\tBea"
    assert answers(store, "enable", "bea") == 0 and agents.log_in(store, "bea", PASSWORD).ok
    assert answers(store, "reset-password", "bea", passwords=("lyhyt", "lyhyt")) == 1
    assert "12" in capsys.readouterr().err
    assert answers(store, "reset-password", "bea", passwords=("uusi-pitkä-salasana",) * 2) == 0
    assert agents.log_in(store, "bea", "uusi-pitkä-salasana").ok
    assert answers(store, "disable", "nobody") == 1 and "nobody" in capsys.readouterr().err


# --------------------------------------------------------------------------- the audit log


def test_logins_and_administration_are_in_the_audit_log_without_passwords(store, capsys) -> None:
    agents.log_in(store, "anna", WRONG, "10.0.0.1")
    agents.log_in(store, "anni", WRONG, "10.0.0.1")
    token = agents.log_in(store, "anna", PASSWORD, "10.0.0.1").token
    agents.log_out(store, token, "10.0.0.1")
    agents.set_active(store, "anna", False)
    entries = audit.entries(store)
    assert [(e.username, e.action) for e in entries] == [
        ("anna", "agent_added"),
        ("anna", "login_failed"),
        (None, "login_failed"),  # a name that is no agent's is not written down: it may be a password
        ("anna", "login"),
        ("anna", "logout"),
        ("anna", "agent_disabled"),
    ]
    with store.session() as session:
        rows = [tuple(vars(row).values()) for row in session.scalars(select(AuditEntry))]
    assert not any(WRONG in str(v) or PASSWORD in str(v) or "anni" in str(v) for row in rows for v in row)
    assert answers(store, "audit", "--county", "paijat-hame", "--agent", "anna") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and lines[2].split("\t")[1:] == ["paijat-hame", "anna", "login", "–", "10.0.0.1"]


def test_the_audit_log_can_start_from_a_date(store, capsys) -> None:
    assert answers(store, "audit", "--since", "2999-01-01") == 0
    assert capsys.readouterr().out == ""
    assert answers(store, "audit", "--since", "2000-01-01T00:00+02:00") == 0
    assert "agent_added" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        answers(store, "audit", "--since", "eilen")
