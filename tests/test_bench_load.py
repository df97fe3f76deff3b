"""The load benchmark's parts on small inputs: how it counts answers and errors, reads /proc and reads py-spy.

The load loops run against an aiohttp server inside the test; nothing is asserted about time.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bench import load, procs, profile

Handler = Callable[[web.Request], Awaitable[web.Response]]


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.5) == 51.0  # index round(0.5 * 99) = 50 (ties to even)
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([7.0], 0.99) == 7.0


def test_an_answer_counts_only_when_it_says_or_shows_something() -> None:
    assert load._has_content(b'[{"recipient_id": "a", "text": "Hei"}]')
    assert load._has_content(b'[{"recipient_id": "a", "image": "https://x/y.png"}]')
    assert not load._has_content(b"[]")
    assert not load._has_content(b'[{"recipient_id": "a"}]')
    assert not load._has_content(b"not json")


async def serve_and_load(handler: Handler, scenario: str) -> tuple[load.Tally, list[tuple[str, str]]]:
    """Runs one scenario briefly against `handler`; returns the tally and the (query sender, body sender) pairs seen."""
    seen: list[tuple[str, str]] = []

    async def recording(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((request.query.get("sender", ""), body["sender"]))
        return await handler(request)

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", recording)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    target = load.Target(f"http://127.0.0.1:{port}/webhooks/rest/webhook", {"Authorization": "Bearer t"})
    try:
        if scenario == "closed":
            tally, _ = await load.closed_loop(target, concurrent=3, seconds=0.5)
        else:
            tally, _ = await load.open_loop(target, people=5, seconds=0.5, think=(0.05, 0.1))
    finally:
        await runner.cleanup()
    return tally, seen


async def answer(request: web.Request) -> web.Response:
    return web.json_response([{"recipient_id": "x", "text": "Hei"}])


def test_closed_loop_counts_every_answer_and_sends_the_sender_in_the_url_too() -> None:
    tally, seen = asyncio.run(serve_and_load(answer, "closed"))
    assert tally.answered == len(seen) > 0
    assert not tally.errors
    assert all(query == body and body.startswith("bench-") for query, body in seen)


def test_open_loop_counts_non_2xx_and_empty_answers_as_errors() -> None:
    turns = itertools.cycle(["ok", "503", "empty"])

    async def flaky(request: web.Request) -> web.Response:
        turn = next(turns)
        if turn == "503":
            return web.json_response([{"text": "call 112"}], status=503)
        return web.json_response([] if turn == "empty" else [{"text": "Hei"}])

    tally, seen = asyncio.run(serve_and_load(flaky, "open"))
    assert tally.answered + sum(tally.errors.values()) == len(seen) >= 3
    assert set(tally.errors) == {"HTTP 503", "empty answer"}


def test_summary_of_an_empty_run_has_no_made_up_numbers() -> None:
    numbers = load.summarise("20 concurrent", load.Tally(), 1.0)
    assert numbers.answered == 0 and numbers.msg_per_s == 0.0 and numbers.p95_ms != numbers.p95_ms  # NaN


def test_memory_and_cpu_are_read_for_a_process_and_its_children() -> None:
    code = "import subprocess, sys, time; c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
    code += "print('ready', flush=True); time.sleep(30)"
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        family = procs.tree(parent.pid)
        assert family[0] == parent.pid and len(family) == 2
        with procs.ProcessWatch({"parent": parent.pid}) as watch:
            pass
        assert watch.usage.rss_peak["parent"] > procs.rss_kib(parent.pid) / 1024  # the child's memory is added
        assert watch.usage.cpu["parent"] >= 0 and watch.usage.loadgen_cpu >= 0
    finally:
        for pid in reversed(procs.tree(parent.pid)):
            os.kill(pid, 9)
        parent.wait()
    assert procs.rss_kib(parent.pid) == 0  # gone: read as nothing, not an error
    assert procs.cpu_seconds(os.getpid()) > 0


def test_profile_puts_each_sample_in_its_first_matching_category(tmp_path: Path) -> None:
    root = "thread (0x7F): MainThread;<module> (rasa:8);serve (sanic/server/runners.py:155)"
    handle = root + ";handle_message (rasa/core/processor.py:169)"
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "\n".join(
            [
                f"{root} 40",  # the loop waiting
                f"{handle};save (opastin/tracker_store.py:80);redact_strings (opastin/redaction.py:10) 10",
                f"{handle};_parse_message_with_graph (rasa/core/processor.py:774);"
                "process (rasa/nlu/classifiers/diet_classifier.py:1049);quick_execute (tensorflow/execute.py:52) 30",
                f"{handle};_predict_next_with_tracker (rasa/core/processor.py:1120);"
                "predict_action_probabilities (rasa/core/policies/ted_policy.py:838) 20",
                "thread (0x7E): Dummy-1;run (threading.py:1) 99",  # not the event loop: left out
            ]
        )
    )
    read = profile.read_raw(raw, profile.Profile())
    assert read.samples == 100 and read.busy == 60
    assert read.categories == {
        profile.IDLE: 40,
        "tracker store: write (redacted)": 10,
        "NLU: DIET classifier (TensorFlow)": 30,
        "policies: TED (TensorFlow)": 20,
    }
    assert read.own["quick_execute (tensorflow/execute.py)"] == 30
    assert read.total["handle_message (rasa/core/processor.py)"] == 60


def test_py_spy_is_installed_with_the_project() -> None:
    assert Path(profile.py_spy()).exists()
