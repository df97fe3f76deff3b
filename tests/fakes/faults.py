"""Faults a fake API can be told to answer with: 500, 429 with Retry-After, or no answer in time."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

HANG_SECONDS = 2.0


@dataclass
class Faults:
    requests: list[str] = field(default_factory=list)
    _faults: list[tuple[str, str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path: str, fault: str, times: int = 1, query: str = "") -> None:
        """The next `times` requests whose path starts with `path` (and whose query holds `query`) answer
        "500", "429" (Retry-After: 1) or "hang" (nothing for HANG_SECONDS, longer than the tests' timeout)."""
        with self._lock:
            self._faults.extend([(path, fault, query)] * times)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def served(self, path: str) -> list[str]:
        with self._lock:
            return [r for r in self.requests if r.startswith(path)]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._lock:
            self.requests.append(request.path_qs)
            fault = next(
                (f for f in self._faults if request.path.startswith(f[0]) and f[2] in request.query_string), None
            )
            if fault:
                self._faults.remove(fault)
        if fault and fault[1] == "500":
            return web.json_response({"detail": "Internal Server Error"}, status=500)
        if fault and fault[1] == "429":
            return web.json_response({"detail": "Too many requests"}, status=429, headers={"Retry-After": "1"})
        if fault and fault[1] == "hang":
            await asyncio.sleep(HANG_SECONDS)
        return await handler(request)
