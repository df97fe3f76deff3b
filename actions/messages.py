"""The texts actions compose, looked up by key and language (actions/messages.yml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
LANGUAGES = ("fi", "sv", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def text(key: str, language: str, **values: Any) -> str:
    """The message in the language (Finnish if the language is unknown), with values filled in."""
    variants = catalogue()[key]
    template = variants.get(language) or variants["fi"]
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}
