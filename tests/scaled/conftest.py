"""One scaled stack for every test here, on a private PostgreSQL and Redis that the fault tests restart.

A Rasa process costs ~45 s and 1.1 GB to start, so the files share one stack (2 Rasa processes +
1 action server behind nginx). It runs on real PostgreSQL and Redis servers of its own
(tests/private_services.py): the machine's serve other tests at the same moment and are never
restarted here. RabbitMQ is the machine's. The test that kills a Rasa process runs last.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from opastin.scaled import Scaled, delete_queue, scaled_servers
from tests.private_services import PrivatePostgres, PrivateRedis, private_postgres, private_redis

KILLS_A_PROCESS = "test_a_killed_process_loses_no_turn_and_doubles_none"


@dataclass
class Services:
    postgres: PrivatePostgres
    redis: PrivateRedis


@pytest.fixture(scope="package")
def services() -> Iterator[Services]:
    with private_postgres() as postgres, private_redis() as redis:
        yield Services(postgres, redis)


@pytest.fixture(scope="package")
def scaled(services: Services) -> Iterator[Scaled]:
    prefix = f"opastin_test_{uuid.uuid4().hex[:6]}"
    queue = f"{prefix}_events"  # its own RabbitMQ queue, deleted after: the machine's RabbitMQ keeps nothing of it
    try:
        with scaled_servers(
            prefix=prefix, postgres=services.postgres.url, redis=services.redis.url, events_queue=queue
        ) as stack:
            yield stack
    finally:
        with ThreadPoolExecutor(1) as pool:  # its own event loop
            pool.submit(asyncio.run, delete_queue(queue)).result(timeout=60)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The stack is shared: the test that kills one of its processes goes after all the others."""
    items.sort(key=lambda item: item.name == KILLS_A_PROCESS)
