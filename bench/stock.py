"""The stock `rasa init` project of the same Rasa version: the yardstick the load benchmark compares against.

Made locally (`rasa init --no-prompt`, which also trains it: its default config downloads nothing) in
var/bench/stock (gitignored), trained once and reused while its model exists. Its stories and rules
use responses only, so it needs no action server; it keeps conversations in memory (its default).

    python -m bench.stock          # make (or reuse) it and say which
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opastin.devstack import BIN, LOGS, ROOT, environment, free_port, stop, wait_until

STOCK_DIR = ROOT / "var" / "bench" / "stock"


def stock_model(folder: Path = STOCK_DIR) -> Path | None:
    models = sorted((folder / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_stock_project(folder: Path = STOCK_DIR) -> tuple[Path, str]:
    """The stock project's model, and how it came to be ("reused …" or "trained now in … s")."""
    model = stock_model(folder)
    if model is not None:
        return model, f"reused {model.relative_to(ROOT)} (delete {folder.relative_to(ROOT)} to make it anew)"
    if folder.exists():
        shutil.rmtree(folder)  # a half-made project from an interrupted run
    folder.mkdir(parents=True)  # rasa init wants the folder to exist
    print(f"making the stock project: rasa init --no-prompt --init-dir {folder.relative_to(ROOT)} (trains it)")
    started = time.perf_counter()
    with open(LOGS / "bench-stock-init.log", "w") as log:
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder.parent,
            env=environment({"PYTHONPATH": ""}),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    model = stock_model(folder)
    if model is None:
        raise RuntimeError(f"rasa init made no model in {folder}/models; see var/log/bench-stock-init.log")
    return model, f"trained now in {time.perf_counter() - started:.0f} s ({model.relative_to(ROOT)})"


@contextmanager
def stock_server(
    model: Path, folder: Path = STOCK_DIR, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The stock project's Rasa server as `rasa run` starts it in its folder, with its credentials.yml (`rest:`)."""
    port = port or free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "rasa"), "run", "--interface", "127.0.0.1", "--enable-api", "-m", str(model)]
    command += ["--port", str(port), "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=environment({"PYTHONPATH": ""}),
        stdout=open(LOGS / "bench-stock-rasa.log", "w"),  # noqa: SIM115 - the process owns it
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(f"http://127.0.0.1:{port}/status", 300, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop([process])


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    _, how = ensure_stock_project()
    print(f"stock rasa init project: {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
