"""The Linked Events v1 read endpoints an import uses: event pages (followed by `next`) and places."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from actions.directory.fetch import ImportFailed, JsonSource

# Helsinki's public instance; a county sets the Linked Events API its towns publish in.
DEFAULT_URL = "https://api.hel.fi/linkedevents/v1/"
PAGE_SIZE = 100


def linked_events_url() -> str:
    return os.environ.get("LINKED_EVENTS_URL") or DEFAULT_URL


class LinkedEventsClient:
    def __init__(self, source: JsonSource, *, on_page: Callable[[], None] = lambda: None) -> None:
        self._source = source
        self._on_page = on_page
        self._places: dict[str, Any] = {}

    def events(self, divisions: list[str], start: str, modified_since: str | None = None) -> Iterator[Any]:
        """Upcoming events of the divisions (towns), with their places and keywords inlined; deleted
        ones too when asking for changes, so that the import can remove them."""
        params: dict[str, Any] = {
            "division": ",".join(divisions),
            "start": start,
            "include": "location,keywords",
            "page_size": PAGE_SIZE,
        }
        if modified_since:
            params.update(last_modified_since=modified_since, show_deleted="true")
        path: str | None = "event/"
        while path:
            answer = self._source.get(path, params)
            self._on_page()
            if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
                raise ImportFailed(f"{self._source.url(path)}: not a Linked Events page (no data)")
            yield from answer["data"]
            path = (answer.get("meta") or {}).get("next")
            params = {}  # `next` carries the query

    def place(self, reference: str) -> Any:
        """A place by its @id (an absolute URL), fetched once a run."""
        if reference not in self._places:
            self._places[reference] = self._source.get(reference)
            self._on_page()
        return self._places[reference]
