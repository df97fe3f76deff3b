"""Files what `rasa interactive` exported (stories.yml, nlu.yml, domain.yml in a staging folder) into the layout.

Rasa's export would write `data/nlu.yml` and `data/stories.yml` beside the layout and overwrite domain.yml with
the whole merged domain (flat, without its feature sections and comments). Here, instead:

- each NLU example goes into `data/nlu/<language>/<feature>.yml` under its intent (filing.py: redacted, no
  duplicates, no held-out examples, new intents listed);
- the stories are appended, redacted and with names of their own, to `data/stories/stories_interactive.yml`;
- what the exported domain has that domain.yml lacks (new intents, entities, actions, responses) is written
  to `domain_additions.yml` and printed, for the trainer to add under the right `# === feature` section.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from opastin.redaction import redact_strings
from opastin.trainer.filing import ROOT, Example, Filing, file_examples, problems
from opastin.trainer.nlu_yaml import read_examples

STORIES_FILE = Path("data") / "stories" / "stories_interactive.yml"
STORIES_HEADER = (
    'version: "3.1"\n'
    "# Conversations recorded with `make interactive` (opastin/trainer/export.py), redacted. When a story is\n"
    "# reviewed, move it to its feature's stories_<feature>.yml or rules_<feature>.yml.\n"
    "stories:\n"
)
EXPORTED = ("stories.yml", "nlu.yml", "domain.yml")


@dataclass
class ExportResult:
    filing: Filing | None = None
    stories: list[str] = field(default_factory=list)  # names of the stories appended
    additions: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def has_export(staging: Path) -> bool:
    return any((staging / name).exists() for name in EXPORTED)


def nlu_examples(path: Path, language: str | None) -> list[Example]:
    """The exported examples, without button payloads ("/intent"), which are no text a person typed."""
    return [
        Example(text, intent, language) for intent, text in read_examples(path) if not text.lstrip().startswith("/")
    ]


def _story_names(text: str) -> set[str]:
    data = yaml.safe_load(text) or {}
    return {str(story.get("story")) for story in data.get("stories") or [] if isinstance(story, dict)}


def file_stories(exported: Path, root: Path = ROOT, today: datetime.date | None = None) -> list[str]:
    """Appends the exported stories to stories_interactive.yml, redacted and named "interactive <date> <n>"."""
    stories = [s for s in (yaml.safe_load(exported.read_text(encoding="utf-8")) or {}).get("stories") or [] if s]
    if not stories:
        return []
    target = root / STORIES_FILE
    before = target.read_text(encoding="utf-8") if target.exists() else STORIES_HEADER
    names = _story_names(before)
    day = (today or datetime.date.today()).isoformat()
    given = []
    for story in stories:
        number = 1
        while f"interactive {day} {number}" in names:
            number += 1
        story["story"] = f"interactive {day} {number}"
        names.add(story["story"])
        given.append(story["story"])
    text = yaml.safe_dump(redact_strings(stories), allow_unicode=True, sort_keys=False, width=120)
    after = before + ("" if before.endswith("\n") else "\n") + text
    if not set(given) <= _story_names(after):
        raise RuntimeError(f"appending to {target} would not keep its stories readable; nothing was written")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(after, encoding="utf-8")
    return given


def domain_additions(exported: Path, current: Path) -> dict[str, Any]:
    """What the exported domain has that the project's lacks: the parts a trainer created in the session."""
    from rasa.shared.core.domain import Domain

    new, old = Domain.load(str(exported)), Domain.load(str(current))
    known_actions = set(old.user_actions) | set(old.responses) | set(old.form_names)
    additions: dict[str, Any] = {
        "intents": sorted(set(new.intents) - set(old.intents)),
        "entities": sorted(set(new.entities) - set(old.entities)),
        "actions": sorted(set(new.user_actions) - known_actions - set(new.responses)),
        "responses": {name: value for name, value in sorted(new.responses.items()) if name not in old.responses},
    }
    return {key: value for key, value in additions.items() if value}


def file_export(staging: Path, root: Path = ROOT, language: str | None = None) -> ExportResult:
    """Files a staged export into the layout under `root`; the staged files are removed once filed."""
    result = ExportResult()
    stories, nlu, domain = (staging / name for name in EXPORTED)
    if nlu.exists():
        result.filing = file_examples(nlu_examples(nlu, language), root)
        result.problems = problems(result.filing, root)
    if stories.exists():
        result.stories = file_stories(stories, root)
    if domain.exists():
        result.additions = domain_additions(domain, root / "domain.yml")
        additions = staging / "domain_additions.yml"
        if result.additions:
            additions.write_text(yaml.safe_dump(result.additions, allow_unicode=True, sort_keys=False), "utf-8")
        elif additions.exists():
            additions.unlink()
    for path in (nlu, stories, domain):
        path.unlink(missing_ok=True)
    return result


def report(result: ExportResult, staging: Path) -> list[str]:
    lines = result.filing.report() if result.filing else ["No NLU examples were exported."]
    if result.stories:
        lines.append(f"Stories appended to {STORIES_FILE}: {', '.join(result.stories)}")
    if result.additions:
        lines.append(
            f"domain.yml was not changed. Add these under the right `# === feature` sections"
            f" (also in {staging / 'domain_additions.yml'}):"
        )
        dumped = yaml.safe_dump(result.additions, allow_unicode=True, sort_keys=False)
        lines += ["  " + line for line in dumped.splitlines()]
    lines += [f"Problem: {problem}" for problem in result.problems]
    lines.append("Next: make train, then make test (the held-out floor is the gate).")
    return lines
