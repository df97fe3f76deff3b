"""Counts only: no conversation id, no text, no time finer than the month."""
from __future__ import annotations

from sqlalchemy import Column, Integer, String
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
