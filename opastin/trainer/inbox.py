"""The trainer's inbox: what residents wrote that the model did not understand, ready to annotate.

`make inbox` (python -m opastin.trainer.inbox export) reads the conversations from the tracker store (the
same SQL store Rasa writes: SQLite var/tracker.db or TRACKER_URL), picks the messages that fell back, had a
low confidence or were followed by a request for a person (inbox_select.py), redacts them again, folds
duplicates together (case, accents, spacing and punctuation do not count) and writes, per language,
var/inbox/<language>.yml: Rasa NLU YAML with each example under its predicted intent and a comment saying
how often it came, why and how sure the model was. A table of counts (language × intent × reason) is
printed and written to var/inbox/counts.csv. Messages already in the training data or in the held-out set
are left out (the first would teach nothing, the second must stay unseen).

`make inbox-accept FILE=var/inbox/fi.yml` (… accept FILE) files what the trainer left in the file, under
the intents the trainer gave, with filing.py's checks.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import inspect, select

from opastin.db import engine_for
from opastin.language import SUPPORTED
from opastin.redaction import redact
from opastin.tracker_store import tracker_url
from opastin.trainer import inbox_files
from opastin.trainer.filing import ROOT, Example, file_examples, problems
from opastin.trainer.inbox_files import Entry
from opastin.trainer.inbox_select import DEFAULT_LOW_CONFIDENCE, Candidate, candidates
from opastin.trainer.layout import load_layout
from opastin.trainer.nlu_yaml import example_key, one_line, read_examples

EVENTS = SQLTrackerStore.SQLEvent.__table__
INBOX = ROOT / "var" / "inbox"


def conversations(url: str, since: datetime.datetime | None = None) -> Iterator[list[dict]]:
    """Each conversation's events (since `since`, UTC), oldest first, read in one streamed pass."""
    query = select(EVENTS.c.sender_id, EVENTS.c.data).order_by(EVENTS.c.sender_id, EVENTS.c.id)
    if since is not None:
        epoch = since.replace(tzinfo=datetime.timezone.utc).timestamp()
        query = query.where(EVENTS.c.timestamp >= epoch)
    engine = engine_for(url)
    if not inspect(engine).has_table(EVENTS.name):  # no conversation was ever stored there
        return
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True).execute(query)
        for _, group in itertools.groupby(rows, key=lambda row: row.sender_id):
            yield [json.loads(row.data) for row in group]


def collect(found: Iterable[Candidate]) -> list[Entry]:
    """One entry per language and folded text, counting how often it came, in first-seen order."""
    entries: dict[tuple[str, str], Entry] = {}
    for candidate in found:
        text = one_line(redact(candidate.text))  # the store is redacted already: this is a second lock
        key = (candidate.language, example_key(text))
        if key[1]:
            entries.setdefault(key, Entry(candidate.language)).add(text, candidate)
    return list(entries.values())


def export(
    url: str,
    folder: Path = INBOX,
    *,
    since: datetime.datetime | None = None,
    min_count: int = 1,
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
    root: Path = ROOT,
) -> list[str]:
    """Writes the inbox files and counts.csv into `folder`; returns the lines to print."""
    entries = collect(c for events in conversations(url, since) for c in candidates(events, low_confidence))
    layout = load_layout(root)
    known = [e for e in entries if example_key(e.text) in layout.trained or example_key(e.text) in layout.heldout]
    kept = [e for e in entries if e not in known and e.count >= min_count]
    folder.mkdir(parents=True, exist_ok=True)
    for language in SUPPORTED:
        mine = [entry for entry in kept if entry.language == language]
        (folder / f"{language}.yml").write_text(
            inbox_files.nlu_yaml(language, mine, low_confidence, folder / f"{language}.yml"), encoding="utf-8"
        )
    rows = inbox_files.count_rows(kept)
    (folder / "counts.csv").write_text(inbox_files.csv_text(rows), encoding="utf-8")
    lines = inbox_files.table(rows)
    lines.append(f"Left out: {len(known)} already in the training data or the held-out set")
    if min_count > 1:
        lines[-1] += f", {len(entries) - len(known) - len(kept)} seen fewer than {min_count} times"
    lines.append(f"Written: {', '.join(str(folder / f'{lang}.yml') for lang in SUPPORTED)} and counts.csv")
    return lines


def accept(path: Path, root: Path = ROOT, language: str | None = None) -> int:
    """Files what is left in an annotated inbox file; its name (fi.yml) gives the language."""
    language = language or (path.stem if path.stem in SUPPORTED else None)
    examples = [Example(text, intent, language) for intent, text in read_examples(path)]
    filing = file_examples(examples, root)
    found = problems(filing, root)
    print("\n".join(filing.report() + [f"Problem: {problem}" for problem in found]))
    if filing.filed:
        print("Next: make train, then make test (the held-out floor is the gate).")
    return 1 if found else 0


def _date(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    out = commands.add_parser("export", help="write var/inbox/<language>.yml and counts.csv")
    out.add_argument("--since", type=_date, help="only messages from this day on (UTC), e.g. 2026-12-01")
    out.add_argument("--min-count", type=int, default=1, help="only texts that came at least this often")
    out.add_argument("--low-confidence", type=float, default=DEFAULT_LOW_CONFIDENCE, help="below it: unsure")
    out.add_argument("--folder", type=Path, default=INBOX)
    accepted = commands.add_parser("accept", help="file an annotated inbox file into data/nlu/")
    accepted.add_argument("file", type=Path)
    accepted.add_argument("--language", choices=SUPPORTED, help="default: the file's name (fi.yml → fi)")
    args = parser.parse_args(argv)
    if args.command == "accept":
        return accept(args.file, language=args.language)
    lines = export(
        tracker_url(), args.folder, since=args.since, min_count=args.min_count, low_confidence=args.low_confidence
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
