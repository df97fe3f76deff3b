"""`make interactive`: Rasa's own interactive learning, with what it exports filed into the project's layout.

Starts the action server, runs `rasa interactive` (Rasa's CLI, unchanged) on the newest model so that it
does not train first, and points its "Export & Quit" defaults at a staging folder (var/interactive/)
instead of data/stories.yml, data/nlu.yml and domain.yml. When Rasa returns, export.py files what was
saved: examples into data/nlu/<language>/<feature>.yml, stories into data/stories/stories_interactive.yml,
and new domain items as a list to add to domain.yml by hand.

The session keeps its conversation in memory (no tracker store): a trainer's test chat is no resident's
conversation and must not reach the inbox. `--file-only` files an earlier export (`make interactive-file`).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from opastin import devstack
from opastin.trainer.export import file_export, has_export, report
from opastin.trainer.filing import ROOT

STAGING = ROOT / "var" / "interactive"
TRAINING_INPUTS = ("data", "domain.yml", "config.yml")


def endpoints_for(action_port: int, staging: Path, source: Path = ROOT / "endpoints.yml") -> Path:
    """endpoints.yml's action endpoint on `action_port` (with the action server's token when one is set), and no
    tracker store (the session stays in memory)."""
    endpoints = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    action = dict(endpoints.get("action_endpoint") or {})
    action["url"] = f"http://127.0.0.1:{action_port}/webhook"
    if os.environ.get(devstack.ACTION_TOKEN):  # the action server started here requires it then
        action["token"] = os.environ[devstack.ACTION_TOKEN]
    path = staging / "endpoints.yml"
    staging.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # it may hold the token: readable by this user only
    path.chmod(0o600)
    path.write_text(yaml.safe_dump({"action_endpoint": action}, sort_keys=False), encoding="utf-8")
    return path


def stale_model_note(model: Path) -> str | None:
    """A hint when training files were written after the model (by file time, so a `git checkout` also
    counts): the session would not know what changed. Rasa's own check (`rasa train --dry-run`) takes ~30 s."""
    built = model.stat().st_mtime
    inputs = [path for name in TRAINING_INPUTS for path in [ROOT / name, *(ROOT / name).rglob("*.yml")]]
    if any(path.is_file() and path.stat().st_mtime > built for path in inputs):
        return f"note: training files were written after {model.name}; if they changed, `make train` first."
    return None


@contextmanager
def staged_export_defaults(staging: Path) -> Iterator[None]:
    """Rasa's "Export & Quit" asks three paths with defaults from the server arguments `stories`, `nlu_data`
    and `domain` (rasa.core.training.interactive.run_interactive_learning). `rasa interactive` fills
    `domain` with the domain it loads, so the default would overwrite domain.yml: the arguments are set to
    the staging folder on the way in. Rasa's code itself is not changed."""
    from rasa.core.training import interactive

    original = interactive.run_interactive_learning

    def staged(*args: Any, **kwargs: Any) -> None:
        server_args = dict(kwargs.get("server_args") or {})
        server_args.update(
            stories=str(staging / "stories.yml"), nlu_data=str(staging / "nlu.yml"), domain=str(staging / "domain.yml")
        )
        kwargs["server_args"] = server_args
        return original(*args, **kwargs)

    interactive.run_interactive_learning = staged
    try:
        yield
    finally:
        interactive.run_interactive_learning = original


@contextmanager
def loopback_only() -> Iterator[None]:
    """`rasa interactive` serves its Rasa server, HTTP API enabled and without a token, on 0.0.0.0
    (rasa.core.training.interactive._serve_application). Its own prompts reach it over loopback, and so
    does everything else in Opastin: Sanic's `run` gets host 127.0.0.1 for the session's length."""
    from sanic import Sanic

    original = Sanic.run

    def run(self: Sanic, *args: Any, **kwargs: Any) -> Any:
        if args:  # host is run's first parameter
            args = ("127.0.0.1", *args[1:])
        else:
            kwargs["host"] = "127.0.0.1"
        return original(self, *args, **kwargs)

    Sanic.run = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        Sanic.run = original  # type: ignore[method-assign]


def run_rasa(arguments: list[str]) -> int:
    """Rasa's own command line, in this process, as `rasa <arguments>`; its exit code."""
    from rasa.__main__ import main as rasa_main

    saved = sys.argv
    sys.argv = ["rasa", *arguments]
    try:
        rasa_main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    return 0


@contextmanager
def action_server(port: int) -> Iterator[None]:
    """The action server, as `make actions` starts it, for the length of the session."""
    devstack.LOGS.mkdir(parents=True, exist_ok=True)
    process = devstack.start_actions(port, devstack.environment(None), "interactive")
    try:
        devstack.wait_until(f"http://127.0.0.1:{port}/health", 120, process)
        yield
    finally:
        devstack.stop([process])


def file_staged(staging: Path, language: str | None) -> int:
    if not has_export(staging):
        print(f"Nothing to file: {staging} holds no export.")
        return 0
    result = file_export(staging, ROOT, language)
    print("\n".join(report(result, staging)))
    return 1 if result.problems else 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model archive (default: the newest in models/)")
    parser.add_argument("--port", type=int, default=5005, help="the Rasa server's port during the session")
    parser.add_argument("--action-port", type=int, default=5055, help="the action server's port")
    parser.add_argument("--staging", type=Path, default=STAGING, help="where Rasa's export is saved first")
    parser.add_argument("--language", choices=("fi", "sv", "en"), help="the examples' language (default: detected)")
    parser.add_argument("--file-only", action="store_true", help="only file an earlier export")
    parser.add_argument("--no-action-server", action="store_true", help="use an action server already running")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.file_only:
        return file_staged(args.staging, args.language)
    if has_export(args.staging):
        print(f"{args.staging} holds an export not filed yet: `make interactive-file` first.", file=sys.stderr)
        return 2
    model = Path(args.model) if args.model else devstack.newest_model()
    if note := stale_model_note(model):
        print(note)
    endpoints = endpoints_for(args.action_port, args.staging)
    rasa_arguments = ["interactive", "--model", str(model), "--endpoints", str(endpoints), "--port", str(args.port)]
    rasa_arguments += ["--skip-visualization", "--conversation-id", f"trainer-{uuid.uuid4().hex[:8]}"]
    with staged_export_defaults(args.staging), loopback_only():
        if args.no_action_server:
            code = run_rasa(rasa_arguments)
        else:
            with action_server(args.action_port):
                code = run_rasa(rasa_arguments)
    filed = file_staged(args.staging, args.language)
    return code or filed


if __name__ == "__main__":
    sys.exit(main())
