"""HTTP for the importers: one requests.Session with timeouts and retries on 5xx and 429.

A failure that retries do not cure becomes `ImportFailed`, which names the URL: the import then
writes nothing and the command exits non-zero with that message.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 120.0  # seconds: a source asking for longer fails the run now, rather than hang the nightly job


class CappedRetry(Retry):
    """urllib3's Retry, but a Retry-After longer than MAX_RETRY_AFTER is waited only that long."""

    def get_retry_after(self, response: Any) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, MAX_RETRY_AFTER)


class ImportFailed(RuntimeError):
    """The source could not be read (after retries) or answered something that is not its API."""


class JsonSource:
    """GETs JSON from one API base URL; retries with exponential backoff, honouring Retry-After."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | None = None,
        retries: int = 4,
        backoff: float | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._timeout = timeout if timeout is not None else float(os.environ.get("OPASTIN_IMPORT_TIMEOUT", "30"))
        backoff = backoff if backoff is not None else float(os.environ.get("OPASTIN_IMPORT_BACKOFF", "1"))
        retry = CappedRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            backoff_max=60,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._session = requests.Session()
        self._session.headers["Accept"] = "application/json"
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))

    def url(self, path: str) -> str:
        """An absolute URL as such (Linked Events' `next`), a path relative to the base."""
        return path if path.startswith(("http://", "https://")) else self.base_url + path.lstrip("/")

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = self.url(path)
        try:
            response = self._session.get(url, params=params, timeout=self._timeout)
        except requests.RequestException as error:
            raise ImportFailed(f"{url}: no answer after retries ({type(error).__name__}: {_short(error)})") from error
        if response.status_code >= 400:
            retried = " after retries" if response.status_code in RETRY_STATUSES else ""
            raise ImportFailed(f"{response.url}: HTTP {response.status_code}{retried}")
        try:
            return response.json()
        except ValueError as error:
            raise ImportFailed(f"{response.url}: the answer is not JSON") from error

    def close(self) -> None:
        self._session.close()


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "…"
