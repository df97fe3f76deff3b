"""Where a Rasa server's time goes: py-spy samples its event-loop thread while the closed loop runs.

py-spy (`record --format raw --threads --idle`) reads the process's Python stacks 100 times a
second. It pauses the process for each read: `--nonblocking` costs less but was seen to give torn
stacks (a tenth of the samples in aio_pika's Message.__setattr__, which takes 0.03 ms a call), and
the profile is a pass of its own after the measured runs, so its cost is not in their numbers.

A Rasa server answers on one thread (Sanic's event loop: the NLU and policy graph run synchronously
on it, TensorFlow's own C++ threads carry no Python frames), so the share of that thread's samples
is the share of wall time: "event loop idle" is time the server was waiting (for a client, the
action server, a database), everything else kept it busy (or was waiting for a CPU: on a loaded
machine a busy share includes time the thread was ready but not running).

A sample is put in the first category of CATEGORIES that one of its frames matches, so e.g. time in
SQLAlchemy under the tracker store's `save` counts as "tracker store: write". Also printed: the
functions with the most samples of their own (the leaf) and in total (anywhere on the stack).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

RATE = 100
# (category, pattern on one frame "function (file:line)"); the first that any frame matches wins.
CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("lock store", r"rasa/core/lock_store\.py"),
        ("event broker (RabbitMQ)", r"rasa/core/brokers/|aio_pika/|aiormq/|pika/"),
        ("tracker store: write (redacted)", r"^(save|_additional_events|stream_events) \(.*tracker_store\.py"),
        (
            "tracker store: read",
            r"^(retrieve|_retrieve|retrieve_full_tracker|get_or_create_tracker|"
            r"fetch_full_tracker_with_initial_session|fetch_tracker_and_update_session) \(",
        ),
        (
            "action server call (request, tracker as JSON)",
            r"rasa/utils/endpoints\.py|_action_call_format|"
            r"^run \(rasa/core/actions/action\.py:7\d\d\)",
        ),
        ("NLU: DIET classifier (TensorFlow)", r"rasa/nlu/classifiers/diet_classifier\.py"),
        ("NLU: ResponseSelector (TensorFlow)", r"rasa/nlu/selectors/"),
        ("NLU: Opastin components (places, safety net)", r"opastin/nlu/"),
        ("NLU: tokenizer, featurizers, fallback", r"^(parse_message|_parse_message_with_graph) \("),
        ("policies: TED (TensorFlow)", r"rasa/core/policies/ted_policy\.py"),
        ("policies: UnexpecTED intent (TensorFlow)", r"rasa/core/policies/unexpected_intent_policy\.py"),
        ("policies: memoization", r"rasa/core/policies/memoization\.py"),
        ("policies: rules", r"rasa/core/policies/rule_policy\.py"),
        ("policies: graph runner, ensemble", r"^(_predict_next_with_tracker|predict_next_with_tracker_if_should) \("),
        ("running actions and responses", r"^(_run_action|execute_side_effects|_send_bot_messages) \(|rasa/core/nlg/"),
        ("language detection (lingua)", r"opastin/language\.py|lingua"),
        ("Opastin channels (REST, ordering)", r"opastin/channels/"),
        ("HTTP server (Sanic) and JSON", r"sanic/|json/"),
    ]
]
IDLE = "event loop idle (waiting for clients, action server, databases)"
OTHER = "other"
IDLE_LEAF = re.compile(r"^(serve|run_forever|_run_once|select|run_until_complete) \((sanic/server/runners|asyncio/)")


@dataclass
class Profile:
    """Samples of the event-loop thread of one or more processes, added up."""

    samples: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    own: Counter[str] = field(default_factory=Counter)  # function where the sample was taken
    total: Counter[str] = field(default_factory=Counter)  # function anywhere on the stack (busy samples)
    busy: int = 0

    def add(self, frames: list[str], count: int) -> None:
        self.samples += count
        category = categorise(frames)
        self.categories[category] += count
        if category == IDLE:
            return
        self.busy += count
        self.own[short(frames[-1])] += count
        for name in {short(frame) for frame in frames}:
            self.total[name] += count


def categorise(frames: list[str]) -> str:
    if not frames or IDLE_LEAF.match(frames[-1]):
        return IDLE
    for name, pattern in CATEGORIES:
        if any(pattern.search(frame) for frame in frames):
            return name
    return OTHER


def short(frame: str) -> str:
    """`func (path/file.py:123)` without the line: one name per function."""
    return re.sub(r":\d+\)$", ")", frame)


def read_raw(path: Path, into: Profile) -> Profile:
    """py-spy's raw format: `thread (0x…): Name;frame;frame… count` per line; only the main thread is kept."""
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames or not frames[0].endswith("MainThread") or not count.isdigit():
            continue
        into.add(frames[1:], int(count))
    return into


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: `make setup` installs it (requirements.txt)")
    return found


def start_recording(pid: int, seconds: float, output: Path) -> subprocess.Popen:
    """py-spy on one process for `seconds`, writing raw stacks to `output` (its own messages go to a log)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [py_spy(), "record", "--pid", str(pid), "--rate", str(RATE), "--duration", str(max(1, round(seconds)))]
    command += ["--format", "raw", "--output", str(output), "--threads", "--idle"]
    return subprocess.Popen(
        command,
        stdout=open(output.with_suffix(".log"), "w"),  # noqa: SIM115 - the process owns it
        stderr=subprocess.STDOUT,
    )


def finish(recordings: list[tuple[subprocess.Popen, Path]]) -> Profile:
    """Waits for the recordings and adds up what they sampled."""
    profile = Profile()
    for process, output in recordings:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if output.exists():
            read_raw(output, profile)
    return profile


def main() -> int:
    """Summarise raw files recorded earlier: python -m bench.profile FILE…"""
    from bench.report import print_profile

    profile = Profile()
    for name in sys.argv[1:]:
        read_raw(Path(name), profile)
    print_profile("recorded", profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
