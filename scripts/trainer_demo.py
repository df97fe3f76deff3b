#!/usr/bin/env python3
"""A trainer's `make interactive` session, typed by this script: shows that what is saved lands in the layout.

Runs `make interactive` in a tmux window (Rasa's prompts need a terminal), reads the rendered screen and
answers as a trainer would: types the Finnish messages below, accepts the model's intents and actions, then
chooses "Export & Quit" and accepts the three export paths offered. Prints the session's screen and what
changed under data/. With --restore, data/ is put back as git has it afterwards (a demo must not add
training data). Takes 2-3 minutes, most of it Rasa loading the model; not part of `make test` for that
reason (and it needs tmux).

    python scripts/trainer_demo.py [--rasa-port 5105] [--action-port 5155] [--restore]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SESSION = "opastin-trainer-demo"
MESSAGES = ["moikka, tarvitsisin hammaslääkärin", "mä asun nykyään Lahdessa", "kiitos paljon avusta"]
TIMEOUT = 900  # seconds for the whole session
NUDGE_AFTER = 15  # seconds without a change on screen, once the conversation has started


def tmux(*arguments: str) -> str:
    return subprocess.run(["tmux", *arguments], check=True, capture_output=True, text=True).stdout


def screen() -> list[str]:
    """The window's rendered lines, without the empty ones at the bottom."""
    lines = tmux("capture-pane", "-p", "-J", "-t", SESSION).rstrip("\n").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def finished() -> bool:
    return tmux("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip() == "1"


def keys(*names: str, literal: bool = False) -> None:
    tmux("send-keys", "-t", SESSION, *(["-l"] if literal else []), *names)


def answer(lines: list[str], messages: list[str]) -> str | None:
    """What to type for the prompt the screen ends with, or None while nothing is asked."""
    last = lines[-1] if lines else ""
    tail = "\n".join(lines[-8:])
    if re.search(r"\? Your input ->\s*$", last):
        return messages.pop(0) if messages else ""  # an empty input opens Rasa's "Do you want to stop?"
    if re.search(r"correct(ly)?\?\s*\(Y/n\)\s*$", last):
        return "y"
    if "Do you want to stop?" in tail and "(Use arrow keys)" in tail:
        return "EXPORT"
    if re.search(r"\? Export (stories|NLU data|domain file) to .*$", last) and "(" in last:
        return "\n"  # accept the path offered
    return None


def drive(messages: list[str]) -> None:
    deadline = time.monotonic() + TIMEOUT
    previous: list[str] = []
    changed = time.monotonic()
    seen: list[str] = []
    while not finished():
        if time.monotonic() > deadline:
            raise TimeoutError("the session did not end in time; see the window: tmux attach -t " + SESSION)
        lines = screen()
        if lines != seen:
            seen, changed = lines, time.monotonic()
        reply = answer(lines, messages) if lines != previous else None
        if reply is None:
            if previous and time.monotonic() - changed > NUDGE_AFTER:
                # prompt_toolkit now and then draws a question only after a key: an arrow key shows it
                # and answers nothing.
                keys("Right")
                changed = time.monotonic()
            time.sleep(0.5)
            continue
        print(f"[typed for {lines[-1].strip()[:90]!r}: {reply!r}]", file=sys.stderr, flush=True)
        if reply == "EXPORT":
            while not any(re.search(r"[»❯>] Export & Quit", line) for line in screen()[-8:]):
                keys("Down")
                time.sleep(0.3)
            keys("Enter")
        elif reply == "\n":
            keys("Enter")
        elif reply == "y":
            keys("y")  # questionary answers a confirmation on the key itself; an Enter would go to the next prompt
        else:
            keys(reply, literal=True)
            keys("Enter")
        previous = lines
        time.sleep(1.0)


def descendants(pid: int) -> list[int]:
    """The processes this session started (make, the Python entry point, the action server), by id."""
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [found for child in children for found in descendants(int(child))]


def stop_session() -> None:
    """Closes the window and ends what ran in it: Rasa's prompt does not end on the terminal's hang-up alone."""
    pane = tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip()
    started = descendants(int(pane)) if pane.isdigit() and not finished() else []
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    for pid in reversed(started):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa-port", default="5105")
    parser.add_argument("--action-port", default="5155")
    parser.add_argument("--restore", action="store_true", help="put data/ back as git has it afterwards")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # `timeout` still gets the transcript and the cleanup
    command = f"make interactive RASA_PORT={args.rasa_port} ACTION_PORT={args.action_port} LANG_CODE=fi"
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "50", "-c", str(ROOT), "bash")
    tmux("set-option", "-t", SESSION, "remain-on-exit", "on")
    tmux("set-option", "-t", SESSION, "history-limit", "20000")
    tmux("respawn-pane", "-k", "-t", SESSION, "-c", str(ROOT), f"PROMPT_TOOLKIT_NO_CPR=1 {command}")
    try:
        drive(list(MESSAGES))
    finally:
        transcript = tmux("capture-pane", "-p", "-J", "-S", "-20000", "-t", SESSION)
        stop_session()
        print(transcript.rstrip())
    print("\n--- what changed under data/ (git status, git diff) ---", flush=True)
    subprocess.run(["git", "status", "--short", "--untracked-files=all", "data"], cwd=ROOT, check=True)
    subprocess.run(["git", "--no-pager", "diff", "data"], cwd=ROOT, check=True)
    untracked = ["git", "ls-files", "--others", "--exclude-standard", "data"]
    for new in subprocess.run(untracked, cwd=ROOT, check=True, capture_output=True, text=True).stdout.split():
        print(f"--- new file {new} ---\n{(ROOT / new).read_text(encoding='utf-8')}")
    if args.restore:
        subprocess.run(["git", "checkout", "--", "data"], cwd=ROOT, check=True)
        subprocess.run(["git", "clean", "-fq", "--", "data"], cwd=ROOT, check=True)
        print("data/ restored as git has it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
