"""The three systems the load benchmark compares, each started on spare loopback ports and stopped after.

- stock:   the stock `rasa init` project (bench/stock.py), one Rasa process, conversations in memory.
- opastin: this project as tests run it (opastin/devstack.py): one Rasa process and the action
           server, SQLite tracker store (a fresh file per run), in-memory lock store.
- scaled:  the scaled profile (opastin/scaled.py): 2 Rasa processes and 1 action server behind nginx,
           on PostgreSQL, Redis and RabbitMQ (its own databases `opastin_bench_*` and event queue).

`measure_system` warms a system up, runs the scenarios while reading its processes' memory and CPU,
and profiles its Rasa processes with py-spy in a separate pass (so the profiler never slows the
measured numbers).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from bench import load, profile
from bench.procs import ProcessWatch, Usage
from opastin.devstack import ROOT, environment, newest_model, rest_headers, stack

SYSTEMS = {
    "stock": "stock rasa init, 1 process",
    "opastin": "Opastin, 1 process",
    "scaled": "Opastin scaled: 2 Rasa + nginx",
}
STOCK_CONFIG = "DIET, ResponseSelector, TED, UnexpecTED intent, rules, memoization"
BENCH_PREFIX = "opastin_bench"
BENCH_QUEUE = "opastin_bench_events"
PROFILES = ROOT / "results" / "profile"


@dataclass
class System:
    """A running system: where to send messages, and its processes by name (for memory, CPU and py-spy)."""

    key: str
    target: load.Target
    processes: dict[str, subprocess.Popen]
    profiled: list[str]  # the processes py-spy samples: the Rasa servers
    notes: list[str] = field(default_factory=list)


@dataclass
class ScenarioResult:
    numbers: load.Numbers
    usage: Usage


@dataclass
class SystemResult:
    key: str
    label: str
    notes: list[str]
    scenarios: list[ScenarioResult]
    profile: profile.Profile | None = None
    profile_seconds: float = 0.0
    profile_msg_per_s: float = 0.0


def seed_databases(variables: dict[str, str]) -> None:
    """Tables and the seeded directory, as `make databases` makes them (the servers never create them)."""
    for module in ("opastin.setup_databases", "actions.directory.seed"):
        subprocess.run(
            [sys.executable, "-m", module], cwd=ROOT, env=environment(variables), check=True, stdout=subprocess.DEVNULL
        )


@contextmanager
def start_stock() -> Iterator[System]:
    from bench.stock import ensure_stock_project, stock_server

    model, how = ensure_stock_project()
    with stock_server(model) as (base, process):
        yield System(
            "stock",
            load.Target(f"{base}/webhooks/rest/webhook"),
            {"rasa": process},
            ["rasa"],
            [f"stock project: {how}", f"its default config: {STOCK_CONFIG}"],
        )


@contextmanager
def start_opastin() -> Iterator[System]:
    with tempfile.TemporaryDirectory(prefix="opastin-bench-") as folder:
        variables = {"TRACKER_URL": f"sqlite:///{folder}/tracker.db"}  # a fresh conversation store each run
        seed_databases(variables)
        model = newest_model()
        with stack(str(model), env=variables, name="bench") as running:
            yield System(
                "opastin",
                load.Target(f"{running.base}/webhooks/rest/webhook", rest_headers()),
                {"rasa": running.rasa, "actions": running.actions},
                ["rasa"],
                [f"model {model.name}", "SQLite tracker store (fresh file), in-memory lock store"],
            )


def reset_bench_tracker() -> None:
    """Drops the bench's own conversation database, so every run starts from an empty tracker store."""
    import psycopg2

    from opastin.scaled import POSTGRES

    admin = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_PREFIX}_tracker"')
    admin.close()


def check_scaled_services() -> None:
    """PostgreSQL, Redis, RabbitMQ and nginx answer, or the run stops here saying which does not."""
    from opastin.scaled import service_problems

    problems = service_problems()
    if problems:
        raise SystemExit(
            "the scaled profile cannot run:\n  " + "\n  ".join(problems) + "\n(`python -m bench.load --system "
            "stock` and `--system opastin` need none of them)"
        )


@contextmanager
def start_scaled() -> Iterator[System]:
    from opastin.scaled import delete_queue, scaled_servers

    check_scaled_services()
    reset_bench_tracker()
    try:
        with scaled_servers(prefix=BENCH_PREFIX, events_queue=BENCH_QUEUE) as running:
            named = {f"rasa-{n}": process for n, process in enumerate(running.processes)}
            yield System(
                "scaled",
                load.Target(f"{running.base}/webhooks/rest/webhook", rest_headers()),
                {**named, "actions": running.actions, "nginx": running.nginx},
                list(named),
                [
                    f"model {newest_model().name}, through nginx (hash of ?sender=)",
                    "PostgreSQL tracker store, Redis lock store, RabbitMQ event broker (own queue, deleted after)",
                ],
            )
    finally:
        try:
            asyncio.run(delete_queue(BENCH_QUEUE))
        except Exception as error:  # noqa: BLE001 - a leftover queue is worth a line, not a failed bench
            print(f"note: could not delete RabbitMQ queue {BENCH_QUEUE}: {error}")


STARTERS = {"stock": start_stock, "opastin": start_opastin, "scaled": start_scaled}


def measure_system(key: str, args: argparse.Namespace) -> SystemResult:
    """Start the system, warm it up, run the scenarios, profile it, stop it (also on Ctrl+C or an error)."""
    print(f"\n=== {SYSTEMS[key]} ===", flush=True)
    with STARTERS[key]() as system:
        for note in system.notes:
            print(f"  {note}")
        warm = asyncio.run(load.warm_up(system.target, args.concurrent))
        print(f"  warm-up: {warm.answered} answers, {sum(warm.errors.values())} errors (not counted)", flush=True)
        result = SystemResult(key, SYSTEMS[key], system.notes, [])
        pids = {name: process.pid for name, process in system.processes.items()}
        if args.scenario in ("closed", "both"):
            result.scenarios.append(closed(system, pids, args))
        if args.scenario in ("open", "both"):
            result.scenarios.append(opened(system, pids, args))
        if args.profile_seconds > 0:
            profiled(system, result, args)
    return result


def closed(system: System, pids: dict[str, int], args: argparse.Namespace) -> ScenarioResult:
    name = f"{args.concurrent} concurrent"
    print(f"  {name}, no think time, {args.closed_seconds:.0f} s …", flush=True)
    with ProcessWatch(pids) as watch:
        tally, seconds = asyncio.run(load.closed_loop(system.target, args.concurrent, args.closed_seconds))
    return report_line(ScenarioResult(load.summarise(name, tally, seconds), watch.usage))


def opened(system: System, pids: dict[str, int], args: argparse.Namespace) -> ScenarioResult:
    name = f"{args.people} people, 5-15 s"
    print(f"  {name} between messages, {args.open_seconds:.0f} s …", flush=True)
    with ProcessWatch(pids) as watch:
        tally, seconds = asyncio.run(load.open_loop(system.target, args.people, args.open_seconds))
    return report_line(ScenarioResult(load.summarise(name, tally, seconds), watch.usage))


def report_line(result: ScenarioResult) -> ScenarioResult:
    n = result.numbers
    print(
        f"    {n.answered} answered, {n.msg_per_s:.1f} msg/s, p50 {n.p50_ms:.0f} ms, p95 {n.p95_ms:.0f} ms, "
        f"p99 {n.p99_ms:.0f} ms, errors {n.errors}" + (f" {n.error_kinds}" if n.errors else ""),
        flush=True,
    )
    return result


def profiled(system: System, result: SystemResult, args: argparse.Namespace) -> None:
    """A separate closed-loop pass with py-spy on every Rasa process of the system."""
    print(f"  profile: py-spy on {', '.join(system.profiled)} during {args.profile_seconds:.0f} s more …", flush=True)
    PROFILES.mkdir(parents=True, exist_ok=True)
    outputs = {name: PROFILES / f"{system.key}-{name}.txt" for name in system.profiled}
    recordings = [
        (profile.start_recording(system.processes[name].pid, args.profile_seconds, output), output)
        for name, output in outputs.items()
    ]
    time.sleep(0.5)  # py-spy attaches
    tally, seconds = asyncio.run(load.closed_loop(system.target, args.concurrent, args.profile_seconds, seed=23))
    result.profile = profile.finish(recordings)
    result.profile_seconds = seconds
    result.profile_msg_per_s = tally.answered / seconds if seconds else 0.0


def as_json(result: SystemResult, top: int = 40) -> dict[str, Any]:
    """A system's numbers as plain JSON (the profile's counters as dicts, its function lists cut to `top`)."""
    data: dict[str, Any] = {
        "system": result.key,
        "label": result.label,
        "notes": result.notes,
        "scenarios": [{"numbers": asdict(s.numbers), "usage": asdict(s.usage)} for s in result.scenarios],
    }
    if result.profile is not None:
        data["profile"] = {
            "seconds": result.profile_seconds,
            "msg_per_s": result.profile_msg_per_s,
            "samples": result.profile.samples,
            "busy": result.profile.busy,
            "categories": dict(result.profile.categories.most_common()),
            "own": dict(result.profile.own.most_common(top)),
            "total": dict(result.profile.total.most_common(top)),
        }
    return data
