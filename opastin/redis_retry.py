"""Redis calls that ride over a Redis restart (the lock store, the push hub).

Redis restarts in about a second and comes back empty (nothing is kept on disk here). A call made
meanwhile is tried again for a few seconds instead of failing the person's message: a dead pooled
connection is replaced by redis-py itself, and "connection refused" is waited out here. Past
RIDE_OVER_SECONDS the error is raised, and the channel answers "try again" (or the widget does).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import redis

log = logging.getLogger(__name__)

RIDE_OVER_SECONDS = 5.0
PAUSE_SECONDS = 0.25
Result = TypeVar("Result")


def patiently(call: Callable[[], Result], seconds: float = RIDE_OVER_SECONDS) -> Result:
    """`call()`, tried again while Redis does not answer, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    waiting = False
    while True:
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError):
            if time.monotonic() >= deadline:
                raise
            if not waiting:
                log.warning("Redis does not answer (restarting?): trying again for up to %.0f s", seconds)
                waiting = True
            time.sleep(PAUSE_SECONDS)
