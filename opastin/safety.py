"""Deterministic safety net: clear emergency, crisis or on-call wording wins over the classifier.

An intent classifier is right most of the time; for "my husband is not breathing" most of the
time is not enough. The patterns are data (opastin/data/safety_patterns.yml) so that a county's
clinicians can review them without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from opastin.text import fold

PATTERNS_FILE = Path(__file__).parent / "data" / "safety_patterns.yml"

EMERGENCY = "emergency"
CRISIS = "crisis_support"
SHELTER = "seek_shelter"  # violence at home or a shelter: the crisis path with 112 and Nollalinja first
URGENT = "urgent_care"
# When several match ("he hits me and she is not breathing"), the life-threatening one goes first.
PRIORITY = (EMERGENCY, CRISIS, SHELTER)
# The on-call level only decides which number a message to the bot gets first (116117); it is no
# alarm: a person writing "päivystys" to a live agent is not marked urgent (channels/handover.py).
INTENT_PRIORITY = (*PRIORITY, URGENT)
# A lower rank never replaces a higher one the classifier chose; the two crisis paths replace each other.
_RANK = {EMERGENCY: 0, CRISIS: 1, SHELTER: 1, URGENT: 2}

_Compiled = list[tuple[str, re.Pattern[str]]]


@dataclass(frozen=True)
class SafetyMatch:
    level: str
    language: str
    pattern: str


@dataclass(frozen=True)
class _Rules:
    patterns: dict[str, _Compiled]
    distress: _Compiled  # distress together with …
    person: _Compiled  # … a wish for a person is a crisis
    unless: dict[str, _Compiled]  # per level: wording that leaves the message to the classifier
    negations: dict[str, re.Pattern[str]]  # per language: Swedish "en" is "a", Finnish "en" is "not"


def _compile(by_language: dict[str, list[str]]) -> _Compiled:
    return [(lang, re.compile(p)) for lang, items in by_language.items() for p in items]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw: dict[str, Any] = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    return _Rules(
        patterns={level: _compile(raw["levels"][level]) for level in INTENT_PRIORITY},
        distress=_compile(raw["distress_with_person"]["distress"]),
        person=_compile(raw["distress_with_person"]["person"]),
        unless={level: _compile(by_lang) for level, by_lang in raw["unless"].items()},
        negations={lang: _negation_pattern(words) for lang, words in raw["negations"].items()},
    )


def _negation_pattern(words: list[str]) -> re.Pattern[str]:
    """A negation as one of the two words right before the match: "en halua kuolla" is no crisis."""
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(r"(?:^|\s)(?:" + alternatives + r")(?:\s+\S+)?\s*$")


def _negated(text: str, start: int, language: str) -> bool:
    return bool(_rules().negations[language].search(text[:start]))


def _first(folded: str, patterns: _Compiled) -> tuple[str, str] | None:
    """(language, pattern) of the first pattern found in the folded text and not negated, or None."""
    for lang, pattern in patterns:
        for match in pattern.finditer(folded):
            if not _negated(folded, match.start(), lang):
                return lang, pattern.pattern
    return None


def _assess_level(folded: str, level: str) -> SafetyMatch | None:
    rules = _rules()
    if level in rules.unless and any(p.search(folded) for _, p in rules.unless[level]):  # no negation here
        return None
    found = _first(folded, rules.patterns[level])
    return SafetyMatch(level, *found) if found else None


def _distress_with_person(folded: str) -> SafetyMatch | None:
    """Distress and a wish for a person in one message: the crisis line first, then the person."""
    rules = _rules()
    distress = _first(folded, rules.distress)
    person = _first(folded, rules.person) if distress else None
    if distress and person:
        return SafetyMatch(CRISIS, distress[0], f"{distress[1]} + {person[1]}")
    return None


def assess(text: str, levels: tuple[str, ...] = PRIORITY) -> SafetyMatch | None:
    """The most urgent of `levels` that the text clearly expresses, or None.

    A crisis in so many words ("haluan kuolla") goes before violence at home, which goes before
    distress with a wish for a person; so "mies lyö minua ja haluan kuolla" gets the crisis line.
    """
    folded = fold(text)
    for level in levels:
        match = _assess_level(folded, level)
        if match is None and level == SHELTER and CRISIS in levels:
            match = _distress_with_person(folded)
        if match is not None:
            return match
    return None


def overrides(predicted: str | None, match: SafetyMatch | None) -> bool:
    """Whether the safety match must replace the predicted intent.

    An emergency beats everything; a crisis (either path) beats everything but an emergency; the
    on-call level (urgent care, 116117 first) beats everything but those.
    """
    if match is None or predicted == match.level:
        return False
    return predicted not in _RANK or _RANK[match.level] <= _RANK[predicted]


def override_intent(predicted: str | None, text: str) -> SafetyMatch | None:
    """The safety match that must replace the predicted intent, or None if the prediction stands."""
    match = assess(text, INTENT_PRIORITY)
    return match if overrides(predicted, match) else None
