"""Plain `rasa` commands need no flags: they find the project's own files where Rasa looks by default."""

from __future__ import annotations

import os
from pathlib import Path

from rasa.shared.constants import DEFAULT_CONFIG_PATH, DEFAULT_DATA_PATH, DEFAULT_DOMAIN_PATH, DEFAULT_E2E_TESTS_PATH
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.data import get_data_files

ROOT = Path(__file__).resolve().parents[1]


def test_rasa_defaults_are_the_projects_files() -> None:
    assert (ROOT / DEFAULT_DOMAIN_PATH).is_file() and not (ROOT / "domain").exists()
    assert (ROOT / DEFAULT_CONFIG_PATH).is_file() and (ROOT / DEFAULT_DATA_PATH).is_dir()


def test_plain_rasa_test_finds_only_the_projects_test_stories() -> None:
    """`rasa test` reads test stories from DEFAULT_E2E_TESTS_PATH ("."), walking every folder, .venv and
    node_modules included (following links); `make setup` removes the `rasa init` template's from .venv."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        found = get_data_files([DEFAULT_E2E_TESTS_PATH], YAMLStoryReader.is_test_stories_file)
    finally:
        os.chdir(cwd)
    assert sorted(Path(path).parent.as_posix() for path in found) == ["tests/stories"] * len(found)
    assert len(found) >= 4
