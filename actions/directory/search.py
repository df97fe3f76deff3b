"""Stemming for free-text search in Finnish, Swedish and English (Snowball stemmers)."""
from __future__ import annotations

from functools import lru_cache

import snowballstemmer

from opastin.text import fold, words

_STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
LANGUAGES = tuple(_STEMMERS)

# Words of requests that say nothing about which service is meant.
_STOPWORDS = {
    "fi": {"missa", "mista", "mihin", "miten", "mika", "mita", "voin", "voiko", "saan", "saako", "olen", "mina",
           "ma", "mun", "minun", "minulla", "haluan", "tarvitsen", "tarttisin", "tarviin", "jossa", "onko", "kun",
           "apua", "palvelu", "palvelut", "palvelua", "kiitos", "hei", "ja", "tai", "on", "se", "ne", "etta"},
    "sv": {"var", "hur", "vad", "kan", "jag", "min", "mitt", "vill", "behover", "far", "finns", "det", "som",
           "och", "eller", "hjalp", "tjanst", "tjanster", "tack", "hej", "en", "ett", "att", "man", "med", "for", "av",
           "till", "om", "pa", "i"},
    "en": {"where", "how", "what", "can", "get", "need", "want", "have", "the", "and", "for", "with", "help",
           "service", "services", "please", "thanks", "hello", "is", "are", "there", "any", "my", "me", "you"},
}
MIN_TERM_LENGTH = 3


@lru_cache(maxsize=None)
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
