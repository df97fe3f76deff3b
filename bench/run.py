"""`make bench`: held-out accuracy per language, training time, and the load benchmark, in one go.

The load benchmark (bench/load.py) runs the stock `rasa init` project, this project in one process
and the scaled profile, in that order, each at 20 concurrent conversations and at 200 people typing,
and prints them side by side with memory, CPU and a profile. Every server is started on loopback
and stopped at the end, also on Ctrl+C or an error. Prints numbers; asserts nothing.

Each part runs alone too: `python -m bench.nlu_accuracy`, `python -m bench.load --system stock`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from bench import nlu_accuracy
from bench.load import add_load_arguments, run_load
from bench.systems import check_scaled_services
from opastin.devstack import BIN, ROOT


def measure_training(out_dir: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "rasa"), "train", "--force", "--quiet", "--out", out_dir],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def accuracy() -> None:
    """Held-out accuracy in a process of its own: the model it loads is not kept in memory during the load runs."""
    quiet = {**os.environ, "PYTHONWARNINGS": "ignore"}  # TensorFlow's and Rasa's deprecation notes hide the table
    subprocess.run([sys.executable, "-m", "bench.nlu_accuracy", "--baseline"], cwd=ROOT, check=True, env=quiet)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-train", action="store_true", help="do not measure a full training run")
    parser.add_argument("--skip-accuracy", action="store_true", help="do not measure held-out accuracy")
    parser.add_argument("--skip-load", action="store_true", help="do not run the load benchmark")
    add_load_arguments(parser)
    args = parser.parse_args()

    print(f"load average before the run: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    nlu_accuracy.latest_model()  # fails early, with the reason, when there is no model
    if not args.skip_load and args.system in ("all", "scaled"):
        check_scaled_services()  # and so does a missing PostgreSQL, Redis, RabbitMQ or nginx
    if not args.skip_accuracy:
        accuracy()
    if not args.skip_train:
        with tempfile.TemporaryDirectory() as out_dir:
            seconds = measure_training(out_dir)
        print(f"\ntraining time (rasa train --force, {os.cpu_count()} cores): {seconds:.0f} s")
    if not args.skip_load:
        run_load(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
