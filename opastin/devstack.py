"""The action server and the Rasa server as `make run` starts them, on spare ports, for tests and benchmarks.

Talks to them only over loopback and stops them at the end; logs go to var/log/.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def rest_token() -> str:
    """The REST channel's token for servers started here (OPASTIN_REST_TOKEN, made up when unset)."""
    return os.environ.setdefault("OPASTIN_REST_TOKEN", secrets.token_urlsafe(24))


def rest_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {rest_token()}"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model in models/: run `make train` first")
    return models[-1]


def wait_until(url: str, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}; see var/log/")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")


@contextmanager
def servers(
    model: str | None = None,
    *,
    action_port: int | None = None,
    rasa_port: int | None = None,
    env: dict[str, str] | None = None,
    name: str = "stack",
) -> Iterator[str]:
    """Yields the Rasa server's base URL (http://127.0.0.1:PORT) while both servers run."""
    action_port = action_port or free_port()
    rasa_port = rasa_port or free_port()
    logs = ROOT / "var" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as endpoints:
        endpoints.write(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  enable_selective_domain: true\n'
            "tracker_store:\n  type: opastin.tracker_store.RedactedSQLTrackerStore\n"
        )
    rest_token()  # the REST channel is closed without one; this process's clients send the same
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        **(env or {}),
    }
    actions = subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server", "--port", str(action_port)],
        cwd=ROOT,
        env=environment,
        stdout=open(logs / f"{name}-actions.log", "w"),
        stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--interface",
            "127.0.0.1",
            "--enable-api",
            "-m",
            str(model or newest_model()),
            "--port",
            str(rasa_port),
            "--endpoints",
            endpoints.name,
            "--credentials",
            "credentials.yml",
        ],
        cwd=ROOT,
        env=environment,
        stdout=open(logs / f"{name}-rasa.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(f"http://127.0.0.1:{action_port}/health", 120, actions)
        wait_until(f"http://127.0.0.1:{rasa_port}/status", 300, rasa)
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        os.unlink(endpoints.name)
