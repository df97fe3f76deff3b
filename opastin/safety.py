"""Deterministic safety net: clear emergency or crisis wording wins over the classifier.

An intent classifier is right most of the time; for "my husband is not breathing" most of the
time is not enough. The patterns are data (opastin/data/safety_patterns.yml) so that a county's
clinicians can review them without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from opastin.text import fold

PATTERNS_FILE = Path(__file__).parent / "data" / "safety_patterns.yml"

EMERGENCY = "emergency"
CRISIS = "crisis_support"
# When both match ("he hits me and she is not breathing"), the life-threatening one goes first.
PRIORITY = (EMERGENCY, CRISIS)


@dataclass(frozen=True)
class SafetyMatch:
    level: str
    language: str
    pattern: str


@dataclass(frozen=True)
class _Rules:
    patterns: dict[str, list[tuple[str, re.Pattern[str]]]]
    negations: dict[str, re.Pattern[str]]  # per language: Swedish "en" is "a", Finnish "en" is "not"


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    patterns = {
        level: [(lang, re.compile(p)) for lang, items in raw["levels"][level].items() for p in items]
        for level in PRIORITY
    }
    return _Rules(patterns, {lang: _negation_pattern(words) for lang, words in raw["negations"].items()})


def _negation_pattern(words: list[str]) -> re.Pattern[str]:
    """A negation as one of the two words right before the match: "en halua kuolla" is no crisis."""
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(r"(?:^|\s)(?:" + alternatives + r")(?:\s+\S+)?\s*$")


def _negated(text: str, start: int, language: str) -> bool:
    return bool(_rules().negations[language].search(text[:start]))


def assess(text: str) -> SafetyMatch | None:
    """The most urgent safety level the text clearly expresses, or None."""
    folded = fold(text)
    rules = _rules()
    for level in PRIORITY:
        for lang, pattern in rules.patterns[level]:
            for match in pattern.finditer(folded):
                if not _negated(folded, match.start(), lang):
                    return SafetyMatch(level, lang, pattern.pattern)
    return None


def override_intent(predicted: str | None, text: str) -> SafetyMatch | None:
    """The safety match that must replace the predicted intent, or None if the prediction stands.

    An emergency beats everything; a crisis beats everything but an emergency.
    """
    match = assess(text)
    if match is None or predicted == match.level:
        return None
    if match.level == CRISIS and predicted == EMERGENCY:
        return None
    return match
