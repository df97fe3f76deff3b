"""`make bench`: held-out accuracy per language, training time, and REST latency under 20 conversations.

Starts its own action server and Rasa server (opastin/devstack.py), talks to them only over
loopback, and stops them at the end. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bench import nlu_accuracy
from opastin.devstack import rest_headers, servers

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# Scripted conversations: what residents ask, in the three languages.
CONVERSATIONS = [
    ["moi", "tarvitsisin hammaslääkärin", "Lahti", "milloin terveysasema on auki", "kiitos"],
    ["hej", "min mamma behöver hemvård", "Vanda", "vad kostar det", "tack"],
    ["hello", "where can i get vaccinated", "Pori", "i need to renew my prescription", "thanks bye"],
    ["mistä saa fysioterapiaa Raumalla", "paljonko se maksaa", "kiitos hei"],
    ["var finns rådgivningen i Kervo", "kan jag prata med en människa", "tack"],
    ["my child has high fever and the health station is closed", "Kerava", "ok thank you"],
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure_training(out_dir: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "rasa"), "train", "--force", "--quiet", "--out", out_dir],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def converse(url: str, script: list[str], latencies: list[float], errors: list[str], lock: threading.Lock) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    session = requests.Session()
    session.headers.update(rest_headers())
    for text in script:
        started = time.perf_counter()
        try:
            response = session.post(url, json={"sender": sender, "message": text}, timeout=30)
            response.raise_for_status()
            if not response.json():
                raise ValueError(f"no answer to {text!r}")
        except (requests.RequestException, ValueError) as error:
            with lock:
                errors.append(str(error))
            continue
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)


def load_test(url: str, concurrent: int, rounds: int) -> dict[str, float]:
    converse(url, CONVERSATIONS[0], [], [], threading.Lock())  # warm-up, not counted
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    rng = random.Random(7)
    started = time.perf_counter()
    for _ in range(rounds):
        threads = [
            threading.Thread(target=converse, args=(url, rng.choice(CONVERSATIONS), latencies, errors, lock))
            for _ in range(concurrent)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "mean_ms": statistics.fmean(latencies),
        "throughput_rps": len(latencies) / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-train", action="store_true", help="do not measure a full training run")
    parser.add_argument("--concurrent", type=int, default=20, help="conversations at the same time")
    parser.add_argument("--rounds", type=int, default=5, help="how many times the concurrent batch runs")
    parser.add_argument("--action-port", type=int, default=5155)
    parser.add_argument("--rasa-port", type=int, default=5105)
    args = parser.parse_args()

    model = nlu_accuracy.latest_model()
    if not args.skip_train:
        with tempfile.TemporaryDirectory() as out_dir:
            seconds = measure_training(out_dir)
        print(f"training time (rasa train --force, {os.cpu_count()} cores): {seconds:.0f} s")
    agent = nlu_accuracy.load_agent(model)
    nlu_accuracy.report([nlu_accuracy.evaluate(agent, language) for language in nlu_accuracy.LANGUAGES])
    del agent
    with servers(model, action_port=args.action_port, rasa_port=args.rasa_port, name="bench") as base:
        numbers = load_test(f"{base}/webhooks/rest/webhook", args.concurrent, args.rounds)
    print(f"\nREST channel, {args.concurrent} concurrent conversations × {args.rounds} rounds:")
    print(f"  requests {numbers['requests']}, errors {numbers['errors']}")
    print(
        f"  latency p50 {numbers['p50_ms']:.0f} ms, p95 {numbers['p95_ms']:.0f} ms, p99 {numbers['p99_ms']:.0f} ms, "
        f"mean {numbers['mean_ms']:.0f} ms"
    )
    print(f"  throughput {numbers['throughput_rps']:.1f} messages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
