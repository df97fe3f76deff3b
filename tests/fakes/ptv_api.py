"""A fake PTV v11 open API: the read endpoints an importer uses, paged as PTV pages them, with faults.

`services` and `channels` hold items in PTV's JSON shape; a service is listed for a municipality
when its `areas` name it (or it is nationwide). `changes` answers `Service?date=…` (and
`ServiceChannel?date=…`) with ids per status. `fail_next(path, …)` makes the next requests whose
path starts with `path` answer 500, 429 (with Retry-After) or not in time (tests/fakes/faults.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.faults import Faults

BASE = "/api/v11"


@dataclass
class FakePtv:
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind → status → ids
    page_size: int = 2
    faults: Faults = field(default_factory=Faults)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.faults.middleware])
        app.router.add_get(BASE + "/Service/list/area/Municipality/code/{code}", self._municipality_services)
        app.router.add_get(BASE + "/{kind:Service|ServiceChannel}/list", self._by_ids)
        app.router.add_get(BASE + "/{kind:Service|ServiceChannel}", self._changed)
        return app

    def fail_next(self, path: str, fault: str, times: int = 1, query: str = "") -> None:
        self.faults.fail_next(BASE + path, fault, times, query)

    def served(self, path: str) -> list[str]:
        return self.faults.served(BASE + path)

    def _page(self, request: web.Request, items: list[Any]) -> web.Response:
        page = int(request.query.get("page", "1"))
        count = max(1, -(-len(items) // self.page_size))
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        return web.json_response(
            {"pageNumber": page, "pageSize": self.page_size, "pageCount": count, "itemList": chunk}
        )

    async def _municipality_services(self, request: web.Request) -> web.Response:
        code = request.match_info["code"]
        items = [s for s in self.services.values() if _offered_in(s, code)]
        return self._page(request, items)

    async def _by_ids(self, request: web.Request) -> web.Response:
        ids = [i for i in request.query.get("guids", "").split(",") if i]
        if len(ids) > 100:
            return web.json_response({"message": "too many guids"}, status=400)
        store = self.services if request.match_info["kind"] == "Service" else self.channels
        return web.json_response({"itemList": [store[i] for i in ids if i in store]})

    async def _changed(self, request: web.Request) -> web.Response:
        if "date" not in request.query:
            return web.json_response({"message": "date is required"}, status=400)
        statuses = self.changed.get(request.match_info["kind"], {})
        ids = statuses.get(request.query.get("status", "Published"), [])
        return self._page(request, [{"id": i, "name": i} for i in ids])


def _offered_in(service: dict[str, Any], code: str) -> bool:
    if service.get("areaType") == "Nationwide":
        return True
    for area in service.get("areas") or []:
        if not isinstance(area, dict):
            return True  # a malformed item is served as it is: the importer must cope
        if area.get("code") == code or any(m.get("code") == code for m in area.get("municipalities") or []):
            return True
    return False
