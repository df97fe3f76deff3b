"""The engines both servers share: an SQL error never shows a person's words, SQLite erases for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from opastin.db import engine_for


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
