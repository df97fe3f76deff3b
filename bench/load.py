"""Load on a Rasa server's REST channel: scripted fi/sv/en conversations, closed loop and open loop.

- closed loop: N conversations at once with no think time (each sends its next message as soon as
  the answer came) for a fixed time: the most messages a second the server answers.
- open loop: P simulated people, each typing a message every 5–15 s (uniform) for a fixed time:
  latency at a realistic load, which does not slow down when the server does (a person whose
  previous answer has not come yet sends the next at once when it comes, and counts as "late").

Latency is the time to the full answer (the REST channel answers when the turn is done). An error
is a non-2xx status, a timeout, a failed connection or an empty answer. Each message is also sent
with `?sender=<id>` in the URL, which nginx in the scaled profile hashes to keep a conversation on
one Rasa process.

    python -m bench.load --system stock|opastin|scaled [--scenario closed|open|both] [--profile-seconds 20]

(bench/systems.py starts the system, bench/profile.py profiles it, bench/report.py prints the tables.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

# Scripted conversations: what residents ask, in the three languages.
CONVERSATIONS = [
    ["moi", "tarvitsisin hammaslääkärin", "Lahti", "milloin terveysasema on auki", "kiitos"],
    ["hej", "min mamma behöver hemvård", "Vanda", "vad kostar det", "tack"],
    ["hello", "where can i get vaccinated", "Pori", "i need to renew my prescription", "thanks bye"],
    ["mistä saa fysioterapiaa Raumalla", "paljonko se maksaa", "kiitos hei"],
    ["var finns rådgivningen i Kervo", "kan jag prata med en människa", "tack"],
    ["my child has high fever and the health station is closed", "Kerava", "ok thank you"],
]
TIMEOUT_S = 30.0
# Below Sanic's 5 s keep-alive: a connection is never reused just as the server closes it, which
# would count a client-side race as the server's error.
CLIENT_KEEPALIVE_S = 4.0


@dataclass
class Target:
    """Where the messages go: the REST webhook and the headers it needs (Opastin's REST channel has a token)."""

    webhook: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    """What happened to the messages of one run."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    late: int = 0  # open loop: sent after their time because the previous answer had not come yet

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)


@dataclass
class Numbers:
    """One scenario's result, as printed and written to JSON."""

    scenario: str
    seconds: float
    answered: int
    errors: int
    error_kinds: dict[str, int]
    msg_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    late: int


def percentile(values: list[float], q: float) -> float:
    """Nearest rank on the sorted values (NaN when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarise(scenario: str, tally: Tally, seconds: float) -> Numbers:
    lat = tally.latencies_ms
    return Numbers(
        scenario=scenario,
        seconds=seconds,
        answered=tally.answered,
        errors=sum(tally.errors.values()),
        error_kinds=dict(tally.errors),
        msg_per_s=tally.answered / seconds if seconds else 0.0,
        p50_ms=percentile(lat, 0.50),
        p95_ms=percentile(lat, 0.95),
        p99_ms=percentile(lat, 0.99),
        mean_ms=sum(lat) / len(lat) if lat else float("nan"),
        max_ms=max(lat, default=float("nan")),
        late=tally.late,
    )


def new_sender() -> str:
    return f"bench-{uuid.uuid4().hex[:16]}"


def session(connections: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=CLIENT_KEEPALIVE_S)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S))


async def send(client: aiohttp.ClientSession, target: Target, sender: str, text: str, tally: Tally) -> None:
    """One message; its latency when answered, else the kind of error."""
    started = time.perf_counter()
    try:
        async with client.post(
            target.webhook, params={"sender": sender}, json={"sender": sender, "message": text}, headers=target.headers
        ) as answer:
            body = await answer.read()
            if answer.status >= 300:
                tally.errors[f"HTTP {answer.status}"] += 1
                return
            if not _has_content(body):
                tally.errors["empty answer"] += 1
                return
    except asyncio.TimeoutError:
        tally.errors[f"timeout ({TIMEOUT_S:.0f} s)"] += 1
        return
    except aiohttp.ClientError as error:
        tally.errors[type(error).__name__] += 1
        return
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)


def _has_content(body: bytes) -> bool:
    """A list with at least one message that says or shows something."""
    try:
        messages = json.loads(body)
    except ValueError:
        return False
    return isinstance(messages, list) and any(
        isinstance(m, dict) and (m.get("text") or m.get("buttons") or m.get("custom") or m.get("image"))
        for m in messages
    )


async def closed_loop(target: Target, concurrent: int, seconds: float, seed: int = 7) -> tuple[Tally, float]:
    """`concurrent` conversations, each sending its next message when the answer came, until time is up.

    Returns the tally and the seconds from the first message to the last answer.
    """
    tally = Tally()
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + seconds

    async def conversation_after_conversation(rng: random.Random) -> None:
        while loop.time() < deadline:
            sender = new_sender()
            for text in rng.choice(CONVERSATIONS):
                if loop.time() >= deadline:
                    return
                await send(client, target, sender, text, tally)

    async with session(concurrent) as client:
        await asyncio.gather(*(conversation_after_conversation(random.Random(seed + n)) for n in range(concurrent)))
    return tally, loop.time() - started


async def open_loop(
    target: Target, people: int, seconds: float, think: tuple[float, float] = (5.0, 15.0), seed: int = 11
) -> tuple[Tally, float]:
    """`people` people, each sending a message every `think` seconds (uniform), until time is up.

    A person's first message comes at a random time within one mean think time, so the load is even
    from the start. Each message's time is set from the previous one's time, not from its answer.
    """
    tally = Tally()
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + seconds
    mean_think = sum(think) / 2

    async def person(rng: random.Random) -> None:
        due = started + rng.uniform(0, mean_think)
        while True:
            sender = new_sender()  # when a conversation ends, a new person comes
            for text in rng.choice(CONVERSATIONS):
                if due >= deadline:
                    return
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                elif wait < -0.05:
                    tally.late += 1
                await send(client, target, sender, text, tally)
                due += rng.uniform(*think)

    async with session(people) as client:
        await asyncio.gather(*(person(random.Random(seed * 1000 + n)) for n in range(people)))
    return tally, loop.time() - started


async def warm_up(target: Target, concurrent: int, seconds: float = 5.0) -> Tally:
    """Every script once in turn, then a short closed loop: lazy loading and first-call costs are not measured."""
    tally = Tally()
    async with session(2) as client:
        for script in CONVERSATIONS:
            sender = new_sender()
            for text in script:
                await send(client, target, sender, text, tally)
    if seconds > 0:
        more, _ = await closed_loop(target, concurrent, seconds, seed=99)
        tally.latencies_ms += more.latencies_ms
        tally.errors += more.errors
    return tally


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The load benchmark's options, shared with `make bench` (bench/run.py)."""
    from bench.systems import SYSTEMS

    parser.add_argument("--system", choices=[*SYSTEMS, "all"], default="all", help="default: all, in this order")
    parser.add_argument("--scenario", choices=["closed", "open", "both"], default="both")
    parser.add_argument("--concurrent", type=int, default=20, help="closed loop: conversations at once")
    parser.add_argument("--closed-seconds", type=float, default=60)
    parser.add_argument("--people", type=int, default=200, help="open loop: people typing")
    parser.add_argument("--open-seconds", type=float, default=90)
    parser.add_argument("--profile-seconds", type=float, default=20, help="py-spy pass after the runs; 0: none")
    parser.add_argument("--json", default="results/bench_load.json", help="where to write the numbers")


def run_load(args: argparse.Namespace) -> None:
    """Each system in turn (each stopped before the next starts), then the tables; the numbers also as JSON."""
    from bench.report import print_results
    from bench.systems import SYSTEMS, as_json, check_scaled_services, measure_system

    print(f"load average before the load runs: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    systems = list(SYSTEMS) if args.system == "all" else [args.system]
    if "scaled" in systems:
        check_scaled_services()  # before the other systems' runs: a missing service fails in seconds, not minutes
    results = [measure_system(name, args) for name in systems]
    print_results(results)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps([as_json(r) for r in results], indent=2))
    print(f"\nnumbers: {args.json}; py-spy's raw stacks: results/profile/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_arguments(parser)
    run_load(parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
