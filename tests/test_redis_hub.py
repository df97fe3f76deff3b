"""The push hub on the machine's real Redis: what one Rasa process publishes reaches a stream another holds;
the hub and the lock store ride over a restart of (a private) Redis."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from rasa.core.lock import TicketLock

from opastin.channels.redis_hub import RedisHub
from opastin.devstack import free_port
from opastin.lock_store import PatientRedisLockStore
from opastin.redis_retry import RIDE_OVER_SECONDS, patiently
from tests.conftest import in_ci
from tests.private_services import private_redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TAB = "t" * 16


@pytest.fixture
def prefix() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        if in_ci():
            pytest.fail(f"Redis not reachable at {REDIS_URL} ({error}): CI must run the scale-out tests", pytrace=False)
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    name = f"opastin-test:{uuid.uuid4().hex[:8]}:"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(name + "*"):
        client.delete(key)


def test_a_message_published_by_one_process_reaches_a_stream_held_by_another(prefix: str) -> None:
    async def scenario() -> tuple[int, tuple[int, dict]]:
        first, second = RedisHub(REDIS_URL, prefix), RedisHub(REDIS_URL, prefix)  # two Rasa processes
        queue = second.subscribe(TAB)
        await asyncio.wait_for(second.ready(), 5)
        seq = first.publish(TAB, {"from": "agent", "text": "Hei, olen Anna."})
        got = await asyncio.wait_for(queue.get(), 5)
        second.close()
        first.close()
        return seq, got

    seq, (got_seq, message) = asyncio.run(scenario())
    assert got_seq == seq and message == {"from": "agent", "text": "Hei, olen Anna."}


def test_numbers_backlog_and_last_are_shared_and_survive_a_restart(prefix: str) -> None:
    first = RedisHub(REDIS_URL, prefix, clock=lambda: 1_800_000_000.0)
    numbers = [first.publish(TAB, {"text": f"m{n}"}) for n in range(3)]
    assert numbers == [1_800_000_000_000, 1_800_000_000_001, 1_800_000_000_002]
    restarted = RedisHub(REDIS_URL, prefix, clock=lambda: 1_800_000_000.0)  # its clock has not moved on
    assert restarted.last_seq(TAB) == numbers[-1]
    assert restarted.publish(TAB, {"text": "m3"}) == numbers[-1] + 1
    assert [m["text"] for _, m in restarted.since(TAB, numbers[0])] == ["m1", "m2", "m3"]
    assert restarted.last_seq("x" * 16) == 0 and restarted.since("x" * 16, 0) == []


def test_the_backlog_keeps_the_newest_messages(prefix: str) -> None:
    hub = RedisHub(REDIS_URL, prefix)
    for n in range(RedisHub.KEEP + 20):
        hub.publish(TAB, {"text": str(n)})
    kept = hub.since(TAB, 0)
    assert len(kept) == RedisHub.KEEP
    assert kept[-1][1] == {"text": str(RedisHub.KEEP + 19)} and kept[0][1] == {"text": "20"}


def test_the_lock_store_and_the_hub_ride_over_a_redis_restart() -> None:
    with private_redis() as server:  # a Redis of its own: the machine's serves other tests meanwhile
        locks = PatientRedisLockStore(host="127.0.0.1", port=server.port, db=1, key_prefix="test")
        hub = RedisHub(f"{server.url}/2")
        locks.save_lock(TicketLock("conversation"))
        before = hub.publish(TAB, {"text": "before"})
        server.stop()
        back = threading.Timer(1, server.start)
        back.start()
        try:
            started = time.monotonic()
            assert locks.get_lock("conversation") is None  # waited for Redis, which came back empty
            assert 0.5 < time.monotonic() - started < RIDE_OVER_SECONDS
            after = hub.publish(TAB, {"text": "after"})
        finally:
            back.join()
        assert after > before  # numbers go on from the clock: a tab that saw `before` takes `after`
        assert [m["text"] for _, m in hub.since(TAB, before)] == ["after"]
        hub.close()


def test_waiting_for_redis_is_bounded() -> None:
    """A longer outage fails the call, and the channel answers "try again"."""
    client = redis.Redis(port=free_port(), socket_connect_timeout=1)  # nothing listens there
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        patiently(lambda: client.get("x"), seconds=0.6)
    assert 0.6 <= time.monotonic() - started < 2
