"""Every user-facing text exists in Finnish, Swedish and English."""

import glob
import re
from pathlib import Path

import pytest
import yaml

from opastin import catalogue

LANGUAGES = {"fi", "sv", "en"}
DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"


def _domain_responses() -> dict:
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]


@pytest.mark.parametrize("key", sorted(catalogue.entries()))
def test_action_messages_exist_in_all_languages_with_the_same_placeholders(key: str) -> None:
    variants = catalogue.entries()[key]
    assert set(variants) == LANGUAGES
    assert all(v.strip() for v in variants.values())
    assert len({frozenset(catalogue.placeholders(v)) for v in variants.values()}) == 1


@pytest.mark.parametrize("name", sorted(_domain_responses()))
def test_domain_responses_exist_in_all_languages(name: str) -> None:
    variants = _domain_responses()[name]
    assert variants, f"{name} has no variants"
    by_language: dict = {}
    for variant in variants:
        conditions = {c["name"]: c["value"] for c in variant.get("condition", [])}
        assert "language" in conditions, f"{name} has a variant without a language condition"
        others = tuple(sorted((k, str(v)) for k, v in conditions.items() if k != "language"))
        by_language.setdefault(others, set()).add(conditions["language"])
        buttons = variant.get("buttons") or []
        assert all(b["title"].strip() and b["payload"].startswith("/") for b in buttons)
    for others, languages in by_language.items():
        assert languages == LANGUAGES, f"{name} {others or ''} lacks {LANGUAGES - languages}"


def test_national_numbers_in_responses_are_the_verified_ones() -> None:
    text = yaml.safe_dump(_domain_responses(), allow_unicode=True)
    assert "116117" in text and "112" in text and "0800 147 111" in text
    for number in ("09 2525 0111", "09 2525 0112", "09 2525 0113"):
        assert number in text
    # No other crisis-line-like number may slip in.
    assert set(re.findall(r"09 2525 01\d\d", text)) == {"09 2525 0111", "09 2525 0112", "09 2525 0113"}


def _code() -> str:
    paths = sorted(glob.glob("actions/**/*.py", recursive=True) + glob.glob("opastin/**/*.py", recursive=True))
    return "\n".join(open(path, encoding="utf-8").read() for path in paths)


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    asked = set(re.findall(r"catalogue\.text\(\s*[\"']([a-z0-9_]+)[\"']", _code()))
    assert len(asked) > 50  # the pattern still finds the calls
    assert asked - set(catalogue.entries()) == set()


def test_no_text_in_the_catalogue_is_dead() -> None:
    code = _code()
    prefixes = re.findall(r"catalogue\.text\(\s*f\"([a-z0-9_]+)\{", code)
    dead = {
        key
        for key in catalogue.entries()
        if f'"{key}"' not in code and f"'{key}'" not in code and not any(key.startswith(prefix) for prefix in prefixes)
    }
    assert dead == set(), "texts no code uses: remove them from texts/messages.yml"
