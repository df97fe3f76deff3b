"""Creates the core's tables (conversations, live-chat queue, callbacks, staff accounts, figures) before start,
and the web chat's signing key (var/webchat.key, mode 0600) unless OPASTIN_WEBCHAT_SECRET is set.

Run by `make databases` (and so by `make run`) and by the test stack; requests never create tables.
"""

from __future__ import annotations

import argparse

from rasa.core.tracker_store import SQLTrackerStore

from opastin import figures
from opastin.channels.session_token import signing_key
from opastin.db import engine_for
from opastin.handoff.queue import HandoffStore, handoff_url
from opastin.tracker_store import tracker_url


def create_all(handoff: str | None = None, reporting: str | None = None, tracker: str | None = None) -> None:
    HandoffStore(handoff or handoff_url()).create_schema()
    figures.create_schema(reporting or figures.reporting_url())
    SQLTrackerStore.Base.metadata.create_all(engine_for(tracker or tracker_url()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handoff-url", help="default: HANDOFF_URL or var/handoff.db")
    parser.add_argument("--reporting-url", help="default: REPORTING_URL or var/reporting.db")
    parser.add_argument("--tracker-url", help="default: TRACKER_URL or var/tracker.db")
    args = parser.parse_args()
    create_all(args.handoff_url, args.reporting_url, args.tracker_url)
    signing_key()  # made now, so that the servers started next share it (and a bad setting shows here)


if __name__ == "__main__":
    main()
