"""Municipality names in free text: Finnish inflected forms and Swedish names.

"Lahdessa", "Lahteen", "i Lahtis" and "Lahti" are one place. A list of stems plus Finnish case
endings covers the inflection without a morphological analyser (none for Finnish is on PyPI
without downloading dictionaries at run time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from opastin.text import fold

DATA_FILE = Path(__file__).parent / "data" / "municipalities.yml"

# Finnish case endings (folded, no diacritics) that may follow a stem; "" is the base form.
_FI_ENDINGS = (
    "",
    "n",
    "ssa",
    "sta",
    "lla",
    "lta",
    "lle",
    "an",
    "en",
    "in",
    "on",
    "un",
    "aan",
    "een",
    "iin",
    "seen",
    "ksi",
    "na",
    "a",
    "ta",
    "ten",
    "sissa",
    "sista",
    "siin",
    "laiset",
    "lainen",
    "laisten",
    "laisille",
)
_SV_ENDINGS = ("", "s")


@dataclass(frozen=True)
class Municipality:
    code: str
    fi: str
    sv: str
    county: str | None
    main: bool
    centre: tuple[float, float] | None = None  # (latitude, longitude), approximate: for ordering by distance

    def name(self, language: str) -> str:
        """The name in the user's language (Swedish where one exists, else Finnish)."""
        return self.sv if language == "sv" else self.fi


@dataclass(frozen=True)
class PlaceMention:
    municipality: Municipality
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, Municipality], re.Pattern[str], dict[str, Municipality]]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["municipalities"]
    by_code: dict[str, Municipality] = {}
    forms: dict[str, Municipality] = {}
    for row in raw:
        centre = (float(row["centre"][0]), float(row["centre"][1])) if row.get("centre") else None
        municipality = Municipality(row["code"], row["fi"], row["sv"], row["county"], bool(row["main"]), centre)
        by_code[municipality.code] = municipality
        for stem in row["fi_stems"]:
            for ending in _FI_ENDINGS:
                forms.setdefault(stem + ending, municipality)
        for name in row["sv_names"] + [fold(row["fi"]), fold(row["sv"])]:
            for ending in _SV_ENDINGS:
                forms.setdefault(name + ending, municipality)
    alternatives = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    pattern = re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])")
    return by_code, pattern, forms


def all_municipalities() -> list[Municipality]:
    return list(_gazetteer()[0].values())


def by_code(code: str) -> Municipality | None:
    return _gazetteer()[0].get(code)


def known(code: str) -> Municipality:
    """The municipality of a code that data files name: an unknown code there is an error in the file."""
    found = by_code(code)
    if found is None:
        raise ValueError(f"municipality code {code!r} is not in opastin/data/municipalities.yml")
    return found


_POSTAL_CODE = re.compile(r"(?<![\d+])(\d{5})(?![\d])")


@lru_cache(maxsize=1)
def _postal_codes() -> dict[str, Municipality]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["municipalities"]
    by_code = _gazetteer()[0]
    return {str(postal): by_code[row["code"]] for row in raw for postal in row.get("postal_codes") or ()}


def find_mentions(text: str) -> Iterator[PlaceMention]:
    """Municipalities named in the text (or given by a postal code the data file lists), with
    character offsets into the original text, in the order they come.

    Folding keeps offsets: it only lower-cases and drops diacritics, one character for one.
    """
    _, pattern, forms = _gazetteer()
    folded = _fold_keep_length(text)
    found = [
        PlaceMention(forms[match.group(1)], match.start(), match.end(), text[match.start() : match.end()])
        for match in pattern.finditer(folded)
    ]
    postal = _postal_codes()
    found += [
        PlaceMention(postal[match.group(1)], match.start(), match.end(), match.group(1))
        for match in _POSTAL_CODE.finditer(text)
        if match.group(1) in postal
    ]
    yield from sorted(found, key=lambda mention: mention.start)


def resolve(text: str) -> Municipality | None:
    """The first municipality named in the text (an entity value, a button payload or a whole message)."""
    if not text:
        return None
    code_match = by_code(text.strip())
    if code_match:
        return code_match
    return next((mention.municipality for mention in find_mentions(text)), None)


def strip_places(text: str) -> str:
    """The text without place names: "Lahti" says nothing about the language a person writes in."""
    spans = [(m.start, m.end) for m in find_mentions(text)]
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def municipalities_of(county: str) -> list[Municipality]:
    """The county's municipalities, main towns first, each group in the data file's order (centre first)."""
    rows = [m for m in all_municipalities() if m.county == county]
    return sorted(rows, key=lambda m: not m.main)


_ONE_TO_ONE = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a"})


def _fold_keep_length(text: str) -> str:
    """Lower-case and fold ä/ö/å character by character, so that offsets stay valid."""
    return "".join(ch.translate(_ONE_TO_ONE).lower() if len(ch.lower()) == 1 else ch for ch in text)
