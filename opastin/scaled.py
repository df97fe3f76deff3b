"""The profile for more than one process: 2 Rasa servers and 1 action server behind nginx, on loopback.

    make run-scaled        (python -m opastin.scaled)

It uses the machine's own services: PostgreSQL for conversations, the hand-over queue, figures and
the directory (a database each, made when missing); Redis for Rasa's lock store and the push hub
(a message posted to one Rasa process reaches a web chat or console stream held by the other);
RabbitMQ (pika, as Rasa supports) as the event broker the monthly figures read. nginx keeps one
conversation on one Rasa process (hashing its id: the sender in a web chat token, REST's ?sender=), so its
messages are answered in order there. Both Rasa processes sign and check web chat tokens with the same key
(var/webchat.key, made by `opastin.setup_databases` before they start, or OPASTIN_WEBCHAT_SECRET).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from opastin.devstack import (
    LOGS,
    ROOT,
    endpoints_file,
    environment,
    free_port,
    newest_model,
    start_actions,
    start_rasa,
    stop,
    wait_until,
)

POSTGRES = os.environ.get("SCALED_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SCALED_REDIS", "redis://127.0.0.1:6379")
RABBITMQ_HOST = os.environ.get("SCALED_RABBITMQ_HOST", "127.0.0.1")
DATABASES = {
    "TRACKER_URL": "tracker",
    "HANDOFF_URL": "handoff",
    "REPORTING_URL": "reporting",
    "DIRECTORY_URL": "directory",
}
EVENTS_QUEUE = "opastin_events"


def broker_endpoints(redis: str = REDIS, queue: str = EVENTS_QUEUE) -> str:
    """endpoints.yml's lock store (Redis db 1, riding over a Redis restart) and event broker (RabbitMQ); a
    benchmark or a test names its own queue."""
    where = urlsplit(redis)
    return f"""lock_store:
  type: opastin.lock_store.PatientRedisLockStore
  url: {where.hostname or "127.0.0.1"}
  port: {where.port or 6379}
  db: 1
  key_prefix: opastin
event_broker:
  type: pika
  url: {RABBITMQ_HOST}
  username: guest
  password: guest
  queues:
    - {queue}
"""


@dataclass
class Scaled:
    base: str  # nginx: what people and the console use
    rasa: list[str]  # each Rasa process directly, for tests
    env: dict[str, str]
    processes: list[subprocess.Popen]  # the Rasa processes, in the order of `rasa` (a fault test kills one)
    actions: subprocess.Popen  # the action server and nginx, for a benchmark that reads their memory
    nginx: subprocess.Popen
    events_queue: str  # RabbitMQ's queue of the conversations' events (redacted)


def database_urls(prefix: str, postgres: str = POSTGRES) -> dict[str, str]:
    return {variable: f"{postgres}/{prefix}_{name}" for variable, name in DATABASES.items()}


def create_databases(urls: dict[str, str], postgres: str = POSTGRES) -> None:
    """Each database made when missing (trust auth on loopback, as the machine's PostgreSQL has)."""
    import psycopg2

    admin = psycopg2.connect(f"{postgres}/postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        for url in urls.values():
            name = url.rsplit("/", 1)[1]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def nginx_conf(folder: Path, port: int, upstreams: list[int]) -> Path:
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams)
    temp = "".join(
        f"  {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {LOGS / f"{folder.name}-nginx.log"} warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_max_body_size 64k;
{temp}  # One conversation, one Rasa process. The web chat's conversation is the sender at the start of its
  # token (Authorization: Bearer <sender>.<issued>.<signature>, opastin/channels/session_token.py): the
  # same for every request of it, renewed tokens included. Other callers (REST) name it as ?sender=.
  # Nothing is trusted here: the process checks the token's signature.
  map $http_authorization $conversation {{
    "~*^bearer\\s+([A-Za-z0-9_-]{{16,64}})\\.[0-9]+\\." $1;
    default $arg_sender;
  }}
  upstream rasa {{
    hash $conversation consistent;
{servers}  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;  # with the port: the web chat compares it with a page's Origin
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;  # Server-Sent Events go through at once
      proxy_read_timeout 1h;
    }}
  }}
}}
""",
        encoding="utf-8",
    )
    return conf


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise SystemExit("nginx is not installed: run `make setup-nginx` (Debian's nginx)")
    return found


async def delete_queue(name: str) -> None:
    """A test's or a benchmark's event queue goes when it is done: nobody reads it, and it must not pile up."""
    import aio_pika

    connection = await aio_pika.connect_robust(f"amqp://guest:guest@{RABBITMQ_HOST}/", timeout=10)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


def service_problems() -> list[str]:
    """What the profile needs and does not find (empty when PostgreSQL, Redis, RabbitMQ and nginx are there)."""
    import psycopg2

    problems = []
    try:
        psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=5).close()
    except psycopg2.Error as error:
        problems.append(f"PostgreSQL does not answer at {POSTGRES}: {' '.join(str(error).split())}")
    redis = urlsplit(REDIS)
    if not _answers(redis.hostname or "127.0.0.1", redis.port or 6379, b"PING\r\n", b"+PONG"):
        problems.append(f"Redis does not answer PING at {REDIS}")
    if not _answers(RABBITMQ_HOST, 5672, b"AMQP\x00\x00\x09\x01", b"\x01"):
        problems.append(f"RabbitMQ does not answer AMQP at {RABBITMQ_HOST}:5672")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        problems.append("nginx is not installed: run `make setup-nginx`")
    return problems


def _answers(host: str, port: int, hello: bytes, expected_start: bytes) -> bool:
    """Whether a server answers a protocol's first words as that protocol does."""
    try:
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(hello)
            return connection.recv(16).startswith(expected_start)
    except OSError:
        return False


def prepare(prefix: str, postgres: str = POSTGRES, redis: str = REDIS) -> dict[str, str]:
    """Databases, tables and the seeded directory of the profile; returns the servers' environment."""
    urls = database_urls(prefix, postgres)
    create_databases(urls, postgres)
    variables = {**urls, "PUSH_HUB_URL": f"{redis}/2"}
    subprocess.run(
        [sys.executable, "-m", "opastin.setup_databases"],
        cwd=ROOT,
        env=environment(variables),
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "actions.directory.seed"],
        cwd=ROOT,
        env=environment(variables),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return variables


@contextmanager
def scaled_servers(
    *,
    prefix: str = "opastin",
    port: int | None = None,
    processes: int = 2,
    env: dict[str, str] | None = None,
    postgres: str = POSTGRES,
    redis: str = REDIS,
    name: str = "scaled",
    events_queue: str = EVENTS_QUEUE,
) -> Iterator[Scaled]:
    """The profile on `postgres` (a server's URL without a database) and `redis`, the machine's by default;
    logs in var/log/NAME-*."""
    LOGS.mkdir(parents=True, exist_ok=True)
    # nginx is the only client of the Rasa processes (loopback): the address it adds to X-Forwarded-For is
    # the person's, for the per-address limits of the web chat and the console's throttling and audit log.
    variables = environment({**prepare(prefix, postgres, redis), "OPASTIN_TRUST_PROXY": "1", **(env or {})})
    action_port, rasa_ports, port = free_port(), [free_port() for _ in range(processes)], port or free_port()
    endpoints = endpoints_file(action_port, broker_endpoints(redis, events_queue))
    folder = ROOT / "var" / name
    folder.mkdir(parents=True, exist_ok=True)
    model, nginx_path = str(newest_model()), nginx_binary()
    started = [start_actions(action_port, variables, name)]
    started += [start_rasa(p, model, endpoints, variables, f"{name}-rasa-{n}") for n, p in enumerate(rasa_ports)]
    nginx = subprocess.Popen(
        [nginx_path, "-c", str(nginx_conf(folder, port, rasa_ports))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(f"http://127.0.0.1:{action_port}/health", 120, started[0])
        for rasa_port, process in zip(rasa_ports, started[1:], strict=True):
            wait_until(f"http://127.0.0.1:{rasa_port}/", 300, process)
        wait_until(f"http://127.0.0.1:{port}/", 30, nginx)
        rasa = [f"http://127.0.0.1:{p}" for p in rasa_ports]
        yield Scaled(f"http://127.0.0.1:{port}", rasa, variables, started[1:], started[0], nginx, events_queue)
    finally:
        stop([nginx, *reversed(started)])
        os.unlink(endpoints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args()
    with scaled_servers(port=args.port) as stack:
        print(f"Opastin (scaled: {len(stack.rasa)} Rasa processes behind nginx) is running:")
        print(f"  {stack.base}/webhooks/webchat/    staff console: {stack.base}/webhooks/console/")
        print("Logs are in var/log/scaled-*. Stop with Ctrl+C.")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
