"""Per-conversation message streams, so that messages can reach a browser after its request ended.

The bot's answers and, later, a live agent's replies are published here; the web chat's event
stream (SSE) delivers them and, after a reload, what it missed (by sequence number). Kept in this
process's memory, bounded in conversations, messages and idle time: a scale-out with several Rasa
processes puts a shared broker (Redis pub/sub) behind the same interface.

Numbers follow the clock (milliseconds since 1970, then +1 within a millisecond), so that they only
grow: after a restart or after an idle stream was forgotten, the next message still has a higher
number than any an open tab has seen, and the tab does not skip it as already shown.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

Message = dict[str, Any]


class PushHub(Protocol):
    """What the channels need of a hub: this process's memory (Hub) or Redis for several (RedisHub)."""

    def publish(self, sender: str, message: Message) -> int: ...
    def since(self, sender: str, seq: int) -> list[tuple[int, Message]]: ...
    def last_seq(self, sender: str) -> int: ...
    def subscribe(self, sender: str) -> asyncio.Queue: ...
    def unsubscribe(self, sender: str, queue: asyncio.Queue) -> None: ...


@dataclass
class _Stream:
    backlog: deque = field(default_factory=lambda: deque(maxlen=Hub.KEEP))
    next_seq: int = 0
    listeners: set = field(default_factory=set)
    touched: float = field(default_factory=time.monotonic)


class Hub:
    KEEP = 100  # messages a conversation keeps for reconnecting browsers
    MAX_CONVERSATIONS = 10_000
    IDLE_SECONDS = 3600  # as the session expiry: after an hour nothing is kept

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._streams: OrderedDict[str, _Stream] = OrderedDict()
        self._clock = clock

    def _stream(self, sender: str) -> _Stream:
        stream = self._streams.get(sender)
        if stream is None:
            self._forget_idle()
            stream = self._streams[sender] = _Stream()
        stream.touched = time.monotonic()
        self._streams.move_to_end(sender)
        return stream

    def _forget_idle(self) -> None:
        """Forgets idle streams, and the least recent ones when full; never one a browser is listening to."""
        now = time.monotonic()
        for sender, stream in list(self._streams.items()):  # least recently used first
            full = len(self._streams) >= self.MAX_CONVERSATIONS
            if not full and now - stream.touched < self.IDLE_SECONDS:
                break
            if not stream.listeners:
                del self._streams[sender]

    def publish(self, sender: str, message: Message) -> int:
        """Stores the message and hands it to every open stream of the conversation; returns its number."""
        stream = self._stream(sender)
        seq = max(stream.next_seq, int(self._clock() * 1000))
        stream.next_seq = seq + 1
        stream.backlog.append((seq, message))
        for queue in list(stream.listeners):
            queue.put_nowait((seq, message))
        return seq

    def since(self, sender: str, seq: int) -> list[tuple[int, Message]]:
        stream = self._streams.get(sender)
        return [(n, m) for n, m in stream.backlog if n > seq] if stream else []

    def last_seq(self, sender: str) -> int:
        stream = self._streams.get(sender)
        return stream.next_seq - 1 if stream and stream.next_seq else 0

    def subscribe(self, sender: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._stream(sender).listeners.add(queue)
        return queue

    def unsubscribe(self, sender: str, queue: asyncio.Queue) -> None:
        stream: _Stream | None = self._streams.get(sender)
        if stream is not None:
            stream.listeners.discard(queue)


HUB = Hub()


@cache
def shared_hub() -> PushHub:
    """The process's hub: Redis when PUSH_HUB_URL is set (several Rasa processes), else this process's memory."""
    url = os.environ.get("PUSH_HUB_URL")
    if url:
        from opastin.channels.redis_hub import RedisHub  # redis is needed only in the scaled profile

        return RedisHub(url)
    return HUB
