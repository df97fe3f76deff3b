"""A person's tab on the web chat, as the widget behaves (webchat/src/stream.js), for tests over HTTP.

It starts its conversation with POST /webhooks/webchat/session (a token), posts each message to POST
/message and reads everything the assistant says from the push stream GET /stream (Server-Sent
Events) in a thread of its own. When the stream breaks it reconnects with since=<the last number it
saw>, as the widget does, and skips what it already has. Every request goes through `headers()`.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from typing import Any

import requests

from opastin.devstack import webchat_headers, webchat_session

Message = dict[str, Any]
RECONNECT_SECONDS = 0.5  # the widget's EventSource waits the server's `retry:` (2 s); a test need not


class Tab:
    def __init__(self, post_base: str, stream_base: str | None = None) -> None:
        """`post_base` gets the messages and `stream_base` (the same by default) serves the stream: two
        Rasa processes when a test wants an answer to cross between them (they accept each other's tokens)."""
        self.post_base = post_base
        self.stream_base = stream_base or post_base
        conversation = webchat_session(post_base)
        self.sender, self.token = conversation["sender"], conversation["token"]
        self.received: list[tuple[int, Message]] = []
        self.reconnects = 0
        self._read = 0  # how many of `received` a turn has already returned
        self._changed = threading.Condition()
        self._connected = threading.Event()
        self._closed = threading.Event()
        self._response: requests.Response | None = None
        self._thread = threading.Thread(target=self._listen, name=f"tab-{self.sender[:6]}", daemon=True)

    def url(self, base: str, route: str) -> str:
        return f"{base}/webhooks/webchat/{route}"

    def headers(self) -> dict[str, str]:
        return webchat_headers(self.token)

    @property
    def last(self) -> int:
        return self.received[-1][0] if self.received else 0

    def open(self) -> Tab:
        self._thread.start()
        if not self._connected.wait(30):
            raise AssertionError("the push stream did not open within 30 s")
        return self

    def close(self) -> None:
        """Closes the stream at once, as a closing tab does (a blocked read wakes only when its socket shuts)."""
        self._closed.set()
        response = self._response
        connection = getattr(response.raw, "connection", None) if response is not None else None
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if response is not None:
            response.close()
        self._thread.join(10)
        assert not self._thread.is_alive(), "the tab's stream did not close"

    def send(self, text: str, language: str = "fi") -> requests.Response:
        """Posts a message; the answer comes through the stream."""
        return requests.post(
            self.url(self.post_base, "message"),
            data=json.dumps({"message": text, "metadata": {"language": language}}),
            headers=self.headers(),
            timeout=120,
        )

    def messages_until(self, last: int, timeout: float = 60) -> list[Message]:
        """The messages received since the previous call, up to and including number `last`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.last < last:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the stream did not deliver message {last} within {timeout:.0f} s")
                self._changed.wait(left)
            new = [message for seq, message in self.received[self._read :] if seq <= last]
            self._read += len(new)
            return new

    def unread(self) -> list[Message]:
        with self._changed:
            return [message for _, message in self.received[self._read :]]

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                with requests.get(
                    self.url(self.stream_base, "stream"),
                    params={"since": self.last},
                    headers=self.headers(),
                    stream=True,
                    timeout=(5, 60),  # the server sends a keep-alive every 15 s
                ) as response:
                    self._response = response
                    if response.status_code == 200:
                        self._connected.set()
                        self._read_events(response)
            except (requests.RequestException, AttributeError, ValueError):
                pass  # a broken stream (AttributeError: closed under the reader by close())
            if not self._closed.is_set():
                self.reconnects += 1
                time.sleep(RECONNECT_SECONDS)

    def _read_events(self, response: requests.Response) -> None:
        seq, data = 0, None
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("id: "):
                seq = int(line[4:])
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                with self._changed:
                    if seq > self.last:  # a reconnect may send again what came just before the break
                        self.received.append((seq, data))
                        self._changed.notify_all()
                seq, data = 0, None
