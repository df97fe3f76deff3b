"""Text normalisation shared by language detection, the safety net, place names and search."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})


def normalise(text: str) -> str:
    """NFKC, lower case and single spaces: users type odd Unicode (full-width letters, NBSP, combining marks)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.lower().split())


def fold(text: str) -> str:
    """Normalise and drop Nordic diacritics, because many people type without ä/ö/å."""
    folded = normalise(text).translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Alphabetic words of the text (normalised, diacritics kept)."""
    return _WORD.findall(normalise(text))
