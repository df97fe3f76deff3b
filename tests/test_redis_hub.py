"""The push hub on the machine's real Redis: what one Rasa process publishes reaches a stream another holds."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from opastin.channels.redis_hub import RedisHub
from tests.conftest import in_ci

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
