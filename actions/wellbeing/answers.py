"""Understanding a questionnaire answer typed in any of fi, sv and en, or sent by a button.

No NLU model is needed for this: the answers are a closed set (three scale levels and the
commands skip, stop and restart), so a phrase list (answer_words.yml) and a small frequency
reader ("3 kertaa viikossa", "två gånger i veckan", "twice a month") are exact and explainable.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

WORDS_FILE = Path(__file__).with_name("answer_words.yml")


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
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
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

_NUMBER_WORDS = {
    # fi
    "yksi": 1, "yhden": 1, "yhen": 1, "kaksi": 2, "kaks": 2, "kahdesti": 2, "kolme": 3, "kolmesti": 3,
    "nelja": 4, "viisi": 5, "kuusi": 6, "seitseman": 7, "kahdeksan": 8, "pari": 2, "muutaman": 3,
    "muutama": 3, "useita": 3, "monta": 3,
    # sv
    "ett": 1, "ena": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "atta": 8,
    "par": 2, "nagra": 3, "flera": 3,
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "couple": 2, "few": 3, "several": 3,
}
# Words that are a count and a "times" at once.
_COUNTED = {"kerran": 1, "kahdesti": 2, "kolmesti": 3, "once": 1, "twice": 2, "thrice": 3}
_TIMES = {"kertaa", "kerta", "kerran", "krt", "x", "gang", "ganger", "ggr", "times", "time"}
# Swedish "en gång": "en" is a count only right before "gång".
_SV_ONE = {"en"}
_PERIODS = (
    (("viiko", "viikk", "vko", "vk", "veck", "week", "wk", "v"), 1.0),
    (("paiv", "pv", "dag", "dygn", "day", "ilta", "kvall", "night", "evening"), 7.0),
    (("kuuka", "kuussa", "kk", "manad", "man", "month"), 1 / 4.3),
    (("vuo", "ar", "aret", "year"), 1 / 52),
)
_PER_WEEK_PHRASES = (
    ("joka toinen paiva", 3.5), ("joka toinen viikko", 0.5), ("varannan dag", 3.5),
    ("varannan vecka", 0.5), ("every other day", 3.5), ("every other week", 0.5),
    ("joka paiva", 7), ("jokapaiva", 7), ("joka yo", 7), ("varje natt", 7), ("paivittain", 7), ("joka ilta", 7), ("joka aamu", 7), ("varje dag", 7),
    ("dagligen", 7), ("varje kvall", 7), ("every day", 7), ("daily", 7), ("every night", 7),
    ("everyday", 7), ("joka viikko", 1), ("viikoittain", 1), ("kerran viikossa", 1),
    ("varje vecka", 1), ("every week", 1), ("weekly", 1), ("joka kuukausi", 1 / 4.3),
    ("kuukausittain", 1 / 4.3), ("varje manad", 1 / 4.3), ("every month", 1 / 4.3),
    ("monthly", 1 / 4.3),
)
_PERIOD_EXACT = {"v", "vk", "pv", "kk", "man", "ar"}  # short forms that must not match as prefixes


def _period_factor(token: str) -> Optional[float]:
    for prefixes, factor in _PERIODS:
        for prefix in prefixes:
            if token == prefix or (prefix not in _PERIOD_EXACT and token.startswith(prefix)):
                return factor
    return None


def _count(token: str, following: Optional[str]) -> Optional[float]:
    if re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", token):
        return float(token.replace(",", "."))
    if token in _SV_ONE and following in {"gang", "ganger"}:
        return 1
    return _NUMBER_WORDS.get(token)


def times_per_week(text: str) -> Optional[float]:
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
        rest = tokens[i + 1: i + 6]
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


def _best_phrase(norm: str) -> Optional[tuple[str, Answer, int]]:
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


def parse_answer(text: str, *, language: str = "fi", regular_per_week: float = 2) -> Optional[Answer]:
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
