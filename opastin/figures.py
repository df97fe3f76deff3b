"""Anonymous figures the county follows: counts and redacted feedback, nothing traceable to a person.

No conversation id and no time of day anywhere. They live at REPORTING_URL (SQLite under var/ by default).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Column, Date, Integer, String, Text, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

from opastin.db import default_sqlite_url, engine_for
from opastin.redaction import redact

# Any: SQLAlchemy 1.4's declarative base is not typed without its mypy plugin.
ReportBase: Any = declarative_base()
UNKNOWN_MUNICIPALITY = "000"  # not a municipality code; the person did not say


class WellbeingAnswerCount(ReportBase):
    """How many completed questionnaires gave an answer to a theme, per municipality and month."""

    __tablename__ = "wellbeing_answer_counts"
    month = Column(String(7), primary_key=True)  # "2026-12"
    municipality_code = Column(String(3), primary_key=True)
    theme = Column(String(64), primary_key=True)
    answer = Column(String(16), primary_key=True)  # regularly | sometimes | not_now | skip
    count = Column(Integer, nullable=False, default=0)


class Feedback(ReportBase):
    """A rating of a conversation, from the web chat's end; its comment is redacted (opastin/redaction.py)."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    channel = Column(String(16), nullable=False, default="webchat")
    language = Column(String(8))
    rating = Column(Integer, nullable=False)  # 1 helpful, -1 not helpful
    comment = Column(Text)


DEFAULT_URL = default_sqlite_url("reporting.db")


def reporting_url() -> str:
    return os.environ.get("REPORTING_URL") or DEFAULT_URL


def _engine(url: str | None) -> Engine:
    return engine_for(url or reporting_url())


def create_schema(url: str | None = None) -> None:
    """Creates the tables (a setup step: `make databases`, tests' fixtures), never on a request's path."""
    import opastin.report.aggregates  # noqa: F401  (its day-level tables share this database)

    ReportBase.metadata.create_all(_engine(url))


def record_wellbeing_answers(
    answers: Mapping[str, str], municipality_code: str | None, day: date, url: str | None = None
) -> None:
    """Adds one to theme × answer × municipality × month for each answered theme, atomically."""
    if not answers:
        return
    engine = _engine(url)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    rows = [
        {
            "month": f"{day:%Y-%m}",
            "municipality_code": municipality_code or UNKNOWN_MUNICIPALITY,
            "theme": theme,
            "answer": answer,
            "count": 1,
        }
        for theme, answer in sorted(answers.items())
    ]
    statement = insert(WellbeingAnswerCount).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["month", "municipality_code", "theme", "answer"],
        set_={"count": WellbeingAnswerCount.count + 1},
    )
    with engine.begin() as connection:
        connection.execute(statement)


def wellbeing_counts(month: str, url: str | None = None) -> dict[tuple[str, str, str], int]:
    """(municipality, theme, answer) → count for a month, for the county's monthly report."""
    engine = _engine(url)
    query = select(WellbeingAnswerCount).where(WellbeingAnswerCount.month == month)
    with engine.connect() as connection:
        return {(r.municipality_code, r.theme, r.answer): r.count for r in connection.execute(query)}


def record_feedback(
    rating: int,
    comment: str | None,
    language: str | None,
    day: date | None = None,
    channel: str = "webchat",
    url: str | None = None,
) -> None:
    """Stores a rating; its comment with identity codes, phone numbers, e-mail addresses and IBANs replaced."""
    engine = _engine(url)
    with engine.begin() as connection:
        connection.execute(
            Feedback.__table__.insert().values(
                day=day or date.today(),
                channel=channel,
                language=language,
                rating=rating,
                comment=redact(comment) if comment else comment,
            )
        )


def feedback_rows(url: str | None = None) -> list[dict]:
    """All feedback, newest first, for the county's report."""
    engine = _engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Feedback).order_by(Feedback.id.desc()))
        return [dict(row._mapping) for row in rows]
