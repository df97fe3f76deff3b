"""Conversations kept in SQL (SQLite under var/ by default, PostgreSQL via TRACKER_URL), never with identifiers.

Rasa's own SQL tracker store, with two differences: every event is redacted before it is written
or sent to the event broker (identity codes, phone numbers, e-mail addresses and IBANs become
tags, and the client's key is left out of a message's metadata), and the SQL runs on a worker thread,
so that while one conversation waits for the disk or the database server the event loop answers the
others (Rasa's own store blocks it). The conversation in memory keeps the words as typed for the turn
being answered; what needs a number across turns (a callback) keeps it in its own store, not in a slot.

endpoints.yml:  tracker_store: {type: opastin.tracker_store.RedactedSQLTrackerStore}
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from opastin.db import default_sqlite_url, engine_for
from opastin.handoff.queue import CLIENT_METADATA
from opastin.redaction import redact_strings

log = logging.getLogger(__name__)

DEFAULT_URL = default_sqlite_url("tracker.db")
# Identifiers that only look like text: never altered, so that the conversation stays whole.
KEEP = frozenset({"event", "name", "policy", "message_id", "sender_id", "input_channel", "action_name"})


def tracker_url() -> str:
    return os.environ.get("TRACKER_URL") or DEFAULT_URL


def redacted_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event as Rasa serialises it, with every free-text value redacted and without the client's key.

    The key (which client sent the message: opastin/channels/client_key.py) is for the turn being
    answered, when the queue counts a client's places; kept with the conversation for weeks it would
    link a person's conversations to each other."""
    redacted = {key: value if key in KEEP else redact_strings(value) for key, value in data.items()}
    for holder, key in ((redacted, "metadata"), (redacted.get("parse_data"), "metadata")):
        _drop_client_key(holder, key)
    if redacted.get("event") == "slot" and redacted.get("name") == SESSION_START_METADATA_SLOT:
        _drop_client_key(redacted, "value")  # Rasa keeps the first message's metadata in this slot
    return redacted


def _drop_client_key(holder: Any, key: str) -> None:
    if isinstance(holder, dict) and isinstance(holder.get(key), dict):
        holder[key] = {name: value for name, value in holder[key].items() if name != CLIENT_METADATA}


class RedactedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store on Opastin's engine, redacting each event before it is stored or streamed."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.url = url or host or tracker_url()
        self.engine = engine_for(self.url)
        self.Base.metadata.create_all(self.engine)  # once per process, as Rasa's own store does
        self.sessionmaker = sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: list[Event], sender_id: str) -> None:
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **redacted_event(event.as_dict())})

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Rasa's, once more when the database cut the connection under it (a restart): Rasa's wrapper
        (FailSafeTrackerStore) would otherwise answer the message as the first of a new conversation."""
        try:
            return await super().retrieve(sender_id)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("the tracker store lost its database connection: reading again")
            return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Streams the new events, then writes them; once more when the database cut the connection (a restart):
        Rasa's wrapper would otherwise keep the turn in this process's memory only, where no process reads it.
        Writing again adds no event twice: what is missing is counted from the database each time."""
        await self.stream_events(tracker)
        try:
            await asyncio.to_thread(self._write_new_events, tracker)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("the tracker store lost its database connection: writing again")
            await asyncio.to_thread(self._write_new_events, tracker)

    def _write_new_events(self, tracker: DialogueStateTracker) -> None:
        """On a worker thread: the commit waits for the disk (SQLite) or the database server, not the event loop.

        The conversation's tracker is not changed meanwhile: Rasa holds the conversation's lock until it is saved.
        """
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redacted_event(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's own, with the query on a worker thread (as the write), so that other conversations go on."""
        events = await asyncio.to_thread(self._stored_events, sender_id, fetch_events_from_all_sessions)
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _stored_events(self, sender_id: str, fetch_events_from_all_sessions: bool) -> list[dict[str, Any]]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions)
            return [json.loads(row.data) for row in query.all()]
