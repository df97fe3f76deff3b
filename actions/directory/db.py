"""Where the directory lives: SQLite by default, PostgreSQL when DIRECTORY_URL says so."""

from __future__ import annotations

import os

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.directory.schema import Base
from opastin.db import default_sqlite_url, engine_for

DEFAULT_URL = default_sqlite_url("directory.db")


def directory_url() -> str:
    return os.environ.get("DIRECTORY_URL") or DEFAULT_URL


def session_factory(url: str | None = None) -> sessionmaker:
    return sessionmaker(bind=engine_for(url or directory_url()), future=True, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def open_session(url: str | None = None) -> Session:
    return session_factory(url)()
