"""Shared fixtures: seeded directories on real SQLite and PostgreSQL, trackers as Rasa sends them, and
`run_action`, which runs an action the way the action server does and returns its events and messages."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

import pytest
import requests
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory.client import DirectoryClient
from actions.directory.seed import ensure_seeded
from opastin import setup_databases
from opastin.db import engine_for
from opastin.devstack import free_port, rest_headers, servers
from opastin.handoff.queue import HandoffStore

TESTS = Path(__file__).parent
DOMAIN_FILE = TESTS.parent / "domain.yml"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def new_handoff_store(folder: Path) -> HandoffStore:
    """A live-chat queue on its own SQLite file, with its tables made as `make databases` makes them."""
    store = HandoffStore(f"sqlite:///{folder / 'handoff.db'}")
    store.create_schema()
    return store


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.db'}"
    ensure_seeded(url)
    return url


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded directory file to copy: seeding takes seconds, a copy none."""
    path = tmp_path_factory.mktemp("seeded") / "directory.db"
    ensure_seeded(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def own_sqlite_directory(seeded_sqlite_file: Path, tmp_path: Path) -> str:
    """A seeded directory of the test's own, for tests that change it (the session's must stay as seeded)."""
    shutil.copy(seeded_sqlite_file, tmp_path / "directory.db")
    return f"sqlite:///{tmp_path / 'directory.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def own_directory(request: pytest.FixtureRequest) -> Iterator[str]:
    """The same on SQLite and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield request.getfixturevalue("own_sqlite_directory")
    else:
        with fresh_postgres_database() as url:
            ensure_seeded(url)
            yield url


def in_ci() -> bool:
    """CI services set CI (GitHub Actions and GitLab set CI=true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def postgres_missing(reason: str) -> NoReturn:
    """Skipped on a developer's machine without PostgreSQL; under CI a missing database is an error."""
    if in_ci():
        pytest.fail(
            f"{reason}\nCI must run the PostgreSQL variants: start PostgreSQL or set TEST_POSTGRES_ADMIN_URL "
            "(they are skipped only outside CI).",
            pytrace=False,
        )
    pytest.skip(reason)


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; skipped when no server answers,
    except under CI (env CI set), where that fails the tests."""
    try:
        import psycopg2
    except ImportError as error:
        postgres_missing(f"psycopg2 cannot be imported: {error}")
    admin, problem = None, ""
    try:
        admin = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError as error:
        problem = " ".join(str(error).split())
    if admin is None:  # outside the except block: the reason alone, not a chained traceback
        postgres_missing(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {problem}")
    admin.autocommit = True
    name = f"opastin_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A seeded directory on PostgreSQL for the session."""
    with fresh_postgres_database() as url:
        ensure_seeded(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def directory_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def client(directory_url: str) -> DirectoryClient:
    return DirectoryClient(directory_url)


@pytest.fixture
def sqlite_client(sqlite_url: str) -> DirectoryClient:
    return DirectoryClient(sqlite_url)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The slots and forms of domain.yml, as the action server receives them."""
    whole = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    return {"slots": whole.get("slots") or {}, "forms": whole.get("forms") or {}}


def make_tracker(
    text: str = "",
    intent: str | None = None,
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    earlier_user_messages: int = 0,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    input_channel: str | None = None,
    sender_id: str = "test",
) -> Tracker:
    """A tracker as Rasa sends it to the action server after the latest user message.

    `events` are earlier events of the session (after its start, before the latest message);
    `earlier_user_messages` adds that many plain user/bot exchanges after them.
    """
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    history: list[dict[str, Any]] = [{"event": "session_started"}, {"event": "action", "name": "action_listen"}]
    history += events or []
    for n in range(earlier_user_messages):
        history += [{"event": "user", "text": f"earlier {n}"}, {"event": "bot", "text": "ok"}]
    history.append({"event": "user", "text": text, "parse_data": latest, "input_channel": input_channel})
    base_slots = {"language": "fi", "notice_given": False}
    return Tracker(
        sender_id=sender_id,
        slots={**base_slots, **(slots or {})},
        latest_message=latest,
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


class ActionRun(NamedTuple):
    """What one run of an action did: the events it returned (in order) and the messages it sent."""

    events: list[EventType]
    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [message["text"] for message in self.messages]


def run_action(action: Action, tracker: Tracker, domain: DomainDict | None = None) -> ActionRun:
    """Runs `action` (an action or a form validation action) as the action server does: with a
    CollectingDispatcher, the tracker and the domain. Unpacks as `events, messages`."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain if domain is not None else {}))
    return ActionRun(events, dispatcher.messages)


def bot_message(text: str, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The message `dispatcher.utter_message(text=..., buttons=...)` sends, for exact comparisons."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text=text, buttons=buttons)
    return dispatcher.messages[0]


# --------------------------------------------------------------------------- the real stack (e2e, browser)

Say = Callable[..., list[dict[str, Any]]]
NEEDS_SERVERS = (TESTS / "e2e", TESTS / "browser", TESTS / "scaled")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/e2e and tests/browser talk to the real servers: `make test-unit` leaves them out."""
    for item in items:
        if any(folder in Path(item.path).parents for folder in NEEDS_SERVERS):
            item.add_marker(pytest.mark.e2e)


COUNTIES = ("paijat-hame", "vantaa-kerava", "satakunta")


def stack_stores(folder: Path, max_queue: int = 20) -> dict[str, str]:
    """A test stack's own databases in `folder` (the directory seeded, the stores' tables made) and live chat
    staffed whenever the tests run: the servers' environment for them."""
    urls = {kind: f"sqlite:///{folder / kind}.db" for kind in ("directory", "reporting", "handoff", "tracker")}
    ensure_seeded(urls["directory"])
    setup_databases.create_all(urls["handoff"], urls["reporting"], urls["tracker"])
    hours = folder / "service_hours.yml"
    hours.write_text(
        "counties:\n"
        + "".join(
            f"  {county}:\n    hours: 'mo-su 00:00-23:59'\n    max_queue: {max_queue}\n"
            "    public_holidays_closed: false\n"
            for county in COUNTIES
        ),
        encoding="utf-8",
    )
    return {**{f"{kind.upper()}_URL": url for kind, url in urls.items()}, "OPASTIN_SERVICE_HOURS": str(hours)}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Both servers, once for the session (a Rasa server takes ~45 s and 1 GB to start)."""
    stores = stack_stores(tmp_path_factory.mktemp("stack"))
    county_site = f"http://127.0.0.1:{free_port()}"  # the one other site allowed to embed the chat
    env = {
        **stores,
        # One test machine is one client address: the per-client limits are unit-tested (test_channel_doors.py).
        "OPASTIN_RATE_PER_ADDRESS": "6000",
        "OPASTIN_RATE_PER_SENDER": "600",
        "OPASTIN_SESSIONS_PER_ADDRESS": "6000",
        "OPASTIN_ALLOWED_ORIGINS": county_site,
    }
    with servers(env=env, name="e2e") as base:
        yield {
            "base": base,
            "county_site": county_site,
            **{kind: stores[f"{kind.upper()}_URL"] for kind in ("directory", "reporting", "handoff", "tracker")},
        }


@pytest.fixture
def conversation(stack: dict[str, str]) -> Say:
    """say(text, **metadata) → the bot's messages, in one new conversation per test."""
    sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(text: str, **metadata: Any) -> list[dict[str, Any]]:
        response = requests.post(
            f"{stack['base']}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
            headers=rest_headers(),
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    return say
