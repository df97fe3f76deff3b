"""Rasa's lock store on Redis (several Rasa processes), riding over a Redis restart.

endpoints.yml:  lock_store: {type: opastin.lock_store.PatientRedisLockStore, url: HOST, port: …, db: …, key_prefix: …}

Rasa's own RedisLockStore fails a message at once when Redis does not answer, and a restart of
Redis (about a second) would so turn every message arriving meanwhile into "try again". Here
each of its Redis calls waits a few seconds for Redis to come back (opastin/redis_retry.py). A
restart loses the locks themselves; that is harmless, since nginx keeps one conversation on one
process, where its messages are answered one at a time anyway (opastin/channels/ordering.py).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from opastin.redis_retry import patiently


class PatientRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Made by Rasa from endpoints.yml (`endpoint_config`), or directly with RedisLockStore's arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return patiently(partial(super().get_lock, conversation_id))

    def delete_lock(self, conversation_id: str) -> None:
        patiently(partial(super().delete_lock, conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        patiently(partial(super().save_lock, lock))
