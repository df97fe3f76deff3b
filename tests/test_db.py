"""The engines both servers share: an SQL error never shows a person's words, SQLite erases for real,
and a PostgreSQL restart is ridden over."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from opastin.db import engine_for, make_engine
from tests.private_services import private_postgres


def test_an_sql_error_names_the_statement_but_not_the_values(tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
        connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": "soita 040 123 4567"})
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": "soita 040 123 4567"})
    assert "INSERT INTO notes" in str(raised.value)
    assert "040 123 4567" not in str(raised.value)


def test_sqlite_overwrites_what_it_deletes(tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'y.db'}")
    with engine.begin() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
        connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": "salainen-asia-" * 50})
        connection.execute(text("DELETE FROM notes"))
    engine.dispose()
    assert b"salainen-asia-" not in (tmp_path / "y.db").read_bytes()


def test_a_restarting_postgresql_is_waited_for_and_a_long_outage_is_not() -> None:
    with private_postgres() as postgres:
        engine = make_engine(f"{postgres.url}/postgres", reconnect_wait=3)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        postgres.stop()  # every pooled connection is cut, and no new one is taken for a second
        back = threading.Timer(1, postgres.start)
        back.start()
        started = time.monotonic()
        try:
            with engine.connect() as connection:  # the pool's dead connection is replaced, after waiting
                assert connection.execute(text("SELECT 2")).scalar() == 2
            assert 0.5 < time.monotonic() - started < 3
        finally:
            back.join()
        postgres.stop()
        started = time.monotonic()
        with pytest.raises(OperationalError), engine.connect():
            pass
        assert 3 <= time.monotonic() - started < 6  # longer than the wait: the request fails, it does not hang
        engine.dispose()


def test_a_server_never_reached_fails_at_once() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", reconnect_wait=5)  # a wrong address
    started = time.monotonic()
    with pytest.raises(OperationalError), engine.connect():
        pass
    assert time.monotonic() - started < 2
