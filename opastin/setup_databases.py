"""Creates the core's tables (live-chat queue, callbacks, staff accounts, figures) before the servers start.

Run by `make databases` (and so by `make run`) and by the test stack; requests never create tables.
"""

from __future__ import annotations

import argparse

from opastin import figures
from opastin.handoff.queue import HandoffStore, handoff_url


def create_all(handoff: str | None = None, reporting: str | None = None) -> None:
    HandoffStore(handoff or handoff_url()).create_schema()
    figures.create_schema(reporting or figures.reporting_url())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handoff-url", help="default: HANDOFF_URL or var/handoff.db")
    parser.add_argument("--reporting-url", help="default: REPORTING_URL or var/reporting.db")
    args = parser.parse_args()
    create_all(args.handoff_url, args.reporting_url)


if __name__ == "__main__":
    main()
