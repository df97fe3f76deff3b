"""A throw-away copy of the project's training layout, for tests that file examples into it."""

from __future__ import annotations

import shutil
from pathlib import Path

from rasa.shared.importers.importer import TrainingDataImporter

ROOT = Path(__file__).resolve().parents[1]


def copy_project(folder: Path) -> Path:
    """data/, domain.yml, config.yml and the held-out sets, copied under `folder`."""
    shutil.copytree(ROOT / "data", folder / "data")
    for heldout in ("nlu_heldout", "nlu_heldout2", "nlu_heldout3"):
        if (ROOT / "tests" / heldout).exists():
            shutil.copytree(ROOT / "tests" / heldout, folder / "tests" / heldout)
    for name in ("domain.yml", "config.yml"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


def validate(root: Path) -> None:
    """What `make test-validate` runs (rasa data validate --fail-on-warnings --max-history 4), in-process:
    raises SystemExit when the data would fail it."""
    from rasa.cli.utils import validate_files

    importer = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")]
    )
    validate_files(True, 4, importer)


def changed_lines(before: str, after: str) -> list[tuple[int, str]]:
    """(line number, text) of every line `after` has that `before` lacks, when lines were only inserted."""
    old, new = before.splitlines(), after.splitlines()
    inserted = []
    at = 0
    for number, line in enumerate(new, start=1):
        if at < len(old) and old[at] == line:
            at += 1
        else:
            inserted.append((number, line))
    assert at == len(old), "lines were changed or removed, not only inserted"
    return inserted
