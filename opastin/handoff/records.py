"""What the live chat and the callbacks keep, and for how long.

A conversation's texts (the bot's transcript and the messages with the agent) are kept only while
it is open: closing it erases them and leaves the figures (waiting time, who handled it, the rating).
A callback's phone number and topic are erased when it is done or cancelled.

The console's security has tables of its own: failed logins, counted to slow down and lock out
guessing, and the audit log of what agents did.

`create_all` makes missing tables but never adds a column to an existing one: a column added later
must be nullable, and `make databases` adds it to an existing database (opastin/db.py
add_missing_columns). Added so: handoffs.client_key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

# Any: SQLAlchemy 1.4's declarative base is not typed without its mypy plugin.
HandoffBase: Any = declarative_base()

WAITING, ACTIVE, RETURNED, CLOSED = "waiting", "active", "returned", "closed"
OPEN_STATES = (WAITING, ACTIVE)


class Agent(HandoffBase):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False)
    display_name = Column(String(100), nullable=False)
    county = Column(String(32), nullable=False, index=True)
    password_hash = Column(String(300), nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class AgentSession(HandoffBase):
    __tablename__ = "agent_sessions"
    token_hash = Column(String(64), primary_key=True)  # sha256 of the cookie: a stolen database logs nobody in
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    expires = Column(DateTime, nullable=False)


class Handoff(HandoffBase):
    __tablename__ = "handoffs"
    id = Column(String(32), primary_key=True)
    sender = Column(String(64), nullable=False, index=True)  # the web chat's random conversation id
    # The client's key (a keyed hash of its address: opastin/channels/client_key.py) while waiting: one client
    # may hold only a few places in the queue. Erased when the hand-over stops waiting.
    client_key = Column(String(64), index=True)
    county = Column(String(32), nullable=False, index=True)
    language = Column(String(8), nullable=False)
    municipality = Column(String(100))
    role = Column(String(32))
    topic = Column(String(64))
    status = Column(String(16), nullable=False, default=WAITING, index=True)
    created = Column(DateTime, nullable=False)
    taken = Column(DateTime)
    ended = Column(DateTime)
    agent_id = Column(Integer, ForeignKey("agents.id"))
    urgent = Column(Boolean, nullable=False, default=False)  # the person wrote of an emergency while waiting
    transcript = Column(Text)  # JSON: the conversation with the bot before the hand-over; erased on close
    preparation_rating = Column(Integer)  # 1–5: how well the bot prepared it (staff experience)


class HandoffMessage(HandoffBase):
    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(String(32), ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(16), nullable=False)  # person | agent | system
    text = Column(Text, nullable=False)
    created = Column(DateTime, nullable=False)


class Callback(HandoffBase):
    __tablename__ = "callbacks"
    id = Column(String(32), primary_key=True)
    sender = Column(String(64), index=True)  # to let the person cancel it in the same conversation
    county = Column(String(32), nullable=False, index=True)
    phone = Column(String(20))  # +358…, erased when done or cancelled
    window = Column(String(16), nullable=False)  # morning | afternoon | any
    topic = Column(String(300))  # erased when done or cancelled
    language = Column(String(8), nullable=False)
    status = Column(String(16), nullable=False, default="waiting", index=True)  # waiting | done | cancelled
    created = Column(DateTime, nullable=False)
    ended = Column(DateTime)
    agent_id = Column(Integer, ForeignKey("agents.id"))


class HeldPhone(HandoffBase):
    """A callback's phone number between its question and the request: kept here, never in the conversation.

    The conversation is stored redacted, so a number in a slot would not survive to the next turn;
    and it should not be there at all. Released when the request is sent or stopped, purged after an hour.
    """

    __tablename__ = "held_phones"
    sender = Column(String(64), primary_key=True)
    phone = Column(String(20), nullable=False)
    created = Column(DateTime, nullable=False)


class LoginFailure(HandoffBase):
    """One failed (or not yet checked) login, per username ("user:…") and per client address ("address:…").

    An attempt is written here before its password is checked, so that attempts running at the same
    moment (in other processes too) count each other; a right password deletes its username's rows.
    """

    __tablename__ = "login_failures"
    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, index=True)
    created = Column(DateTime, nullable=False, index=True)


class AuditEntry(HandoffBase):
    """Who did what in the console, and to which conversation or callback: never a person's text."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime, nullable=False, index=True)  # UTC
    agent_id = Column(Integer, index=True)  # no foreign key: the log outlives what it names
    username = Column(String(64))  # None for a failed login with a name that is no agent's
    county = Column(String(32), index=True)
    action = Column(String(32), nullable=False)
    target = Column(String(64), index=True)  # the conversation's or callback's id
    address = Column(String(64))  # the client's address (logins)


class DeliveryRoute(HandoffBase):
    """Where an agent's reply goes for a conversation in a channel that answers through an outside API.

    A Telegram or SMS conversation's id is a keyed hash (opastin/channels/pseudonyms.py), so the channel
    cannot reply with it alone: while a hand-over is open, this row holds the chat id or phone number.
    Written when the hand-over opens, erased when it ends (or by `make purge` / `erase`); the web chat
    needs none (its agent replies go through its push stream).
    """

    __tablename__ = "delivery_routes"
    sender = Column(String(64), primary_key=True)
    channel = Column(String(16), nullable=False)  # telegram | sms
    address = Column(String(64), nullable=False)  # the Telegram chat id or the phone number (+358…)
    created = Column(DateTime, nullable=False)
