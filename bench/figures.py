"""How long the figures take: collecting a busy day from the tracker store, and writing a month's report.

    python -m bench.figures [--conversations 2000] [--engine sqlite|postgresql]

Seeds one day of synthetic conversations (the seed of tests/report_month.py, repeated) through the real tracker
store into fresh databases, then prints the seconds of `collect_day` and of the report (HTML, CSV, clusters).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from opastin import setup_databases
from opastin.report import collect
from opastin.report.clusters import clusters
from opastin.report.html import render, write_csv
from opastin.report.month import month_figures, unanswered_texts
from opastin.tracker_store import RedactedSQLTrackerStore
from tests.report_month import DOMAIN, PHARMACY, at, turn

DAY = date(2026, 11, 3)


def seed(tracker_url: str, conversations: int) -> None:
    store = RedactedSQLTrackerStore(domain=DOMAIN, url=tracker_url)
    for n in range(conversations):
        when = at(DAY, 8 + n * 12 // conversations, n % 60)
        if n % 10 == 0:
            events = turn(
                when, PHARMACY[n % len(PHARMACY)], "nlu_fallback", "webchat", "utter_fallback", {"language": "fi"}
            )
        else:
            slots = {"language": "fi", "municipality": "Lahti", "role": "self"}
            events = turn(when, "hammaslääkäri", "dental_care", "webchat", "action_show_services", slots)
            events += turn(when + 20, "kiitos", "thank", "webchat", "utter_thank")
        tracker = DialogueStateTracker(f"bench-{uuid.uuid4().hex}", DOMAIN.slots)
        for event in [ActionExecuted("action_listen", timestamp=when - 1), *events]:
            tracker.update(event)
        asyncio.run(store.save(tracker))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = {name: f"sqlite:///{Path(folder) / name}.db" for name in ("tracker", "handoff", "reporting")}
        setup_databases.create_all(**urls)
        started = time.perf_counter()
        seed(urls["tracker"], args.conversations)
        seeded = time.perf_counter()
        contacts = collect.collect_day(
            DAY, tracker=urls["tracker"], reporting=urls["reporting"], now=datetime(2026, 12, 1)
        )
        collected = time.perf_counter()
        found = month_figures("paijat-hame", "2026-11", reporting=urls["reporting"], handoff=urls["handoff"])
        groups = clusters(unanswered_texts("paijat-hame", "2026-11", reporting=urls["reporting"]))
        out = Path(folder) / "report"
        out.mkdir()
        (out / "report.html").write_text(render(found, groups, "fi"), encoding="utf-8")
        write_csv(found, out)
        reported = time.perf_counter()
        size = (out / "report.html").stat().st_size
    print(f"conversations seeded through the tracker store: {args.conversations} in {seeded - started:.1f} s")
    print(f"collect_day (SQLite): {contacts} contacts in {collected - seeded:.2f} s")
    print(f"report (figures, {len(groups)} cluster(s), HTML {size // 1024} KiB, CSV): {reported - collected:.2f} s")


if __name__ == "__main__":
    main()
