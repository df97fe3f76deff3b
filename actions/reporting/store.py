"""Where the anonymous figures live: REPORTING_URL, by default a SQLite file beside the directory."""
from __future__ import annotations

import os
from datetime import date
from typing import Mapping, Optional

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from actions.directory.db import PROJECT_ROOT, engine_for
from actions.reporting.models import UNKNOWN_MUNICIPALITY, Feedback, ReportBase, WellbeingAnswerCount

DEFAULT_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'reporting.db'}"


def reporting_url() -> str:
    return os.environ.get("REPORTING_URL") or DEFAULT_URL


def _engine(url: Optional[str]) -> Engine:
    engine = engine_for(url or reporting_url())
    ReportBase.metadata.create_all(engine)
    return engine


def record_wellbeing_answers(answers: Mapping[str, str], municipality_code: Optional[str], day: date,
                             url: Optional[str] = None) -> None:
    """Adds one to theme × answer × municipality × month for each answered theme, atomically."""
    if not answers:
        return
    engine = _engine(url)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    rows = [{"month": f"{day:%Y-%m}", "municipality_code": municipality_code or UNKNOWN_MUNICIPALITY,
             "theme": theme, "answer": answer, "count": 1} for theme, answer in sorted(answers.items())]
    statement = insert(WellbeingAnswerCount).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["month", "municipality_code", "theme", "answer"],
        set_={"count": WellbeingAnswerCount.count + 1},
    )
    with engine.begin() as connection:
        connection.execute(statement)


def wellbeing_counts(month: str, url: Optional[str] = None) -> dict[tuple[str, str, str], int]:
    """(municipality, theme, answer) → count for a month, for the county's monthly report."""
    engine = _engine(url)
    query = select(WellbeingAnswerCount).where(WellbeingAnswerCount.month == month)
    with engine.connect() as connection:
        return {(r.municipality_code, r.theme, r.answer): r.count for r in connection.execute(query)}


def record_feedback(rating: int, comment: Optional[str], language: Optional[str], day: Optional[date] = None,
                    channel: str = "webchat", url: Optional[str] = None) -> None:
    engine = _engine(url)
    with engine.begin() as connection:
        connection.execute(Feedback.__table__.insert().values(
            day=day or date.today(), channel=channel, language=language, rating=rating, comment=comment))


def feedback_rows(url: Optional[str] = None) -> list[dict]:
    """All feedback, newest first, for the county's report."""
    engine = _engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Feedback).order_by(Feedback.id.desc()))
        return [dict(row._mapping) for row in rows]
