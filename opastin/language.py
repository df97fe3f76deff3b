"""Which language a conversation is in: detected per message, sticky, explicitly switchable.

Lingua restricted to fi/sv/en is the best detector for short texts we measured (97 %), but on a
one-word reply ("ok", "ja", "kiitos") any detector guesses. So the current language only changes on
an explicit request, on channel metadata, or on a message long and clear enough to trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from opastin.text import fold, words

SUPPORTED = ("fi", "sv", "en")
DEFAULT = "fi"

_LINGUA = {Language.FINNISH: "fi", Language.SWEDISH: "sv", Language.ENGLISH: "en"}

# One-word openings that a detector gets wrong or only barely right ("moro" looks English to it).
_OPENING_WORDS = {
    "fi": {"moi", "moro", "hei", "heippa", "terve", "moikka", "kiitos", "kiitti", "joo", "kylla", "huomenta", "paivaa"},
    "sv": {"hej", "hejsan", "tjena", "tack", "morjens", "godmorgon", "goddag"},
    "en": {"hi", "hello", "hey", "thanks", "yes", "please"},
}

# A message may switch an established language only when it is at least this long and clear.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12
MIN_CONFIDENCE_TO_SWITCH = 0.55
MIN_MARGIN_TO_SWITCH = 0.2


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    scores: dict[str, float]

    def margin_over(self, other: str) -> float:
        """How much more likely the detected language is than `other` (0..1)."""
        return self.confidence - self.scores.get(other, 0.0)


@lru_cache(maxsize=1)
def _detector():
    """Built once: lingua loads its models lazily, and only these three are needed."""
    return LanguageDetectorBuilder.from_languages(*_LINGUA).with_preloaded_language_models().build()


def detect(text: str) -> Detection | None:
    """Best language of the text with lingua's confidence, or None when the text has no words."""
    if not words(text):
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    scores = {_LINGUA[value.language]: float(value.value) for value in values}
    best = values[0]
    return Detection(_LINGUA[best.language], float(best.value), scores)


def normalise_code(value: object) -> str | None:
    """Accept 'sv', 'sv-FI', 'SV' … from metadata and buttons; anything else is not a language choice."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None


def _opening_word(text: str) -> str | None:
    tokens = fold(text).split()
    if len(tokens) != 1:
        return None
    token = tokens[0].strip("!.?,")
    for code, vocabulary in _OPENING_WORDS.items():
        if token in vocabulary:
            return code
    return None


def _clear_enough_to_switch(text: str, detection: Detection, current: str) -> bool:
    tokens = words(text)
    letters = sum(len(token) for token in tokens)
    return (
        len(tokens) >= MIN_WORDS_TO_SWITCH
        and letters >= MIN_LETTERS_TO_SWITCH
        and detection.confidence >= MIN_CONFIDENCE_TO_SWITCH
        and detection.margin_over(current) >= MIN_MARGIN_TO_SWITCH
    )


def choose_language(
    current: str | None,
    text: str,
    *,
    requested: str | None = None,
    metadata: str | None = None,
) -> str:
    """The language to answer this message in.

    Order: an explicit request in the message or a button, then channel metadata (the web page's
    language switch), then detection — which may start a conversation but flips an established
    language only on a long, clear message.
    """
    for explicit in (requested, metadata):
        code = normalise_code(explicit)
        if code:
            return code
    current = normalise_code(current)
    if text.strip().startswith("/"):  # a button payload carries no language of its own
        return current or DEFAULT
    detection = detect(text)
    if current is None:
        opening = _opening_word(text)
        if opening:
            return opening
        return detection.language if detection else DEFAULT
    if detection and detection.language != current and _clear_enough_to_switch(text, detection, current):
        return detection.language
    return current


# Words that name a language when someone asks to switch ("puhu ruotsia", "in English please").
_LANGUAGE_NAMES = {
    "fi": ("suomi", "suome", "suomeksi", "finska", "finsk", "finnish", "finnis"),
    "sv": ("ruotsi", "ruotsia", "ruotsiksi", "svenska", "svensk", "swedish", "swedis"),
    "en": ("englanti", "englanni", "englantia", "englanniksi", "engelska", "engelsk", "english", "englis"),
}


def requested_language(text: str) -> str | None:
    """The language a switch request names, by its fi/sv/en name or its code; None if none or several."""
    code = normalise_code(text)
    if code and len(text.strip()) <= 5:
        return code
    found = {
        lang
        for token in fold(text).split()
        for lang, names in _LANGUAGE_NAMES.items()
        if any(token.startswith(name) for name in names)
    }
    return found.pop() if len(found) == 1 else None
