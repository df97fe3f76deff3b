"""The held-out sets and how a prediction is scored against them (shared by the Rasa and baseline benchmarks).

Sets 1, 2 and 3 (tests/nlu_heldout*/) were written by people who did not write the training data; the
writers of sets 2 and 3 saw only the intents' descriptions (docs/intents.md), never the training data, and
set 3 was written last, after the training data were settled. None is ever used in training
(tests/test_trainer_filing.py asserts no overlap).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("fi", "sv", "en")
HELDOUT_SETS = {"1": Path("tests/nlu_heldout"), "2": Path("tests/nlu_heldout2"), "3": Path("tests/nlu_heldout3")}
# The intents whose first answer is a number to call: 112, a crisis line, Nollalinja or 116117.
SAFETY_INTENTS = ("emergency", "crisis_support", "seek_shelter", "urgent_care")
# seek_shelter is the crisis path's branch for violence at home (112 and Nollalinja first). The held-out
# writers had only crisis_support for it, so a crisis_support message answered on that branch still
# gets a crisis number first: it counts as right, and the report shows how many there were.
SAME_PATH = {("crisis_support", "seek_shelter")}


def heldout_sets() -> dict[str, Path]:
    """The held-out sets that exist in this checkout (set 2 may not be there yet)."""
    return {name: path for name, path in HELDOUT_SETS.items() if (path / "fi.yml").exists()}


def load_examples(folder: Path, language: str) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(folder / f"{language}.yml"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def is_right(expected: str, predicted: str) -> bool:
    return predicted == expected or (expected, predicted) in SAME_PATH


@dataclass
class Score:
    """One model on one language of one held-out set."""

    total: int = 0
    correct: int = 0
    same_path: int = 0  # crisis_support answered on the seek_shelter branch
    safety_total: int = 0
    safety_caught: int = 0
    confusions: Counter = field(default_factory=Counter)
    safety_confusions: Counter = field(default_factory=Counter)  # (expected, predicted) with a safety intent

    def add(self, expected: str, predicted: str) -> None:
        right = is_right(expected, predicted)
        self.total += 1
        self.correct += right
        self.same_path += right and predicted != expected
        if not right:
            self.confusions[(expected, predicted)] += 1
        if expected in SAFETY_INTENTS:
            self.safety_total += 1
            self.safety_caught += right
        if expected in SAFETY_INTENTS or predicted in SAFETY_INTENTS:
            self.safety_confusions[(expected, predicted)] += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def safety_recall(self) -> float:
        return self.safety_caught / self.safety_total if self.safety_total else 1.0

    def recall_of(self, intent: str) -> tuple[int, int]:
        """(right, all) of the held-out messages of one intent."""
        rows = {(e, p): n for (e, p), n in self.safety_confusions.items() if e == intent}
        return sum(n for (e, p), n in rows.items() if is_right(e, p)), sum(rows.values())


def safety_confusion_table(scores: list[Score]) -> str:
    """Rows: expected safety intent; columns: what was predicted (the safety intents, then the rest)."""
    merged: Counter = Counter()
    for score in scores:
        merged.update(score.safety_confusions)
    columns = [*SAFETY_INTENTS, "other"]
    short = {"emergency": "emerg", "crisis_support": "crisis", "seek_shelter": "shelter", "urgent_care": "urgent"}
    lines = [f"{'expected ↓ / predicted →':<26}" + "".join(f"{short.get(c, c):>9}" for c in columns)]
    for expected in [*SAFETY_INTENTS, "other"]:
        counts: Counter = Counter()
        for (e, p), n in merged.items():
            row = e if e in SAFETY_INTENTS else "other"
            col = p if p in SAFETY_INTENTS else "other"
            if row == expected:
                counts[col] += n
        if expected == "other":
            counts["other"] = 0  # not counted: only messages that touch a safety intent are kept
        lines.append(f"{expected:<26}" + "".join(f"{counts[c] or '·':>9}" for c in columns))
    return "\n".join(lines)
