"""Small things a channel remembers for a while in this process: bounded in entries and in idle time.

Used for what may be lost without harm (a restart forgets it): webhook deliveries already taken
(Telegram's update_id, Twilio's MessageSid, which both services send again when unsure), the rest of
a long SMS answer, the choices just offered, long button payloads. Nothing here is written anywhere.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    def __init__(self, max_items: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_items = max_items
        self.seconds = seconds
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def _forget_old(self) -> None:
        now = self._clock()
        while self._items:
            key, (touched, _) = next(iter(self._items.items()))
            if len(self._items) <= self.max_items and now - touched < self.seconds:
                break
            del self._items[key]

    def put(self, key: str, value: V) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock(), value)
        self._forget_old()

    def get(self, key: str) -> V | None:
        self._forget_old()
        found = self._items.get(key)
        return found[1] if found is not None else None

    def pop(self, key: str) -> V | None:
        self._forget_old()
        found = self._items.pop(key, None)
        return found[1] if found is not None else None

    def __len__(self) -> int:
        return len(self._items)


class Seen(Recent[bool]):
    """Webhook deliveries already taken, by their id."""

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen within the time kept (and remembers it), False for a repeat."""
        if self.get(key) is not None:
            return False
        self.put(key, True)
        return True
