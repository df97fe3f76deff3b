"""One message of a conversation at a time, in the order they came, inside this process.

Rasa's own ticket lock polls and gives up after a timeout when one conversation sends several
messages at once (a double click, a flaky phone network). Queuing them here first, on a fair
asyncio lock per conversation, means Rasa's lock is never contended within a process: every
message is answered, in order, once. (Several processes route a conversation to one process.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ConversationLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        """Waits for the conversation's earlier messages, then holds it; forgotten when nobody waits."""
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._users[sender] = self._users.get(sender, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[sender] -= 1
            if not self._users[sender]:
                del self._users[sender], self._locks[sender]

    def __len__(self) -> int:
        return len(self._locks)


CONVERSATIONS = ConversationLocks()
