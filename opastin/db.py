"""Database engines shared by both servers: one pooled engine per URL, SQLite files under var/ by default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VAR = PROJECT_ROOT / "var"


def default_sqlite_url(name: str) -> str:
    """The embedded default: a SQLite file in var/, so a fresh clone runs without a database server."""
    return f"sqlite:///{VAR / name}"


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets foreign keys, secure deletion and its folder created.

    hide_parameters: an SQL error names the statement, never the values (a person's words) bound to it.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, hide_parameters=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Erased rows are overwritten with zeros, not left readable in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """One engine (and so one connection pool) per database for the whole process."""
    return make_engine(url)
