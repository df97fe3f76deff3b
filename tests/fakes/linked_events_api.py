"""A fake Linked Events v1 API: `event/` paged by `meta.next`, `place/<id>/`, with the faults of faults.py.

`events` hold events in Linked Events' JSON shape, their `location` naming a place of `places` by
id; with `include=location` the place is inlined as the real API does (unless `inline_places` is
off, when the importer must fetch it by its @id). `division=` keeps the events whose place is in
one of the named towns; `last_modified_since=` those modified since; `show_deleted` adds deleted ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.faults import Faults

BASE = "/linkedevents/v1"


@dataclass
class FakeLinkedEvents:
    events: list[dict[str, Any]] = field(default_factory=list)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    page_size: int = 2
    inline_places: bool = True
    faults: Faults = field(default_factory=Faults)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.faults.middleware])
        app.router.add_get(BASE + "/event/", self._events)
        app.router.add_get(BASE + "/place/{id}/", self._place)
        return app

    def fail_next(self, path: str, fault: str, times: int = 1, query: str = "") -> None:
        self.faults.fail_next(BASE + path, fault, times, query)

    def served(self, path: str) -> list[str]:
        return self.faults.served(BASE + path)

    def _place_url(self, request: web.Request, place_id: str) -> str:
        return f"http://{request.host}{BASE}/place/{place_id}/"

    async def _events(self, request: web.Request) -> web.Response:
        query = request.query
        towns = set(filter(None, query.get("division", "").split(",")))
        since = query.get("last_modified_since")
        chosen = []
        for event in self.events:
            if event.get("deleted") and query.get("show_deleted") != "true":
                continue
            if since and event["last_modified_time"] < since:
                continue
            place = self.places.get(event["location_id"]) or {}
            town = place.get("divisions", [{}])[0].get("ocd_id", "").rsplit(":", 1)[-1]
            if towns and town not in towns:
                continue
            chosen.append(event)
        page = int(query.get("page", "1"))
        size = int(query.get("page_size", self.page_size))
        size = min(size, self.page_size)
        chunk = chosen[(page - 1) * size : page * size]
        data = [self._shaped(request, event) for event in chunk]
        more = page * size < len(chosen)
        following = urlencode({**query, "page": str(page + 1)})
        next_url = f"http://{request.host}{request.path}?{following}" if more else None
        return web.json_response({"meta": {"count": len(chosen), "next": next_url, "previous": None}, "data": data})

    def _shaped(self, request: web.Request, event: dict[str, Any]) -> dict[str, Any]:
        shaped = {k: v for k, v in event.items() if k not in ("location_id",)}
        reference = {"@id": self._place_url(request, event["location_id"])}
        inline = self.inline_places and "location" in request.query.get("include", "")
        shaped["location"] = {**self.places[event["location_id"]], **reference} if inline else reference
        return shaped

    async def _place(self, request: web.Request) -> web.Response:
        place = self.places.get(request.match_info["id"])
        if place is None:
            return web.json_response({"detail": "Not found."}, status=404)
        return web.json_response({**place, "@id": self._place_url(request, request.match_info["id"])})
