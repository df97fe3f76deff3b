"""A channel's blueprint on a real Sanic server in this process, as the Rasa server serves it.

As `rasa run` does (rasa.core.run without --cors): the app gets Rasa's CORS layer (sanic-cors, which answers
every OPTIONS itself), and each channel is registered under /webhooks/<name> (rasa.core.channels.channel.register).
No model is needed, so the tests that use it run with the unit tests.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.server import configure_cors
from sanic import Sanic


@contextmanager
def serving(
    channel: InputChannel, on_new_message: Callable[[UserMessage], Awaitable[Any]] | None = None
) -> Iterator[str]:
    """The channel on a Sanic server in a thread of its own; yields the server's base URL.

    `on_new_message` stands for the Rasa server's processor (by default Rasa's own, which needs an agent)."""
    app = Sanic(f"channel_test_{uuid.uuid4().hex}")
    configure_cors(app, None)
    if on_new_message is None:
        register([channel], app, "/webhooks/")
    else:
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.url_prefix()}")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    servers: list[Any] = []

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def start() -> None:
            server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
            await server.startup()
            await server.before_start()
            await server.after_start()
            await server.start_serving()
            servers.append(server)

        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(15), "the test server did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:

        async def stop() -> None:
            server = servers[0]
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        sock.close()
