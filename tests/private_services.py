"""Private PostgreSQL and Redis servers for fault tests, on spare ports, which a test may stop and restart.

The machine's own PostgreSQL and Redis serve other tests (and other people's) at the same time, so a
fault test never touches them: it starts the same engines from Debian's binaries in a temporary
folder and restarts those. PostgreSQL refuses to run as root; as root the folder is given to the
`postgres` user and its commands run as that user (runuser). Redis keeps nothing on disk, as in
production here: a restart loses every key.

Outside CI a missing binary skips the test with the reason; under CI (env CI set) it fails it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
import redis

from opastin.devstack import free_port
from tests.conftest import in_ci

POSTGRES_BINARIES = Path("/usr/lib/postgresql")


def missing(reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{reason}\nCI must run the fault tests: install it (apt-get install postgresql redis-server)")
    pytest.skip(reason)


def postgres_bin() -> Path:
    """The newest Debian PostgreSQL's bin folder (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(POSTGRES_BINARIES.glob("*/bin/pg_ctl"), key=_version)
    if not found:
        missing(f"Debian's PostgreSQL binaries (initdb, pg_ctl) are not in {POSTGRES_BINARIES}/*/bin")
    return found[-1].parent


def _version(pg_ctl: Path) -> int:
    version = pg_ctl.parts[-3]
    return int(version) if version.isdigit() else 0


class PrivatePostgres:
    """One PostgreSQL cluster of its own: trust authentication, 127.0.0.1 only, its socket in its folder."""

    def __init__(self, folder: Path) -> None:
        self.bin = postgres_bin()
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_user = _postgres_user_prefix()
        if self.as_user:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{folder}'\n"
                "fsync = off\nfull_page_writes = off\n"  # only restarts here, no crash to survive: less disk work
            )

    @property
    def url(self) -> str:
        """The server's URL without a database (the scaled profile adds its own)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        """As an administrator restarts it: open connections are cut, the server is back when this returns."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-m", "fast", "-w", "-t", "60",
            "restart",
        )  # fmt: skip

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / program), *args]
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _postgres_user_prefix() -> list[str]:
    """PostgreSQL will not run as root: then its commands run as the `postgres` user."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing("running as root, PostgreSQL needs a `postgres` user to run as, and there is none")
    if runuser is None:
        missing("running as root, PostgreSQL must be started as `postgres`, and runuser is missing")
    return [runuser, "-u", "postgres", "--"]


class PrivateRedis:
    """One redis-server of its own on 127.0.0.1, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited ({self.process.returncode}); see {self.folder}") from None
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        """Stopped and started again on the same port: everything it held is gone, as after a real restart."""
        self.stop()
        self.start()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL, running, for the duration; stopped and its folder removed afterwards."""
    with _folder() as folder:
        (folder / "postgres").mkdir()
        postgres = PrivatePostgres(folder / "postgres")
        postgres.start()
        try:
            yield postgres
        finally:
            try:
                postgres.stop("immediate")
            except RuntimeError:
                pass  # stopped by the test and not started again


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A private Redis, running, for the duration."""
    with _folder() as folder:
        redis_ = PrivateRedis(folder)
        redis_.start()
        try:
            yield redis_
        finally:
            redis_.stop()


@contextmanager
def _folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="opastin-faults-"))
    folder.chmod(0o711)  # the postgres user passes through to its own folder
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
