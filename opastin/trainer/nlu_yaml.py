"""Rasa NLU YAML as the trainer's tools read and extend it.

Reading takes both of Rasa's forms of `examples` (a `|` block of "- " lines, or a list of `text:` items, the
form of the inbox files). Adding an example inserts one line into the intent's block and touches nothing
else: the files are written by people, and a YAML round-trip would re-flow them. Every insertion is checked
by reading the file back before it is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from rasa.shared.nlu.training_data.entities_parser import replace_entities

from opastin.text import fold

_NOT_WORD = re.compile(r"[^\w\s]|_")
HEADER = 'version: "3.1"\nnlu:\n'


class NluFileError(RuntimeError):
    """A file could not be read or extended safely; nothing was written."""


def plain_text(example: str) -> str:
    """The example as a person would type it: entity annotations replaced by their text."""
    return replace_entities(example)


def example_key(example: str) -> str:
    """What makes two examples the same for the model: case, accents (the featurizers strip them),
    punctuation, spacing and annotations do not count."""
    return " ".join(_NOT_WORD.sub(" ", fold(plain_text(example))).split())


def one_line(text: str) -> str:
    """An example is one line of a block: line breaks become spaces, the ends are trimmed."""
    return " ".join(text.split())


def _examples_of(block: Any) -> list[str]:
    if isinstance(block, str):
        return [line.strip()[1:].strip() for line in block.splitlines() if line.strip().startswith("-")]
    if isinstance(block, list):
        return [str(item.get("text", "")).strip() for item in block if isinstance(item, dict) and item.get("text")]
    return []


def parse_examples(text: str, source: str = "<text>") -> list[tuple[str, str]]:
    """(intent, example) pairs of an NLU YAML text, in file order; other items (synonyms, …) are skipped."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise NluFileError(f"{source} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise NluFileError(f"{source} is not Rasa NLU data (no `nlu:` key)")
    pairs = []
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and item.get("intent"):
            pairs += [(str(item["intent"]), example) for example in _examples_of(item.get("examples"))]
    return pairs


def read_examples(path: Path) -> list[tuple[str, str]]:
    return parse_examples(path.read_text(encoding="utf-8"), str(path))


def _block_bounds(lines: list[str], intent: str) -> tuple[int, int] | None:
    """Indexes of the `- intent: X` line and of the line after its block, or None when it has none."""
    header = re.compile(rf"^- intent:\s*[\"']?{re.escape(intent)}[\"']?\s*(#.*)?$")
    for start, line in enumerate(lines):
        if header.match(line.rstrip("\n")):
            end = start + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
                end += 1
            return start, end
    return None


def _inserted(lines: list[str], intent: str, examples: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        lines = [*lines[:-1], lines[-1] + "\n"]
    bounds = _block_bounds(lines, intent)
    if bounds is None:
        block = [f"- intent: {intent}\n", "  examples: |\n"] + [f"    - {example}\n" for example in examples]
        return lines + block
    start, end = bounds
    example_lines = [i for i in range(start + 1, end) if lines[i].lstrip().startswith("- ")]
    if not any(lines[i].strip() == "examples: |" for i in range(start + 1, end)) or not example_lines:
        raise NluFileError(f"the block of intent {intent} has no `examples: |` lines to add to")
    last = example_lines[-1]
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    return lines[: last + 1] + [f"{indent}- {example}\n" for example in examples] + lines[last + 1 :]


def add_examples(path: Path, intent: str, examples: Iterable[str], header: str = HEADER) -> None:
    """Adds the examples (one line each) at the end of the intent's block in `path`, or a new block at the
    end of the file; a missing file is made with `header`. Nothing is written unless reading the result
    back gives exactly the old examples plus these."""
    new = [one_line(example) for example in examples]
    before = path.read_text(encoding="utf-8") if path.exists() else header
    after = "".join(_inserted(before.splitlines(keepends=True), intent, new))
    expected = parse_examples(before, str(path))
    got = parse_examples(after, str(path))
    if sorted(got) != sorted(expected + [(intent, example) for example in new]):
        raise NluFileError(f"adding to {path} would not give back the examples it should; nothing was written")
    _write_atomically(path, after)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)
