"""Filing accepted examples into `data/nlu/<language>/<feature>.yml`: the one way the trainer's tools add
training data (`make interactive`, `make inbox-accept`), so both make the same checks.

Each example is redacted again (what a person typed may hold a phone number), kept on one line, and
refused when it is in the held-out set (that set must stay unseen, or its score means nothing), already in
the training data (whatever its case, accents or punctuation: the featurizers would see the same text),
given twice, or labelled with an intent the model cannot learn (`nlu_fallback`). Its language is the one
given (the inbox file's) or detected as a conversation's first message is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from opastin.language import choose_language
from opastin.redaction import redact
from opastin.trainer.layout import NEW_INTENTS, Layout, load_layout
from opastin.trainer.nlu_yaml import HEADER, add_examples, example_key, one_line, plain_text

ROOT = Path(__file__).resolve().parents[2]
# Rasa's own intents that no example may teach.
UNTRAINABLE = frozenset({"nlu_fallback", "restart", "back", "session_start"})
NEW_INTENTS_HEADER = (
    "# Intents new to the project, filed by the trainer's tools (opastin/trainer/filing.py). For each: add it\n"
    "# to domain.yml under `intents:` in the right `# === feature` section, then move its block to\n"
    "# data/nlu/<language>/<feature>.yml. Until then `rasa data validate` warns about it.\n" + HEADER
)


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str | None = None  # None: detected from the text


@dataclass(frozen=True)
class Filed:
    path: Path
    intent: str
    text: str
    language: str
    new_intent: bool


@dataclass(frozen=True)
class Refused:
    text: str
    intent: str
    reason: str


@dataclass
class Filing:
    layout: Layout
    filed: list[Filed] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def changed(self) -> list[Path]:
        return sorted({item.path for item in self.filed})

    @property
    def new_intents(self) -> list[tuple[str, str, Path]]:
        return sorted({(item.language, item.intent, item.path) for item in self.filed if item.new_intent})

    def report(self) -> list[str]:
        """What was filed where, what was refused and why, and the intents domain.yml lacks."""
        lines = [f"Filed {len(self.filed)} example(s):" if self.filed else "Filed nothing."]
        lines += [f"  {self.layout.relative(f.path)}  {f.intent}  + {f.text}" for f in self.filed]
        if self.refused:
            lines.append(f"Refused {len(self.refused)}:")
            lines += [f"  {r.text!r} ({r.intent}): {r.reason}" for r in self.refused]
        if self.new_intents:
            lines.append(
                "New intents: add each to domain.yml under `intents:` in the right `# === feature` section,"
                " then move its block from new_intents.yml to that feature's file:"
            )
            lines += [
                f"  {language}  {intent}  ({self.layout.relative(path)})" for language, intent, path in self.new_intents
            ]
        return lines


def language_of(text: str) -> str:
    """The language a conversation starting with this text would get (opening words, then lingua)."""
    return choose_language(None, plain_text(text))


def _refusal(layout: Layout, key: str, intent: str, batch: set[str]) -> str | None:
    if not key:
        return "no words left to learn from"
    if intent in UNTRAINABLE:
        return f"{intent} is not an intent to learn: put the example under the intent it means, or delete it"
    if key in layout.heldout:
        return f"in the held-out test set ({layout.relative(layout.heldout[key])}), which must stay unseen"
    if key in layout.trained:
        place = layout.trained[key]
        return f"already in {layout.relative(place.path)} under {place.intent}"
    if key in batch:
        return "given twice"
    return None


def plan(examples: Iterable[Example], layout: Layout) -> Filing:
    """Decides where each example goes, or why it is refused, without writing anything."""
    filing = Filing(layout)
    batch: set[str] = set()
    for example in examples:
        text = one_line(redact(example.text))
        key = example_key(text)
        reason = _refusal(layout, key, example.intent, batch)
        if reason:
            filing.refused.append(Refused(text, example.intent, reason))
            continue
        batch.add(key)
        language = example.language or language_of(text)
        path, new_intent = layout.home(language, example.intent)
        filing.filed.append(Filed(path, example.intent, text, language, new_intent))
    return filing


def file_examples(examples: Iterable[Example], root: Path = ROOT, *, dry_run: bool = False) -> Filing:
    """Files the examples into the layout under `root` (all of one file's at once) and says what it did."""
    filing = plan(examples, load_layout(root))
    if dry_run:
        return filing
    by_file: dict[Path, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in filing.filed:
        by_file[item.path][item.intent].append(item.text)
    for path, intents in by_file.items():
        header = NEW_INTENTS_HEADER if path.stem == NEW_INTENTS else HEADER
        for intent, texts in intents.items():
            add_examples(path, intent, texts, header=header)
    return filing


def problems(filing: Filing, root: Path = ROOT) -> list[str]:
    """What `rasa data validate` would object to in the files just changed: whether Rasa reads them, and
    whether their intents are in domain.yml."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.loading import load_data

    known = set(Domain.load(str(root / "domain.yml")).intents)
    found = []
    for path in filing.changed:
        try:
            intents = {message.get("intent") for message in load_data(str(path)).intent_examples}
        except Exception as error:  # any reading error is the trainer's to see
            found.append(f"{filing.layout.relative(path)}: Rasa cannot read it: {error}")
            continue
        found += [
            f"{filing.layout.relative(path)}: intent {intent} is not in domain.yml"
            for intent in sorted(intents - known)
        ]
    return found
