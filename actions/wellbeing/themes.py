"""The questionnaire's themes, read from the county's card (texts/wellbeing_themes.yml)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from actions.wellbeing.answers import SCALE, Answer, normalise

LANGUAGES = ("fi", "sv", "en")
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "texts" / "wellbeing_themes.yml"


class ThemeFileError(ValueError):
    """The card is incomplete: the questionnaire refuses to start rather than ask half a question."""


@dataclass(frozen=True)
class Theme:
    key: str
    names: dict[str, str]
    question: dict[str, str]
    labels: dict[Answer, dict[str, str]]
    regular_per_week: float
    topics: tuple[str, ...]
    keywords: dict[str, tuple[str, ...]]
    offer_person: bool = False

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["fi"]

    def ask(self, language: str) -> str:
        return self.question.get(language) or self.question["fi"]

    def label(self, answer: Answer, language: str) -> str:
        texts = self.labels[answer]
        return texts.get(language) or texts["fi"]

    def search_words(self, language: str) -> str:
        return " ".join(self.keywords.get(language, ()))


def themes_file() -> Path:
    """OPASTIN_THEMES points to a county's own card; the default card ships with the project."""
    return Path(os.environ.get("OPASTIN_THEMES") or DEFAULT_FILE)


def _texts(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGUAGES
    ):
        raise ThemeFileError(f"{where}: needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _theme(row: dict, scale: dict[Answer, dict[str, str]]) -> Theme:
    key = row.get("key")
    if not isinstance(key, str) or not key:
        raise ThemeFileError(f"a theme without a key: {row!r}")
    labels = row.get("labels") or {}
    return Theme(
        key=key,
        names=_texts(row.get("names"), f"{key}.names"),
        question=_texts(row.get("question"), f"{key}.question"),
        labels={
            a: _texts(labels[a.value], f"{key}.labels.{a.value}") if a.value in labels else scale[a] for a in SCALE
        },
        regular_per_week=float(row.get("regular_per_week", 2)),
        topics=tuple(row.get("topics") or ()),
        keywords={lang: tuple(str(w) for w in (row.get("keywords") or {}).get(lang) or ()) for lang in LANGUAGES},
        offer_person=bool(row.get("offer_person", False)),
    )


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Theme, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    scale = {a: _texts((data.get("scale") or {}).get(a.value), f"scale.{a.value}") for a in SCALE}
    rows = data.get("themes") or []
    themes = tuple(_theme(row, scale) for row in rows)
    keys = [t.key for t in themes]
    if not themes:
        raise ThemeFileError(f"{path}: no themes")
    if len(set(keys)) != len(keys):
        raise ThemeFileError(f"{path}: a theme key is repeated: {keys}")
    return themes


def all_themes() -> tuple[Theme, ...]:
    return _load(themes_file())


def by_key(key: str) -> Theme | None:
    return next((t for t in all_themes() if t.key == key), None)


def mentioned(text: str) -> Theme | None:
    """The theme a message names ("lisää liikunnasta", "mer om sömn"), by its name or keywords."""
    words = f" {normalise(text)} "
    best: tuple[int, Theme] | None = None
    for theme in all_themes():
        for phrase in [*theme.names.values(), *(w for ws in theme.keywords.values() for w in ws)]:
            norm = normalise(phrase)
            if norm and f" {norm} " in words and (best is None or len(norm) > best[0]):
                best = (len(norm), theme)
    return best[1] if best else None
