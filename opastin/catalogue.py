"""The texts that actions and channels compose, looked up by key and language (texts/messages.yml).

The core owns the catalogue so that both servers (Rasa's channels and the action server) speak
from one file a translator edits.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

TEXTS_DIR = Path(__file__).resolve().parents[1] / "texts"
MESSAGES_FILE = TEXTS_DIR / "messages.yml"
LANGUAGES = ("fi", "sv", "en")


@lru_cache(maxsize=1)
def entries() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    return loaded


def text(key: str, language: str, **values: Any) -> str:
    """The message in the language (Finnish if the language is unknown), with values filled in."""
    variants = entries()[key]
    template = variants.get(language) or variants["fi"]
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@cache
def words(name: str) -> Any:
    """A word list of texts/words/<name>.yml: what people may type, per language (answers, cancel words…)."""
    return yaml.safe_load((TEXTS_DIR / "words" / f"{name}.yml").read_text(encoding="utf-8"))
