"""Day-level aggregates in the reporting database (REPORTING_URL): counts per day and dimension, no conversation.

A row holds no conversation id and no time of day. The only text is a not-understood message (already
redacted in the tracker store, and redacted again), kept for clustering as long as feedback comments
(opastin/data/retention.yml: feedback_comment_days), then erased by `make purge`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String, Text

from opastin.figures import ReportBase

UNKNOWN = "unknown"  # the person did not say (role), or the conversation never named it (municipality)


class DailyContacts(ReportBase):
    """Contacts (a conversation with messages that day), their messages and the not-understood ones."""

    __tablename__ = "daily_contacts"
    day = Column(Date, primary_key=True)  # in Finnish time
    county = Column(String(32), primary_key=True)
    channel = Column(String(16), primary_key=True)  # webchat | telegram | sms | rest | …
    language = Column(String(8), primary_key=True)
    municipality_code = Column(String(8), primary_key=True)  # "unknown" when not named
    role = Column(String(16), primary_key=True)  # self | relative | professional | unknown
    topic = Column(String(32), primary_key=True)  # opastin/data/topic_groups.yml
    outcome = Column(String(16), primary_key=True)  # bot | person | callback
    contacts = Column(Integer, nullable=False)
    messages = Column(Integer, nullable=False)
    not_understood = Column(Integer, nullable=False)


class UnansweredMessage(ReportBase):
    """A message the bot did not understand, redacted, for the county's development work (clustered, ≥ 5)."""

    __tablename__ = "unanswered_messages"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    county = Column(String(32), nullable=False, index=True)
    language = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)


class CollectedDay(ReportBase):
    """That a day was collected, and whether after its end (complete) or while it was still going on."""

    __tablename__ = "collected_days"
    day = Column(Date, primary_key=True)
    collected = Column(DateTime, nullable=False)  # UTC
    complete = Column(Boolean, nullable=False)
