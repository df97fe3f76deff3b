"""The push hub on Redis, for several Rasa processes: a message published by one reaches a stream held by another.

Same interface as the in-memory Hub (opastin/channels/hub.py). Each conversation has a backlog
(a Redis list of its last messages, kept an hour) and a number that only grows (the clock in
milliseconds, or the last number + 1), both written with the publication in one Lua script, so no
two processes can give out the same number. Live delivery is Redis pub/sub: every process listens
to all streams and hands each message to the browsers connected to it. After a lost connection
the listener comes back and replays each open stream's backlog; the stream skips what it already
sent (by number), so nothing is lost and nothing is shown twice. A publication or read while Redis
restarts waits a few seconds for it (opastin/redis_retry.py). A restarted Redis is empty: numbers go
on from the clock, above any a tab has seen, and the backlog starts again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

import redis
import redis.asyncio as aioredis

from opastin.channels.hub import Message
from opastin.redis_retry import RIDE_OVER_SECONDS, patiently

log = logging.getLogger(__name__)

# KEYS: number, backlog; ARGV: now in ms, message JSON, how many to keep, seconds to keep, channel.
PUBLISH = """
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = math.max(last + 1, tonumber(ARGV[1]))
redis.call('SET', KEYS[1], seq, 'EX', ARGV[4])
local entry = cjson.encode({seq, cjson.decode(ARGV[2])})
redis.call('LPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], entry)
return seq
"""


class RedisHub:
    KEEP = 100
    IDLE_SECONDS = 3600

    def __init__(self, url: str, prefix: str = "opastin:stream:", clock: Callable[[], float] = time.time) -> None:
        self._url = url
        self._prefix = prefix
        self._clock = clock
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._publish = self._redis.register_script(PUBLISH)
        self._local: dict[str, set[asyncio.Queue]] = {}
        self._seen: dict[asyncio.Queue, int] = {}  # the newest number handed to each open stream
        self._listener: asyncio.Task | None = None
        self._ready = asyncio.Event()

    def _keys(self, sender: str) -> tuple[str, str, str]:
        base = self._prefix + sender
        return f"{base}:seq", f"{base}:backlog", f"{base}:live"

    def publish(self, sender: str, message: Message) -> int:
        """Stores the message in the stream's backlog and hands it to every process's open streams."""
        seq_key, backlog, channel = self._keys(sender)
        args = [
            int(self._clock() * 1000),
            json.dumps(message, ensure_ascii=False),
            self.KEEP,
            self.IDLE_SECONDS,
            channel,
        ]
        # Redis restarting: a short wait beats a lost answer (opastin/redis_retry.py)
        return int(patiently(lambda: self._publish(keys=[seq_key, backlog], args=args)))

    def since(self, sender: str, seq: int, *, wait: bool = True) -> list[tuple[int, Message]]:
        _, backlog, _ = self._keys(sender)
        raws = patiently(lambda: self._redis.lrange(backlog, 0, -1), RIDE_OVER_SECONDS if wait else 0)
        entries = [json.loads(raw) for raw in raws]
        return sorted((int(n), m) for n, m in entries if int(n) > seq)

    def last_seq(self, sender: str) -> int:
        seq_key, _, _ = self._keys(sender)
        return int(patiently(lambda: self._redis.get(seq_key)) or 0)

    def subscribe(self, sender: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._seen[queue] = self.last_seq(sender)  # older ones the stream reads from the backlog itself
        self._local.setdefault(sender, set()).add(queue)
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        return queue

    def unsubscribe(self, sender: str, queue: asyncio.Queue) -> None:
        self._seen.pop(queue, None)
        queues = self._local.get(sender)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._local[sender]

    async def ready(self) -> None:
        """Waits until this process listens (a test publishes only after that)."""
        await self._ready.wait()

    async def _listen(self) -> None:
        """Delivers every published message to this process's open streams; reconnects after a loss."""
        while True:
            client = aioredis.Redis.from_url(self._url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(self._prefix + "*:live")
                    self._replay()  # what may have been published while the connection was down
                    self._ready.set()
                    async for item in pubsub.listen():
                        if item.get("type") == "pmessage":
                            self._deliver(item["channel"], item["data"])
            except (redis.ConnectionError, aioredis.ConnectionError, OSError):
                self._ready.clear()
                log.warning("push hub lost Redis; listening again in a second")
                await asyncio.sleep(1)
            finally:
                await client.close()

    def _deliver(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        sender = name[len(self._prefix) : -len(":live")]
        seq, message = json.loads(data)
        for queue in list(self._local.get(sender, ())):
            self._hand(queue, int(seq), message)

    def _hand(self, queue: asyncio.Queue, seq: int, message: Message) -> None:
        if seq > self._seen.get(queue, 0):
            self._seen[queue] = seq
            queue.put_nowait((seq, message))

    def _replay(self) -> None:
        for sender, queues in list(self._local.items()):
            try:
                backlog = self.since(sender, 0, wait=False)  # on the event loop: never wait here
            except redis.ConnectionError:
                return
            for queue in list(queues):
                for seq, message in backlog:
                    self._hand(queue, seq, message)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
        self._redis.close()
