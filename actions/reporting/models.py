"""No conversation id and no time of day anywhere: counts, and feedback comments without identifiers."""
from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Text
from sqlalchemy.orm import declarative_base

ReportBase = declarative_base()
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
    """A rating of a conversation, from the web chat's end; the comment is scrubbed of identifiers."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    channel = Column(String(16), nullable=False, default="webchat")
    language = Column(String(8))
    rating = Column(Integer, nullable=False)  # 1 helpful, -1 not helpful
    comment = Column(Text)
