"""Per-client limits of the web chat, so that one client cannot flood the assistant or hold all its streams.

Kept in this process's memory (each Rasa process limits what reaches it). The numbers are settings:
OPASTIN_RATE_PER_SENDER / OPASTIN_RATE_PER_ADDRESS (messages a minute), OPASTIN_SESSIONS_PER_ADDRESS
(new or renewed conversations a minute) and OPASTIN_MAX_STREAMS / OPASTIN_MAX_STREAMS_PER_SENDER
(open push streams).
"""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


def _setting(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class RateLimit:
    """A token bucket per key: `per_minute` on average, `burst` at once; old keys are forgotten."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, key: str) -> int:
        """0 when the request may go on (and counts it), else the seconds to wait before the next one."""
        now = self._clock()
        tokens, then = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            self._trim()
            return 0
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.rate))

    def _trim(self) -> None:
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)


class StreamSlots:
    """Open push streams: at most `total` in the process and `per_sender` for one conversation."""

    def __init__(self, total: int, per_sender: int) -> None:
        self.total = total
        self.per_sender = per_sender
        self._open: dict[str, int] = {}

    def take(self, sender: str) -> bool:
        if sum(self._open.values()) >= self.total or self._open.get(sender, 0) >= self.per_sender:
            return False
        self._open[sender] = self._open.get(sender, 0) + 1
        return True

    def give_back(self, sender: str) -> None:
        left = self._open.get(sender, 0) - 1
        if left > 0:
            self._open[sender] = left
        else:
            self._open.pop(sender, None)


@dataclass
class WebChatLimits:
    per_sender: RateLimit  # messages of one conversation
    per_address: RateLimit  # messages of one client address
    sessions: RateLimit  # conversations one client address starts or renews (POST /session)
    streams: StreamSlots


def web_chat_limits() -> WebChatLimits:
    """The limits as the settings give them; a library or a school shares one address, hence the bursts."""
    return WebChatLimits(
        per_sender=RateLimit(_setting("OPASTIN_RATE_PER_SENDER", 20), burst=8),
        per_address=RateLimit(_setting("OPASTIN_RATE_PER_ADDRESS", 120), burst=40),
        sessions=RateLimit(_setting("OPASTIN_SESSIONS_PER_ADDRESS", 30), burst=10),
        streams=StreamSlots(
            int(_setting("OPASTIN_MAX_STREAMS", 5000)), int(_setting("OPASTIN_MAX_STREAMS_PER_SENDER", 4))
        ),
    )
