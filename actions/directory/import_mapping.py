"""Topics and themes for imported items, read from import_mapping.yml (data, not code)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from opastin.text import fold, words

MAPPING_FILE = Path(__file__).parent / "import_mapping.yml"


@dataclass(frozen=True)
class Facts:
    """What an imported item says about itself that the rules can match."""

    service_classes: tuple[str, ...] = ()
    ontology_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    name_fi: str = ""

    @cached_property
    def name_words(self) -> tuple[str, ...]:
        """The Finnish name's words, folded once for all the rules."""
        return tuple(fold(word) for word in words(self.name_fi))


@dataclass(frozen=True)
class _Rule:
    target: str
    service_classes: tuple[str, ...]
    ontology_terms: frozenset[str]
    keywords: frozenset[str]
    name_words: tuple[str, ...]

    def matches(self, facts: Facts) -> bool:
        if any(_covers(rule, code) for rule in self.service_classes for code in facts.service_classes):
            return True
        if self.ontology_terms & set(facts.ontology_terms) or self.keywords & set(facts.keywords):
            return True
        return any(word.startswith(prefix) for prefix in self.name_words for word in facts.name_words)


def _covers(rule_code: str, code: str) -> bool:
    return code == rule_code or code.startswith(rule_code + ".")


def _rule(row: dict[str, Any], key: str) -> _Rule:
    return _Rule(
        target=row[key],
        service_classes=tuple(row.get("service_classes") or ()),
        ontology_terms=frozenset(row.get("ontology_terms") or ()),
        keywords=frozenset(row.get("keywords") or ()),
        name_words=tuple(fold(w) for w in row.get("name_words") or ()),
    )


@dataclass(frozen=True)
class Mapping:
    default_topic: str
    topics: tuple[_Rule, ...]
    themes: tuple[_Rule, ...]

    def topic(self, facts: Facts) -> str:
        return next((rule.target for rule in self.topics if rule.matches(facts)), self.default_topic)

    def themes_of(self, facts: Facts) -> list[str]:
        return [rule.target for rule in self.themes if rule.matches(facts)]

    def theme_names(self) -> Iterable[str]:
        return (rule.target for rule in self.themes)


@cache
def load(path: str | None = None) -> Mapping:
    """The mapping file (OPASTIN_IMPORT_MAPPING, default import_mapping.yml beside this module)."""
    raw = yaml.safe_load(Path(path or os.environ.get("OPASTIN_IMPORT_MAPPING") or MAPPING_FILE).read_text("utf-8"))
    return Mapping(
        default_topic=raw["default_topic"],
        topics=tuple(_rule(row, "topic") for row in raw.get("topics") or ()),
        themes=tuple(_rule(row, "theme") for row in raw.get("themes") or ()),
    )
