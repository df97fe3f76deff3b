"""Stemming for free-text search in Finnish, Swedish and English (Snowball stemmers)."""

from __future__ import annotations

from functools import cache

import snowballstemmer

from opastin import catalogue
from opastin.text import fold, words

_STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
LANGUAGES = tuple(_STEMMERS)

_STOPWORDS = {lang: frozenset(words) for lang, words in catalogue.words("search")["stopwords"].items()}
MIN_TERM_LENGTH = 3


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(_STEMMERS[language])


def stems(text: str, language: str) -> list[str]:
    """Distinct stems of the text's content words, folded (ä→a) so that typing without ä/ö finds them."""
    seen: dict[str, None] = {}
    stemmer = _stemmer(language)
    for word in words(text):
        folded = fold(word)
        if len(folded) < MIN_TERM_LENGTH or folded in _STOPWORDS[language]:
            continue
        stem = fold(stemmer.stemWord(word))
        if len(stem) >= MIN_TERM_LENGTH:
            seen.setdefault(stem, None)
    return list(seen)
