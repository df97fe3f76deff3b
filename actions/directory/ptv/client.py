"""The PTV v11 read endpoints an import uses: pages of a municipality's services, id lists, batches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from actions.directory.fetch import ImportFailed, JsonSource

DEFAULT_URL = "https://api.palvelutietovaranto.suomi.fi/api/v11/"
BATCH = 99  # PTV's list?guids= takes at most 100 ids; importers keep below


def ptv_url() -> str:
    return os.environ.get("PTV_URL") or DEFAULT_URL


class PtvClient:
    def __init__(self, source: JsonSource, *, on_page: Callable[[], None] = lambda: None) -> None:
        self._source = source
        self._on_page = on_page

    def _pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Items of every page of a paged answer ({pageNumber, pageCount, itemList})."""
        page = 1
        while True:
            answer = self._source.get(path, {**(params or {}), "page": page})
            self._on_page()
            if not isinstance(answer, dict) or not isinstance(answer.get("itemList") or [], list):
                raise ImportFailed(f"{self._source.url(path)}: not a PTV page (no itemList)")
            yield from answer.get("itemList") or []
            if page >= int(answer.get("pageCount") or 1):
                return
            page += 1

    def municipality_services(self, code: str) -> Iterator[Any]:
        return self._pages(f"Service/list/area/Municipality/code/{code}")

    def changed_ids(self, kind: str, since: str, status: str | None = None) -> list[str]:
        """Ids of services or channels (kind Service | ServiceChannel) changed since the time."""
        params = {"date": since, **({"status": status} if status else {})}
        ids = []
        for item in self._pages(kind, params):
            found = item.get("id") if isinstance(item, dict) else item
            if isinstance(found, str):
                ids.append(found)
        return ids

    def by_ids(self, kind: str, ids: list[str]) -> Iterator[Any]:
        """Full items by id, in batches of at most 99 ids."""
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            answer = self._source.get(f"{kind}/list", {"guids": ",".join(batch)})
            self._on_page()
            items = answer.get("itemList") if isinstance(answer, dict) else answer
            if not isinstance(items, list):
                raise ImportFailed(f"{self._source.url(kind + '/list')}: not a list of items")
            yield from items
