"""Replace a county's sample data with its real data: `python -m actions.directory.importer services|events`.

`services` reads the Suomi.fi service catalogue (PTV_URL), `events` a Linked Events API
(LINKED_EVENTS_URL). Either writes nothing unless the whole run succeeds, and exits non-zero with
a message naming the URL that failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from actions.directory import db
from actions.directory.fetch import ImportFailed, JsonSource
from actions.directory.importing import Report, progress
from actions.directory.linked_events import sync as events_sync
from actions.directory.linked_events.client import LinkedEventsClient, linked_events_url
from actions.directory.ptv import sync as ptv_sync
from actions.directory.ptv.client import PtvClient, ptv_url
from actions.settings import home_county


def import_services(url: str, county: str, base_url: str, *, full: bool = False, **source: Any) -> Report:
    return _import(ptv_sync.run, PtvClient, f"PTV {county}", url, county, base_url, full, source)


def import_events(url: str, county: str, base_url: str, *, full: bool = False, **source: Any) -> Report:
    return _import(events_sync.run, LinkedEventsClient, f"Linked Events {county}", url, county, base_url, full, source)


def _import(
    run: Callable[..., Report],
    client: Callable[..., Any],
    label: str,
    url: str,
    county: str,
    base_url: str,
    full: bool,
    source: dict[str, Any],
) -> Report:
    """One sync run with its progress bar (a tick per page) and HTTP session, both closed whatever happens."""
    bar, http = progress(label), JsonSource(base_url, **source)
    try:
        return run(url, county, client(http, on_page=lambda: bar.update(1)), full=full)
    finally:
        bar.close()
        http.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["services", "events"])
    parser.add_argument("--county", default=home_county(), help="the county's code (default: OPASTIN_COUNTY)")
    parser.add_argument("--url", help="directory database (default: DIRECTORY_URL or var/directory.db)")
    parser.add_argument("--source", help="the API's base URL (default: PTV_URL or LINKED_EVENTS_URL)")
    parser.add_argument("--full", action="store_true", help="read everything, not only what changed since the last run")
    args = parser.parse_args(argv)
    url = args.url or db.directory_url()
    try:
        if args.what == "services":
            report = import_services(url, args.county, args.source or ptv_url(), full=args.full)
        else:
            report = import_events(url, args.county, args.source or linked_events_url(), full=args.full)
    except ImportFailed as error:
        print(f"import failed, nothing was written: {error}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
