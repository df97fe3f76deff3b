"""The real stack for end-to-end tests: the trained model, the action server and a seeded directory."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from actions.directory.seed import ensure_seeded
from opastin.devstack import servers

Say = Callable[..., list[dict[str, Any]]]


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder needs the real servers; the hook sees the whole session's items."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Both servers, once for the session (a Rasa server takes ~45 s and 1 GB to start)."""
    folder = tmp_path_factory.mktemp("stack")
    directory = f"sqlite:///{folder / 'directory.db'}"
    reporting = f"sqlite:///{folder / 'reporting.db'}"
    ensure_seeded(directory)
    with servers(env={"DIRECTORY_URL": directory, "REPORTING_URL": reporting}, name="e2e") as base:
        yield {"base": base, "directory": directory, "reporting": reporting}


@pytest.fixture
def conversation(stack: dict[str, str]) -> Say:
    """say(text, **metadata) → the bot's messages, in one new conversation per test."""
    sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(text: str, **metadata: Any) -> list[dict[str, Any]]:
        response = requests.post(f"{stack['base']}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text, "metadata": metadata}, timeout=60)
        response.raise_for_status()
        return response.json()

    return say
