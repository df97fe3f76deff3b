"""What the inbox writes: one Rasa NLU YAML file per language to annotate, and the table of counts.

Examples are written as `- text: "…"  # 3x fallback, confidence 0.31`: one line each, so that moving a line
under another intent is the whole annotation, and a YAML comment (a `|` block cannot hold one) says how
often the text came, why it is here and the lowest confidence the model gave it. Texts are written as JSON
strings, which YAML reads as they are, whatever characters they hold.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from opastin.language import SUPPORTED
from opastin.trainer.inbox_select import REASONS, Candidate

COLUMNS = ("language", "intent", "reason", "messages", "examples")


@dataclass(eq=False)
class Entry:
    """One text (folded duplicates together) of one language, with what all its occurrences had."""

    language: str
    texts: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    reasons: set[str] = field(default_factory=set)
    confidence: float = 1.0
    count: int = 0

    def add(self, text: str, candidate: Candidate) -> None:
        self.texts[text] += 1
        self.intents[candidate.intent] += 1
        self.reasons.update(candidate.reasons)
        self.confidence = min(self.confidence, candidate.confidence)
        self.count += 1

    @property
    def text(self) -> str:
        """The form written most often (the first seen on a tie)."""
        return self.texts.most_common(1)[0][0]

    @property
    def intent(self) -> str:
        return self.intents.most_common(1)[0][0]

    @property
    def reason(self) -> str:
        """The main reason, for the table: fallback, then a request for a person, then low confidence."""
        return next(reason for reason in REASONS if reason in self.reasons)

    def comment(self) -> str:
        reasons = ", ".join(reason for reason in REASONS if reason in self.reasons)
        return f"{self.count}x {reasons}, confidence {self.confidence:.2f}"


def _header(language: str, entries: list[Entry], low_confidence: float, path: Path) -> list[str]:
    return [
        f"# Trainer inbox ({language}): {len(entries)} different messages ({sum(e.count for e in entries)} in all)"
        " that fell back,",
        f"# had an intent confidence below {low_confidence:.2f} or were followed by a request for a person. Redacted.",
        "# Move each example under the intent it means (add a `- intent:` block if none fits) and delete",
        "# those not worth learning: every example left here is learned under the intent above it.",
        f"# Then: make inbox-accept FILE={path}, make train, make test.",
        "# After each example: times seen, why it is here, the lowest confidence the model gave it.",
        'version: "3.1"',
    ]


def nlu_yaml(language: str, entries: list[Entry], low_confidence: float, path: Path) -> str:
    """The inbox file of one language: intents by how many messages they got, examples by count."""
    lines = _header(language, entries, low_confidence, path)
    by_intent: dict[str, list[Entry]] = {}
    for entry in entries:
        by_intent.setdefault(entry.intent, []).append(entry)
    if not by_intent:
        return "\n".join([*lines, "nlu: []", ""])
    lines.append("nlu:")
    for intent, group in sorted(by_intent.items(), key=lambda item: (-sum(e.count for e in item[1]), item[0])):
        lines += [f"- intent: {intent}", "  examples:"]
        for entry in sorted(group, key=lambda e: (-e.count, e.text)):
            lines.append(f"  - text: {json.dumps(entry.text, ensure_ascii=False)}  # {entry.comment()}")
    return "\n".join([*lines, ""])


def count_rows(entries: list[Entry]) -> list[tuple[str, str, str, int, int]]:
    """(language, intent, reason, messages, examples) for each combination that has any."""
    messages: Counter[tuple[str, str, str]] = Counter()
    examples: Counter[tuple[str, str, str]] = Counter()
    for entry in entries:
        key = (entry.language, entry.intent, entry.reason)
        messages[key] += entry.count
        examples[key] += 1
    order = sorted(messages, key=lambda k: (SUPPORTED.index(k[0]), k[1], REASONS.index(k[2])))
    return [(*key, messages[key], examples[key]) for key in order]


def csv_text(rows: list[tuple[str, str, str, int, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def table(rows: list[tuple[str, str, str, int, int]]) -> list[str]:
    """The counts as aligned text, with a total."""
    total = ("total", "", "", sum(r[3] for r in rows), sum(r[4] for r in rows))
    cells = [COLUMNS, *[tuple(map(str, row)) for row in [*rows, total]]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    return [
        "  ".join(
            cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    ]
