"""The scaled profile's nginx (opastin/scaled.py) keeps one conversation on one process: every request of a web
chat conversation, whatever token of it (renewed ones too), and REST's ?sender=. Two tiny servers that say
who they are stand for the Rasa processes; the nginx configuration is the profile's own."""

from __future__ import annotations

import http.server
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from opastin.channels.session_token import SessionSigner
from opastin.devstack import LOGS, free_port, wait_until
from opastin.scaled import nginx_binary, nginx_conf


class Named(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/host":
            body = str(self.headers.get("Host")).encode()
        else:
            body = str(self.connection.getsockname()[1]).encode()  # the port: which process this is
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    upstreams = [http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Named) for _ in range(2)]
    for server in upstreams:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    folder: Path = tmp_path_factory.mktemp("nginx")
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = nginx_conf(folder, port, [server.server_address[1] for server in upstreams])
    process = subprocess.Popen([nginx_binary(), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_until(f"http://127.0.0.1:{port}/", 30, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)
        for server in upstreams:
            server.shutdown()


def reached(base: str, path: str, headers: dict[str, str] | None = None) -> str:
    return requests.get(f"{base}{path}", headers=headers or {}, timeout=10).text


def issued_at(key: bytes, sender: str, second: float) -> str:
    return SessionSigner(key, clock=lambda: second).issue(sender).token


def test_every_token_of_a_conversation_reaches_the_same_process(nginx: str) -> None:
    key = secrets.token_bytes(32)
    where: dict[str, set[str]] = {}
    for n in range(24):
        sender = SessionSigner(key).issue().sender
        tokens = [issued_at(key, sender, time.time() + second) for second in range(3)]  # renewals
        where[sender] = {
            reached(nginx, path, {"Authorization": f"Bearer {token}"})
            for token in tokens
            for path in ("/webhooks/webchat/message", "/webhooks/webchat/stream?since=5")
        }
        assert len(where[sender]) == 1, f"conversation {n} went to {where[sender]}"
    assert len(set().union(*where.values())) == 2  # and the conversations are shared between the two


def test_rest_conversations_are_kept_together_by_their_sender(nginx: str) -> None:
    rest = {"Authorization": f"Bearer {secrets.token_urlsafe(24)}"}  # one token for every REST conversation
    places = {reached(nginx, f"/webhooks/rest/webhook?sender=s{n}", rest) for n in range(24)}
    assert len(places) == 2
    for n in range(5):
        assert len({reached(nginx, f"/webhooks/rest/webhook?sender=s{n}", rest) for _ in range(3)}) == 1


def test_the_processes_see_the_address_the_browser_used(nginx: str) -> None:
    """Host with its port: the web chat takes a page of its own by comparing Origin with it."""
    assert reached(nginx, "/host") == nginx.removeprefix("http://")
