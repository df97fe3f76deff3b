"""Database engines shared by both servers: one pooled engine per URL, SQLite files under var/ by default."""

from __future__ import annotations

import logging
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VAR = PROJECT_ROOT / "var"
# How long a new connection waits for a database server that answered before (a restart, a fail-over)
# before the request fails: a restart takes a second or a few, and a person's message should ride over it.
RECONNECT_WAIT_SECONDS = 10.0


def default_sqlite_url(name: str) -> str:
    """The embedded default: a SQLite file in var/, so a fresh clone runs without a database server."""
    return f"sqlite:///{VAR / name}"


def make_engine(url: str, reconnect_wait: float = RECONNECT_WAIT_SECONDS) -> Engine:
    """An engine for the URL; SQLite gets foreign keys, secure deletion and its folder created.

    hide_parameters: an SQL error names the statement, never the values (a person's words) bound to it.
    A server database (PostgreSQL) survives its restart: pool_pre_ping replaces the pool's connections
    the restart cut, and a new connection waits up to `reconnect_wait` seconds for a server that answered
    before (one never reached fails at once: a wrong address should not make every request wait).
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, hide_parameters=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=5)
    _wait_for_a_restarting_server(engine, reconnect_wait)
    return engine


def _wait_for_a_restarting_server(engine: Engine, seconds: float) -> None:
    reached = False

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        nonlocal reached
        deadline, waiting = time.monotonic() + seconds, False
        while True:
            try:
                connection = dialect.connect(*cargs, **cparams)
            except dialect.dbapi.OperationalError:
                if not reached or time.monotonic() >= deadline:
                    raise
                if not waiting:
                    log.warning("the database server does not answer (restarting?): waiting up to %.0f s", seconds)
                    waiting = True
                time.sleep(0.25)
                continue
            reached = True
            return connection


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


def add_missing_columns(engine: Engine, metadata: MetaData) -> list[str]:
    """Adds the columns a model gained after its table was made, with their indexes; returns "table.column"s.

    `create_all` makes missing tables but leaves an existing table as it is, so an upgraded server would
    meet a table without the new column. Only a nullable column without constraints can be added this
    way (the rows already there get NULL); anything else stops the setup with its name.
    """
    inspector = inspect(engine)
    quote = engine.dialect.identifier_preparer.quote
    added: list[str] = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable or column.primary_key or column.foreign_keys:
                raise RuntimeError(f"{table.name}.{column.name} cannot be added to an existing table: add it by hand")
            kind = column.type.compile(dialect=engine.dialect)
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))
                for index in table.indexes:
                    if column.name in index.columns:
                        index.create(connection, checkfirst=True)
            added.append(f"{table.name}.{column.name}")
    return added
