"""The county's figures from the command line.

python -m opastin.report collect [--day 2026-11-03]
    count finished days not yet collected (or one day again) from the tracker store; `make purge` runs it
python -m opastin.report make --month 2026-11 --county paijat-hame [--lang fi|sv|en] [--out DIR]
    collect the month's days still missing, then write report.html and CSV files (`make report`)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from tqdm import tqdm

from opastin.db import VAR
from opastin.report import collect, month
from opastin.report.clusters import clusters
from opastin.report.html import LANGUAGES, render, write_csv


def collect_days(days: list[date], progress: bool = True) -> int:
    """Collects each day, with a progress bar on a terminal; returns the contacts counted."""
    total = 0
    for day in tqdm(days, desc="collecting days", unit="day", disable=not progress or not days):
        total += collect.collect_day(day)
    return total


def make_report(county: str, month_text: str, language: str, out: Path, progress: bool = True) -> Path:
    """Collects what the month still misses, then writes the report and its CSV files into `out`."""
    month.check_county(county)
    days = month.month_days(month_text)
    missing = collect.pending_days(
        days[0], days[-1]
    )  # it stops at today in Finnish time (UTC's is a day behind at night)
    collect_days(missing, progress)
    figures = month.month_figures(county, month_text)
    found = clusters(month.unanswered_texts(county, month_text))
    out.mkdir(parents=True, exist_ok=True)
    page = out / "report.html"
    page.write_text(render(figures, found, language), encoding="utf-8")
    write_csv(figures, out, language)
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m opastin.report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    collecting = commands.add_parser("collect", help="count the days not yet collected (or --day again)")
    collecting.add_argument("--day", type=date.fromisoformat, help="one day (YYYY-MM-DD) to count again")
    making = commands.add_parser("make", help="write a county's monthly report")
    making.add_argument("--month", required=True, help="YYYY-MM")
    making.add_argument("--county", required=True, help=", ".join(month.counties()))
    making.add_argument("--lang", default="fi", choices=LANGUAGES)
    making.add_argument("--out", type=Path, help="default: var/reports/<county>-<month>/")
    args = parser.parse_args(argv)
    try:
        if args.command == "collect":
            days = [args.day] if args.day else collect.pending_days()
            print(f"collected {len(days)} day(s): {month.shown(collect_days(days))} contact(s)")  # logs: no 1–4
        else:
            out = args.out or VAR / "reports" / f"{args.county}-{args.month}"
            page = make_report(args.county, args.month, args.lang, out)
            print(f"report: {page}\nCSV files: {out}/*.csv")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
