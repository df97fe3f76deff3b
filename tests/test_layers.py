"""Layers point one way: the core never reaches into the action server, features never into each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Modules every feature may use, and the server entry point; everything else at the top of actions/ is a feature.
ACTIONS_SHARED = {"__init__", "shared", "cards", "settings", "server"}


def imported_modules(source: str) -> set[str]:
    """Every module the source imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def feature_modules() -> set[str]:
    return {f"actions.{path.stem}" for path in (ROOT / "actions").glob("*.py")} - {
        f"actions.{name}" for name in ACTIONS_SHARED
    }


def test_the_checker_sees_imports_inside_functions() -> None:
    source = "def f():\n    from actions import services\n    import actions.survey\n"
    assert {"actions", "actions.services", "actions.survey"} <= imported_modules(source)


@pytest.mark.parametrize("path", python_files("opastin"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_the_action_server(path: Path) -> None:
    wrong = {m for m in imported_modules(path.read_text(encoding="utf-8")) if m.split(".")[0] == "actions"}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}: move what it needs into opastin/"


def test_there_are_features_to_check() -> None:
    assert {"actions.services", "actions.handoff", "actions.callback", "actions.survey"} <= feature_modules()


@pytest.mark.parametrize("path", python_files("actions"), ids=lambda p: str(p.relative_to(ROOT)))
def test_features_do_not_import_each_other(path: Path) -> None:
    own = "actions." + ".".join(path.relative_to(ROOT / "actions").with_suffix("").parts)
    imported = imported_modules(path.read_text(encoding="utf-8"))
    wrong = {m for m in imported if any(m == f or m.startswith(f + ".") for f in feature_modules() - {own})}
    assert not wrong, f"{own} imports the features {sorted(wrong)}: move the shared part to actions/shared.py"
