"""Calls to an outside messaging API (Telegram's Bot API, Twilio's REST API) from the Rasa server.

A timeout on every call; a 429 or 5xx is tried again after the server's Retry-After (or a backoff),
as long as that wait is short; a connection error is tried again after a backoff. Nothing a person
or an agent wrote is ever logged: the callers log the API method and its status or error code only.
The HTTP session is made inside the running event loop on first use (never at import or in another
loop, the trap Rasa's own Telegram connector falls into) and closed when the server stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

RetryAfterInBody = Callable[[dict[str, Any]], float | None]


@dataclass(frozen=True)
class ApiReply:
    status: int  # 0: no answer at all (timeout, connection refused) after every attempt
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def retry_after_seconds(header: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110)."""
    if not header:
        return None
    value = header.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class ApiClient:
    def __init__(
        self,
        name: str,
        *,
        timeout: float = 10.0,
        attempts: int = 4,
        max_wait: float = 30.0,
        retry_after_in_body: RetryAfterInBody | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.attempts = attempts
        self.max_wait = max_wait
        self._retry_after_in_body = retry_after_in_body
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _session_here(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None

    def _backoff(self, attempt: int) -> float:
        return min(self.max_wait, 0.5 * 2 ** (attempt - 1))

    def _wait_before_retry(self, header: str | None, body: dict[str, Any], attempt: int) -> float:
        given = retry_after_seconds(header)
        if given is None and self._retry_after_in_body is not None:
            given = self._retry_after_in_body(body)
        return self._backoff(attempt) if given is None else given

    async def post(
        self,
        url: str,
        method: str,
        *,
        json: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        auth: aiohttp.BasicAuth | None = None,
    ) -> ApiReply:
        """POSTs JSON or a form; `method` names the call in the log (never its content)."""
        for attempt in range(1, self.attempts + 1):
            try:
                async with self._session_here().post(url, json=json, data=data, auth=auth) as answer:
                    status, header = answer.status, answer.headers.get("Retry-After")
                    body = await self._body(answer)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                if attempt == self.attempts:
                    log.warning(
                        "%s %s: no answer after %d attempts (%s)", self.name, method, attempt, type(error).__name__
                    )
                    return ApiReply(0)
                await self._sleep(self._backoff(attempt))
                continue
            if (status == 429 or status >= 500) and attempt < self.attempts:
                wait = self._wait_before_retry(header, body, attempt)
                if wait <= self.max_wait:
                    log.info("%s %s: HTTP %d, trying again in %.1f s", self.name, method, status, wait)
                    await self._sleep(wait)
                    continue
            return ApiReply(status, body)
        return ApiReply(0)  # not reached: the loop returns

    @staticmethod
    async def _body(answer: aiohttp.ClientResponse) -> dict[str, Any]:
        try:
            body = await answer.json(content_type=None)
        except (ValueError, aiohttp.ContentTypeError):
            return {}
        return body if isinstance(body, dict) else {}
