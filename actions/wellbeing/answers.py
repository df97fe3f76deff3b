"""Understanding a questionnaire answer typed in any of fi, sv and en, or sent by a button.

No NLU model is needed for this: the answers are a closed set (three scale levels and the
commands skip, stop and restart), so a phrase list (texts/words/answers.yml) and a small frequency
reader ("3 kertaa viikossa", "två gånger i veckan", "twice a month") are exact and explainable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from opastin import catalogue


class Answer(str, Enum):
    REGULARLY = "regularly"
    SOMETIMES = "sometimes"
    NOT_NOW = "not_now"
    SKIP = "skip"
    STOP = "stop"
    RESTART = "restart"

    @property
    def is_scale(self) -> bool:
        return self in SCALE


SCALE = (Answer.REGULARLY, Answer.SOMETIMES, Answer.NOT_NOW)
# Ties between equally long phrases go to the first here: a command beats an answer, and a
# hedge ("sometimes") beats a plain yes or no.
PRECEDENCE = (Answer.STOP, Answer.RESTART, Answer.SKIP, Answer.SOMETIMES, Answer.NOT_NOW, Answer.REGULARLY)


def normalise(text: str) -> str:
    """Lower case, no punctuation or apostrophes, ä/ö/å without dots: "Joo, KYLLÄ!" → "joo kylla"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("’", "")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(re.findall(r"[0-9]+(?:[.,][0-9]+)?|[a-z]+", text))


@dataclass(frozen=True)
class _Lexicon:
    phrases: tuple[tuple[str, Answer], ...]  # normalised phrase, meaning; longest first
    weakened: frozenset[str]
    outweighs_frequency: frozenset[str]
    negations: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data = catalogue.words("answers")
    pairs = [(normalise(p), Answer(k)) for k, items in data["commands"].items() for p in items]
    pairs += [(normalise(p), Answer(k)) for k, items in data["scale"].items() for p in items]
    pairs.sort(key=lambda pair: (-len(pair[0]), PRECEDENCE.index(pair[1])))
    return _Lexicon(
        phrases=tuple(pairs),
        weakened=frozenset(normalise(w) for w in data["weakened_by_negation"]),
        outweighs_frequency=frozenset(normalise(w) for w in data["outweighs_frequency"]),
        negations={lang: frozenset(normalise(w) for w in words) for lang, words in data["negations"].items()},
    )


# --------------------------------------------------------------------------- frequencies

_FREQUENCY = catalogue.words("frequency")
_NUMBER_WORDS: dict[str, float] = _FREQUENCY["number_words"]
_COUNTED: dict[str, float] = _FREQUENCY["counted"]
_TIMES = frozenset(_FREQUENCY["times"])
_SV_ONE = frozenset(_FREQUENCY["one_before_times"])
_PERIODS = tuple((tuple(row["starts"]), float(row["per_week"])) for row in _FREQUENCY["periods"])
_PER_WEEK_PHRASES = tuple((phrase, float(n)) for phrase, n in _FREQUENCY["per_week_phrases"].items())
_PERIOD_EXACT = frozenset(_FREQUENCY["exact_periods"])


def _period_factor(token: str) -> float | None:
    for prefixes, factor in _PERIODS:
        for prefix in prefixes:
            if token == prefix or (prefix not in _PERIOD_EXACT and token.startswith(prefix)):
                return factor
    return None


def _count(token: str, following: str | None) -> float | None:
    if re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", token):
        return float(token.replace(",", "."))
    if token in _SV_ONE and following in {"gang", "ganger"}:
        return 1
    return _NUMBER_WORDS.get(token)


def times_per_week(text: str) -> float | None:
    """How many times a week the text says, or None when it names no frequency."""
    norm = normalise(text)
    padded = f" {norm} "
    for phrase, value in _PER_WEEK_PHRASES:
        if f" {phrase} " in padded:
            return float(value)
    tokens = norm.split()
    for i, token in enumerate(tokens):
        counted = _COUNTED.get(token)
        count = counted if counted is not None else _count(token, tokens[i + 1] if i + 1 < len(tokens) else None)
        if count is None:
            continue
        rest = tokens[i + 1 : i + 6]
        if counted is None:
            # "3 kertaa viikossa", "2 ggr/vecka", "three times a week", "2x per week"
            if not rest or rest[0] not in _TIMES:
                continue
            rest = rest[1:]
        for word in rest[:3]:
            factor = _period_factor(word)
            if factor is not None:
                return count * factor
    return None


# --------------------------------------------------------------------------- answers


def _negated_before(tokens: list[str], index: int, language: str) -> bool:
    """Negation words of the conversation's language only: Finnish "no kyllä" is a yes."""
    words = lexicon().negations.get(language, frozenset())
    return any(t in words for t in tokens[:index])


def _best_phrase(norm: str) -> tuple[str, Answer, int] | None:
    padded = f" {norm} "
    for phrase, meaning in lexicon().phrases:
        at = padded.find(f" {phrase} ")
        if phrase and at >= 0:
            return phrase, meaning, len(padded[:at].split())
    return None


def scale_for_frequency(per_week: float, regular_per_week: float) -> Answer:
    if per_week <= 0:
        return Answer.NOT_NOW
    return Answer.REGULARLY if per_week >= regular_per_week else Answer.SOMETIMES


def parse_answer(text: str, *, language: str = "fi", regular_per_week: float = 2) -> Answer | None:
    """The answer a message gives to a questionnaire question, or None when it gives none."""
    norm = normalise(text[:500])
    if not norm:
        return None
    found = _best_phrase(norm)
    if found and (not found[1].is_scale or found[0] in lexicon().outweighs_frequency):
        return found[1]  # commands first: "lopeta" must always stop
    per_week = times_per_week(norm)
    if per_week is not None:
        return scale_for_frequency(per_week, regular_per_week)
    if found is None:
        return None
    phrase, meaning, position = found
    if meaning is Answer.REGULARLY and _negated_before(norm.split(), position, language):
        return Answer.SOMETIMES if phrase in lexicon().weakened else Answer.NOT_NOW
    return meaning
