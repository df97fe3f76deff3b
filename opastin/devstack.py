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
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOGS = ROOT / "var" / "log"
ACTION_TOKEN = "OPASTIN_ACTION_TOKEN"  # set: the action server answers only with it, and Rasa sends it


def rest_token() -> str:
    """The REST channel's token for servers started here (OPASTIN_REST_TOKEN, made up when unset)."""
    return os.environ.setdefault("OPASTIN_REST_TOKEN", secrets.token_urlsafe(24))


def rest_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {rest_token()}"}


def api_token() -> str:
    """The Rasa HTTP API's token for servers started here: tests read trackers through it; `make run` has no API."""
    return os.environ.setdefault("OPASTIN_API_TOKEN", secrets.token_urlsafe(24))


def api_params() -> dict[str, str]:
    return {"token": api_token()}


def webchat_session(base: str, token: str | None = None) -> dict[str, str]:
    """A web chat conversation as the widget starts it: {"sender", "token", ...} from POST /session on the
    server at `base` (http://127.0.0.1:PORT); with `token`, that conversation's renewal."""
    headers = webchat_headers(token) if token else {}
    answer = requests.post(f"{base}/webhooks/webchat/session", headers=headers, timeout=30)
    answer.raise_for_status()
    return answer.json()


def webchat_headers(token: str) -> dict[str, str]:
    """What the widget sends with each request of its conversation (the token never goes in a URL)."""
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/plain;charset=UTF-8"}


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


def endpoints_file(action_port: int, extra: str = "", action_token: str | None = None) -> str:
    """A temporary endpoints.yml for servers started here: the action server's port (and its token, when the
    action server is started with one), the SQL tracker store."""
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as endpoints:
        endpoints.write(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  enable_selective_domain: true\n'
            + (f'  token: "{action_token}"\n' if action_token else "")
            + "tracker_store:\n  type: opastin.tracker_store.RedactedSQLTrackerStore\n"
            + extra
        )
    return endpoints.name


def environment(env: dict[str, str] | None) -> dict[str, str]:
    rest_token()  # the REST channel is closed without one; this process's clients send the same
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        **(env or {}),
    }


def start_actions(port: int, env: dict[str, str], log_name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=open(LOGS / f"{log_name}-actions.log", "w"),  # noqa: SIM115 - the process owns it
        stderr=subprocess.STDOUT,
    )


def start_rasa(port: int, model: str, endpoints: str, env: dict[str, str], log_name: str) -> subprocess.Popen:
    command = [str(BIN / "rasa"), "run", "--interface", "127.0.0.1", "-m", model]
    command += ["--enable-api", "--auth-token", api_token()]  # never an open API, not even in tests
    command += ["--port", str(port), "--endpoints", endpoints, "--credentials", "credentials.yml"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=open(LOGS / f"{log_name}.log", "w"), stderr=subprocess.STDOUT
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Stack:
    """The running servers: the Rasa server's base URL and both processes (a benchmark reads their memory)."""

    base: str
    rasa: subprocess.Popen
    actions: subprocess.Popen


@contextmanager
def stack(
    model: str | None = None,
    *,
    action_port: int | None = None,
    rasa_port: int | None = None,
    env: dict[str, str] | None = None,
    name: str = "stack",
) -> Iterator[Stack]:
    """Both servers while they run, with their processes; stopped at the end, also on an error."""
    action_port = action_port or free_port()
    rasa_port = rasa_port or free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    variables = environment(env)
    endpoints = endpoints_file(action_port, action_token=variables.get(ACTION_TOKEN))
    actions = start_actions(action_port, variables, name)
    rasa = start_rasa(rasa_port, str(model or newest_model()), endpoints, variables, f"{name}-rasa")
    try:
        wait_until(f"http://127.0.0.1:{action_port}/health", 120, actions)
        wait_until(f"http://127.0.0.1:{rasa_port}/", 300, rasa)  # answers once the model is loaded
        yield Stack(f"http://127.0.0.1:{rasa_port}", rasa, actions)
    finally:
        stop([rasa, actions])
        os.unlink(endpoints)


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
    with stack(model, action_port=action_port, rasa_port=rasa_port, env=env, name=name) as running:
        yield running.base
