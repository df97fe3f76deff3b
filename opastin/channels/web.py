"""What the web chat and the staff console serve alike: their own static files and a push stream."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.channels.assets import Bundle, assemble
from opastin.channels.hub import PushHub

STATIC_FILE = re.compile(r"^[a-z0-9-]+\.(html|js|css)$")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
}
KEEPALIVE_SECONDS = 15


async def blocking(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """Database calls off the event loop: the server keeps answering other people meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args, **kwargs))


def trusts_proxy(configured: Any) -> bool:
    """A channel's `trust_proxy` (credentials.yml) or OPASTIN_TRUST_PROXY: one reading for every channel."""
    values = (configured, os.environ.get("OPASTIN_TRUST_PROXY"))
    return any(str(value or "").strip().lower() in ("1", "true", "yes", "on") for value in values)


def client_address(request: Request, trust_proxy: bool) -> str:
    """The client's address: behind a trusted proxy the last X-Forwarded-For entry (the one the proxy added;
    the ones before it are the client's own word), else the connection's."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if trust_proxy and forwarded.strip():
        return forwarded.rsplit(",", 1)[-1].strip()[:64]
    return (request.ip or "")[:64]


def static_file(
    directory: Path, name: str, page_headers: dict[str, str], bundles: Mapping[str, Bundle] | None = None
) -> HTTPResponse:
    """A folder's own .html/.js/.css file (no subfolders), or one of `bundles` by name; pages get page_headers."""
    name = name or "index.html"
    bundle = (bundles or {}).get(name)
    path = directory / name
    if not STATIC_FILE.match(name) or (bundle is None and not path.is_file()):
        return response.json({"ok": False, "error": "not found"}, status=404)
    kind = name.rsplit(".", 1)[1]
    headers = dict(page_headers) if kind == "html" else {"X-Content-Type-Options": "nosniff"}
    headers.setdefault("Cache-Control", "no-cache")
    body = assemble(bundle) if bundle is not None else path.read_bytes()
    return response.raw(body, content_type=CONTENT_TYPES[kind], headers=headers)


def add_static_routes(
    blueprint: Blueprint, directory: Path, page_headers: dict[str, str], bundles: Sequence[Bundle] = ()
) -> None:
    """GET / (index.html) and GET /<file> from the folder, for a channel's own pages, and its assembled scripts.

    The scripts are built here, so that a broken texts/ui.yml stops the server at start, not a chat later.
    """
    by_name = {bundle.name: bundle for bundle in bundles}
    for bundle in bundles:
        assemble(bundle)

    @blueprint.route("/", methods=["GET"])
    async def page(request: Request) -> HTTPResponse:
        return static_file(directory, "index.html", page_headers, by_name)

    @blueprint.route("/<name>", methods=["GET"])
    async def static(request: Request, name: str) -> HTTPResponse:
        return static_file(directory, name, page_headers, by_name)


async def event_stream(
    request: Request,
    hub: PushHub,
    key: str,
    *,
    event: str,
    since: int | None = None,
    headers: dict[str, str] | None = None,
    until: float | None = None,
) -> None:
    """Server-Sent Events of the hub's stream `key`: the backlog after `since` (if given), then live ones.

    The stream ends at `until` (seconds since 1970), when what allowed it (a web chat token) expires: the
    client reconnects and is asked for a good one again.
    """
    queue = hub.subscribe(key)  # before the backlog, so that nothing falls between the two
    try:
        stream = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={**(headers or {}), "Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
        await stream.send("retry: 2000\n\n")
        last = since or 0
        for seq, message in hub.since(key, last) if since is not None else []:
            await stream.send(_event(seq, event, message))
            last = seq
        while until is None or time.time() < until:
            wait = KEEPALIVE_SECONDS if until is None else max(0.0, min(KEEPALIVE_SECONDS, until - time.time()))
            try:
                seq, message = await asyncio.wait_for(queue.get(), timeout=wait)
            except asyncio.TimeoutError:
                await stream.send(": keep-alive\n\n")
                continue
            if seq > last:
                await stream.send(_event(seq, event, message))
                last = seq
    except ConnectionError:
        pass  # the browser went away; it reconnects with the last number it saw
    finally:
        hub.unsubscribe(key, queue)


def _event(seq: int, event: str, message: dict[str, Any]) -> str:
    return f"id: {seq}\nevent: {event}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"
