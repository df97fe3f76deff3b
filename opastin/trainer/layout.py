"""Where an intent's examples live, and which texts the model has already seen or must never see.

The project keeps an intent's examples in one obvious place per language: `data/nlu/<language>/<feature>.yml`.
A new example goes where its intent already is in that language; else into the same feature's file as in
another language; else into the file of the `# === feature` section that lists the intent in domain.yml;
else (an intent the project does not know) into `data/nlu/<language>/new_intents.yml`, for the trainer to
add to domain.yml. The held-out sets (tests/nlu_heldout/, tests/nlu_heldout2/, tests/nlu_heldout3/) measure
the model on text it has not seen, so none of them may ever be filed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from opastin.language import SUPPORTED
from opastin.trainer.nlu_yaml import example_key, read_examples

HELDOUT_FOLDERS = ("nlu_heldout", "nlu_heldout2", "nlu_heldout3")  # under tests/; written by others, never trained on

NEW_INTENTS = "new_intents"
_SECTION = re.compile(r"^\s*#\s*===\s*(\w+)")
_TOP_KEY = re.compile(r"^(\w+):")
_LIST_ITEM = re.compile(r"^\s+-\s+([A-Za-z0-9_]+)\s*(#.*)?$")


@dataclass(frozen=True)
class Place:
    """Where an example already is: the file and the intent it is listed under."""

    path: Path
    intent: str


@dataclass
class Layout:
    root: Path
    homes: dict[tuple[str, str], Path] = field(default_factory=dict)  # (language, intent) → its file
    features: dict[str, str] = field(default_factory=dict)  # intent → the feature file it lives in
    sections: dict[str, str] = field(default_factory=dict)  # intent → its `# === feature` in domain.yml
    trained: dict[str, Place] = field(default_factory=dict)  # example key → where it is
    heldout: dict[str, Path] = field(default_factory=dict)  # example key → the held-out file

    def nlu_file(self, language: str, feature: str) -> Path:
        return self.root / "data" / "nlu" / language / f"{feature}.yml"

    def home(self, language: str, intent: str) -> tuple[Path, bool]:
        """The file for a new example of `intent` in `language`, and whether the intent is new to the project."""
        if (language, intent) in self.homes:
            path = self.homes[(language, intent)]
            return path, path.stem == NEW_INTENTS and intent not in self.sections
        feature = self.features.get(intent) or self.sections.get(intent)
        if feature:
            return self.nlu_file(language, feature), False
        return self.nlu_file(language, NEW_INTENTS), True

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)


def domain_sections(domain_text: str) -> dict[str, str]:
    """intent → feature, from the `# === feature` comments under `intents:` in domain.yml."""
    sections: dict[str, str] = {}
    key, feature = "", ""
    for line in domain_text.splitlines():
        if top := _TOP_KEY.match(line):
            key, feature = top.group(1), ""
        elif section := _SECTION.match(line):
            feature = section.group(1)
        elif key == "intents" and feature and (item := _LIST_ITEM.match(line)):
            sections[item.group(1)] = feature
    return sections


def load_layout(root: Path) -> Layout:
    layout = Layout(root=root)
    domain = root / "domain.yml"
    if domain.exists():
        layout.sections = domain_sections(domain.read_text(encoding="utf-8"))
    for language in SUPPORTED:
        for path in sorted((root / "data" / "nlu" / language).glob("*.yml")):
            for intent, example in read_examples(path):
                layout.homes.setdefault((language, intent), path)
                if path.stem != NEW_INTENTS:
                    layout.features.setdefault(intent, path.stem)
                layout.trained.setdefault(example_key(example), Place(path, intent))
    for path in sorted(p for folder in HELDOUT_FOLDERS for p in (root / "tests" / folder).glob("*.yml")):
        for _, example in read_examples(path):
            layout.heldout[example_key(example)] = path
    return layout
