"""The action server answers only the Rasa server and never echoes a tracker, over real HTTP on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from opastin.devstack import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
CRASHING_CALL = {  # a text that is not text: the action fails
    "next_action": "action_validate_slot_mappings",
    "tracker": {"sender_id": "x", "slots": {}, "events": [], "latest_message": {"text": ["soita 040 123 4567"]}},
    "domain": {},
}
LISTING = "/actions"


def start(tmp_path: Path, **env: str) -> Iterator[str]:
    port = free_port()
    log = open(tmp_path / "actions.log", "w")  # closed below, after the process
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(f"http://127.0.0.1:{port}/health", 90, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def loopback_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(tmp_path_factory.mktemp("loopback"), OPASTIN_ACTION_TOKEN="")


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(tmp_path_factory.mktemp("token"), OPASTIN_ACTION_TOKEN="s3cret")


def test_a_caller_on_this_machine_is_answered(loopback_only: str) -> None:
    answer = requests.get(loopback_only + LISTING, timeout=10)
    assert answer.status_code == 200
    assert {"name": "action_show_services"} in answer.json()


def test_a_failing_action_never_echoes_the_tracker(
    loopback_only: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    answer = requests.post(loopback_only + "/webhook", json=CRASHING_CALL, timeout=10)
    assert answer.status_code == 500
    assert answer.json() == {"error": "the action failed"}
    assert "040" not in answer.text


def test_with_a_token_configured_only_the_token_opens(with_token: str) -> None:
    assert requests.get(with_token + LISTING, timeout=10).status_code == 403
    assert requests.get(with_token + LISTING, params={"token": "wrong"}, timeout=10).status_code == 403
    assert requests.get(with_token + LISTING, params={"token": "s3cret"}, timeout=10).status_code == 200
    assert requests.get(with_token + "/health", timeout=10).status_code == 200  # for the orchestrator's probe
