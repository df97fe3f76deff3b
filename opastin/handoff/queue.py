"""The live-chat queue, its messages and the callback requests, in SQL (HANDOFF_URL; SQLite by default).

Both servers use it: the action server queues a conversation or stores a callback, the Rasa
server's channels hold a queued conversation away from the bot and serve the staff console.

What a person or an agent wrote is redacted (opastin/redaction.py) before it is stored: the
transcript, every message and a callback's topic. A callback's phone number is kept as given: staff
need it to call back, and it is erased when the request is done or cancelled.
"""

from __future__ import annotations

import json
import os
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from opastin.db import add_missing_columns, default_sqlite_url, engine_for
from opastin.handoff.records import (
    ACTIVE,
    CLOSED,
    OPEN_STATES,
    RETURNED,
    WAITING,
    Agent,
    Callback,
    Handoff,
    HandoffBase,
    HandoffMessage,
    HeldPhone,
)
from opastin.lifetimes import lifetimes
from opastin.redaction import redact, redact_strings

DEFAULT_URL = default_sqlite_url("handoff.db")
CLIENT_METADATA = "client_key"  # the message metadata in which a channel names the client (channels/client_key.py)
MAX_PER_CLIENT = 2  # waiting hand-overs one client may hold in a county, unless the county sets max_per_client
EXPIRY_EVERY = timedelta(minutes=1)  # the check runs on busy paths (every web chat message): not more often


def handoff_url() -> str:
    return os.environ.get("HANDOFF_URL") or DEFAULT_URL


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class QueueFull(RuntimeError):
    """The county's queue already holds max_queue waiting people."""


class ClientQueueFull(QueueFull):
    """The client (one address, any number of conversations) already has max_per_client people waiting in
    the county: one browser or script cannot fill the queue that residents need."""


@dataclass(frozen=True)
class Queued:
    handoff_id: str
    position: int


class HandoffStore:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or handoff_url()
        self._engine = engine_for(self.url)
        self._sessions = sessionmaker(bind=self._engine, future=True, expire_on_commit=False)
        self._expired_at: datetime | None = None

    def create_schema(self) -> None:
        """Creates the tables, and the columns added since a table was made (a setup step: `make databases`,
        tests' fixtures), never on a request's path."""
        HandoffBase.metadata.create_all(self._engine)
        add_missing_columns(self._engine, HandoffBase.metadata)

    def session(self) -> Session:
        return self._sessions()

    # ------------------------------------------------------------------ the queue

    def expire_waiting(self, now: datetime | None = None) -> int:
        """Closes (and erases) conversations that waited past their lifetime without an agent (the chat session
        ends after an hour): they no longer hold a place in the queue, and the bot answers them again."""
        checked = utc_now()
        if now is None and self._expired_at is not None and checked - self._expired_at < EXPIRY_EVERY:
            return 0
        self._expired_at = checked
        return self.close_stale(waiting_before=(now or checked) - lifetimes().waiting_handoff)

    def close_stale(
        self, *, waiting_before: datetime, active_before: datetime | None = None, now: datetime | None = None
    ) -> int:
        """Closes hand-overs waiting since before `waiting_before` (or held by an agent since before
        `active_before`) and erases their texts; returns how many."""
        stale = (Handoff.status == WAITING) & (Handoff.created < waiting_before)
        if active_before is not None:
            stale = stale | (Handoff.status == ACTIVE) & (Handoff.created < active_before)
        with self.session() as session, session.begin():
            ids = list(session.scalars(select(Handoff.id).where(stale)))
            if ids:
                session.execute(
                    update(Handoff)
                    .where(Handoff.id.in_(ids))
                    .values(status=CLOSED, ended=now or utc_now(), transcript=None, client_key=None)
                )
                session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids)))
            return len(ids)

    def leave_queue(self, handoff_id: str) -> bool:
        """The person no longer waits ("peru"): the place is freed and the texts erased."""
        with self.session() as session, session.begin():
            left = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == WAITING)
                .values(status=CLOSED, ended=utc_now(), transcript=None, client_key=None)
            )
            session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id))
            return left.rowcount == 1

    def enqueue(
        self,
        *,
        sender: str,
        county: str,
        language: str,
        max_queue: int,
        transcript: list[dict[str, str]],
        municipality: str | None = None,
        role: str | None = None,
        topic: str | None = None,
        client: str | None = None,
        max_per_client: int = MAX_PER_CLIENT,
    ) -> Queued:
        """Puts the conversation in the county's queue (once: asking again keeps its place); the transcript
        is stored redacted.

        `client` is the key of the client the conversation comes from (the web chat's, from its address,
        never the address itself); with None the conversation is its own client, and one conversation holds
        one place anyway. QueueFull when the county's queue is full, ClientQueueFull when this client
        already has max_per_client people waiting.
        """
        self.expire_waiting()
        with self.session() as session, session.begin():
            self._one_at_a_time(session, county)
            existing = session.scalar(select(Handoff).where(Handoff.sender == sender, Handoff.status.in_(OPEN_STATES)))
            if existing is not None:
                return Queued(existing.id, self._position(session, existing))
            waiting = session.scalar(
                select(func.count()).select_from(Handoff).where(Handoff.county == county, Handoff.status == WAITING)
            )
            if waiting >= max_queue:
                raise QueueFull(county)
            if client is not None and self._waiting_for_client(session, county, client) >= max_per_client:
                raise ClientQueueFull(county)
            handoff = Handoff(
                id=uuid.uuid4().hex,
                sender=sender,
                client_key=client,
                county=county,
                language=language,
                municipality=municipality,
                role=role,
                topic=topic,
                status=WAITING,
                created=utc_now(),
                transcript=json.dumps(redact_strings(transcript), ensure_ascii=False),
            )
            session.add(handoff)
            session.flush()
            return Queued(handoff.id, waiting + 1)

    @staticmethod
    def _one_at_a_time(session: Session, county: str) -> None:
        """On PostgreSQL, holds the county's queue until the transaction ends, so that conversations
        queued at the same moment (by several servers, or a script opening many at once) are counted one
        after the other and no limit is passed. On SQLite (one action server) a second writer that counted
        before the first wrote is refused ("database is locked"), never let past a limit."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(f"queue:{county}".encode())})

    @staticmethod
    def _waiting_for_client(session: Session, county: str, client: str) -> int:
        return session.scalar(
            select(func.count())
            .select_from(Handoff)
            .where(Handoff.county == county, Handoff.status == WAITING, Handoff.client_key == client)
        )

    @staticmethod
    def _position(session: Session, handoff: Handoff) -> int:
        if handoff.status != WAITING:
            return 0
        ahead = session.scalar(
            select(func.count())
            .select_from(Handoff)
            .where(Handoff.county == handoff.county, Handoff.status == WAITING, Handoff.created < handoff.created)
        )
        return ahead + 1

    def open_for_sender(self, sender: str) -> Handoff | None:
        """The conversation's hand-over while it is waiting or with an agent: then the bot stays quiet."""
        self.expire_waiting()
        with self.session() as session:
            return session.scalar(select(Handoff).where(Handoff.sender == sender, Handoff.status.in_(OPEN_STATES)))

    def get(self, handoff_id: str) -> Handoff | None:
        with self.session() as session:
            return session.get(Handoff, handoff_id)

    def queue(self, county: str) -> list[Handoff]:
        """Open conversations of the county: waiting ones first in arrival order, then those being handled."""
        self.expire_waiting()
        with self.session() as session:
            rows = session.scalars(
                select(Handoff)
                .where(Handoff.county == county, Handoff.status.in_(OPEN_STATES))
                .order_by(Handoff.status.desc(), Handoff.created)
            ).all()
            return list(rows)

    def add_message(self, handoff_id: str, author: str, text: str) -> HandoffMessage:
        """Stores a message of the conversation, redacted (the live push carries it as typed: see handover.py)."""
        with self.session() as session, session.begin():
            message = HandoffMessage(handoff_id=handoff_id, author=author, text=redact(text), created=utc_now())
            session.add(message)
            return message

    def messages(self, handoff_id: str) -> list[HandoffMessage]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id).order_by(HandoffMessage.id)
                )
            )

    def mark_urgent(self, handoff_id: str) -> None:
        with self.session() as session, session.begin():
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(urgent=True))

    def take(self, handoff_id: str, agent: Agent) -> bool:
        """The agent takes a waiting conversation; False when someone else was first."""
        with self.session() as session, session.begin():
            taken = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == WAITING, Handoff.county == agent.county)
                .values(status=ACTIVE, agent_id=agent.id, taken=utc_now(), client_key=None)
            )
            return taken.rowcount == 1

    def end(self, handoff_id: str, agent: Agent, *, back_to_bot: bool) -> bool:
        """Hands the conversation back to the bot or closes it; its texts are erased either way."""
        with self.session() as session, session.begin():
            ended = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.agent_id == agent.id, Handoff.status == ACTIVE)
                .values(status=RETURNED if back_to_bot else CLOSED, ended=utc_now(), transcript=None, client_key=None)
            )
            session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id))
            return ended.rowcount == 1

    def rate_preparation(self, handoff_id: str, agent: Agent, rating: int) -> bool:
        with self.session() as session, session.begin():
            rated = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.agent_id == agent.id)
                .values(preparation_rating=rating)
            )
            return rated.rowcount == 1

    # ------------------------------------------------------------------ callbacks

    def hold_phone(self, sender: str, phone: str) -> None:
        """Keeps the number a person gave for a callback until the request is sent (one per conversation)."""
        with self.session() as session, session.begin():
            session.execute(delete(HeldPhone).where(HeldPhone.sender == sender))
            session.add(HeldPhone(sender=sender, phone=phone, created=utc_now()))

    def held_phone(self, sender: str) -> str | None:
        with self.session() as session:
            limit = utc_now() - lifetimes().held_phone
            return session.scalar(select(HeldPhone.phone).where(HeldPhone.sender == sender, HeldPhone.created >= limit))

    def release_phone(self, sender: str) -> None:
        with self.session() as session, session.begin():
            session.execute(delete(HeldPhone).where(HeldPhone.sender == sender))

    def add_callback(
        self, *, sender: str | None, county: str, phone: str, window: str, topic: str, language: str
    ) -> str:
        with self.session() as session, session.begin():
            callback = Callback(
                id=uuid.uuid4().hex,
                sender=sender,
                county=county,
                phone=phone,  # as given: staff call it back (erased when done or cancelled)
                window=window,
                topic=redact(topic),
                language=language,
                status="waiting",
                created=utc_now(),
            )
            session.add(callback)
            return callback.id

    def cancel_callback(self, callback_id: str, sender: str) -> bool:
        """The person cancels their own request (the same conversation only)."""
        return self._finish_callback(Callback.id == callback_id, Callback.sender == sender, status="cancelled")

    def callback_done(self, callback_id: str, agent: Agent) -> bool:
        return self._finish_callback(
            Callback.id == callback_id, Callback.county == agent.county, status="done", agent_id=agent.id
        )

    def _finish_callback(self, *conditions: Any, status: str, agent_id: int | None = None) -> bool:
        with self.session() as session, session.begin():
            done = session.execute(
                update(Callback)
                .where(*conditions, Callback.status == "waiting")
                .values(status=status, ended=utc_now(), phone=None, topic=None, agent_id=agent_id)
            )
            return done.rowcount == 1

    def callbacks(self, county: str) -> list[Callback]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(Callback)
                    .where(Callback.county == county, Callback.status == "waiting")
                    .order_by(Callback.created)
                )
            )


@cache
def shared_store(url: str | None = None) -> HandoffStore:
    """The process's one store for the URL (HANDOFF_URL by default): one engine, one expiry clock."""
    return HandoffStore(url)
