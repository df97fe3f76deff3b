"""Filing a trainer's examples: the exact file and intent, redacted, never a duplicate or a held-out example."""

from __future__ import annotations

from pathlib import Path

import pytest

from opastin.trainer.filing import Example, file_examples, problems
from opastin.trainer.layout import domain_sections
from opastin.trainer.nlu_yaml import NluFileError, add_examples, example_key, read_examples
from tests.trainer_project import ROOT, changed_lines, copy_project, validate


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def text_of(project: Path, relative: str) -> str:
    return (project / relative).read_text(encoding="utf-8")


def test_examples_go_under_their_intent_in_their_languages_feature_file(project: Path) -> None:
    before = {lang: text_of(project, f"data/nlu/{lang}/services.yml") for lang in ("fi", "sv", "en")}
    filing = file_examples(
        [
            Example("hammaslääkärille pääsy kestää ihan liian kauan", "dental_care"),
            Example("det tar alldeles för länge att få tid hos tandläkaren", "dental_care"),
            Example("it takes far too long to get a dentist appointment", "dental_care"),
        ],
        project,
    )
    assert [(f.path.relative_to(project).as_posix(), f.intent, f.language) for f in filing.filed] == [
        ("data/nlu/fi/services.yml", "dental_care", "fi"),
        ("data/nlu/sv/services.yml", "dental_care", "sv"),
        ("data/nlu/en/services.yml", "dental_care", "en"),
    ]
    assert filing.refused == []
    for lang, said in (
        ("fi", "hammaslääkärille pääsy kestää ihan liian kauan"),
        ("sv", "det tar alldeles för länge att få tid hos tandläkaren"),
        ("en", "it takes far too long to get a dentist appointment"),
    ):
        after = text_of(project, f"data/nlu/{lang}/services.yml")
        [(number, line)] = changed_lines(before[lang], after)
        lines = after.splitlines()
        assert line == f"    - {said}"
        # At the end of dental_care's block (the next intent follows, maybe after a blank line).
        assert [line for line in lines[number:] if line.strip()][0] == "- intent: mental_health"
        dental = [
            e for intent, e in read_examples(project / f"data/nlu/{lang}/services.yml") if intent == "dental_care"
        ]
        assert dental[-1] == said and dental.count(said) == 1
    validate(project)  # what make test-validate runs still passes


def test_what_identifies_a_person_is_redacted_before_it_is_filed(project: Path) -> None:
    before = text_of(project, "data/nlu/fi/handoff.yml")
    filing = file_examples(
        [Example("soittakaa mulle numeroon 040 123 4567, hetu 010190-123A", "request_callback", "fi")], project
    )
    assert [f.text for f in filing.filed] == ["soittakaa mulle numeroon [PHONE], hetu [HETU]"]
    [(_, line)] = changed_lines(before, text_of(project, "data/nlu/fi/handoff.yml"))
    assert line == "    - soittakaa mulle numeroon [PHONE], hetu [HETU]"
    assert "040 123 4567" not in text_of(project, "data/nlu/fi/handoff.yml")


def test_held_out_examples_duplicates_and_fallbacks_are_refused(project: Path) -> None:
    before = {path: path.read_text(encoding="utf-8") for path in (project / "data" / "nlu").rglob("*.yml")}
    filing = file_examples(
        [
            Example("Moro vaan sinne!", "greet"),  # tests/nlu_heldout/fi.yml has "moro vaan sinne"
            Example("NO HEI.", "greet"),  # data/nlu/fi/core.yml has "no hei"
            Example("No hei", "goodbye"),  # the same text under another intent is no new example either
            Example("mistä saa apua jalkahoitoon", "find_service", "fi"),
            Example("Mistä saa apua jalkahoitoon?", "find_service", "fi"),  # given twice in one batch
            Example("blaa blaa", "nlu_fallback", "fi"),
            Example("!!!", "greet", "fi"),
        ],
        project,
    )
    assert [(r.text, r.reason) for r in filing.refused] == [
        ("Moro vaan sinne!", "in the held-out test set (tests/nlu_heldout/fi.yml), which must stay unseen"),
        ("NO HEI.", "already in data/nlu/fi/core.yml under greet"),
        ("No hei", "already in data/nlu/fi/core.yml under greet"),
        ("Mistä saa apua jalkahoitoon?", "given twice"),
        (
            "blaa blaa",
            "nlu_fallback is not an intent to learn: put the example under the intent it means, or delete it",
        ),
        ("!!!", "no words left to learn from"),
    ]
    assert [(f.path.relative_to(project).as_posix(), f.text) for f in filing.filed] == [
        ("data/nlu/fi/services.yml", "mistä saa apua jalkahoitoon")
    ]
    after = {path: path.read_text(encoding="utf-8") for path in (project / "data" / "nlu").rglob("*.yml")}
    assert [path.relative_to(project).as_posix() for path in after if after[path] != before[path]] == [
        "data/nlu/fi/services.yml"
    ]


@pytest.mark.parametrize("folder", ["nlu_heldout", "nlu_heldout2", "nlu_heldout3"])
def test_the_held_out_sets_share_no_text_with_the_training_data(folder: str) -> None:
    """Each held-out set measures text the model has not seen: none of it is in data/nlu/, not even with other
    accents or punctuation, which the featurizers strip (config.yml: strip_accents)."""
    trained = {example_key(e) for path in (ROOT / "data" / "nlu").rglob("*.yml") for _, e in read_examples(path)}
    heldout = {example_key(e) for path in (ROOT / "tests" / folder).glob("*.yml") for _, e in read_examples(path)}
    assert len(heldout) > 450
    assert trained & heldout == set()


def test_a_new_intent_goes_to_new_intents_and_is_reported(project: Path) -> None:
    filing = file_examples(
        [
            Example("voinko pysäköidä sairaalan pihaan", "ask_parking", "fi"),
            Example("var kan jag parkera vid sjukhuset", "ask_parking", "sv"),
        ],
        project,
    )
    new_fi = text_of(project, "data/nlu/fi/new_intents.yml")
    assert new_fi.endswith(
        'version: "3.1"\nnlu:\n- intent: ask_parking\n  examples: |\n    - voinko pysäköidä sairaalan pihaan\n'
    )
    assert new_fi.startswith("# Intents new to the project")
    assert read_examples(project / "data/nlu/sv/new_intents.yml") == [
        ("ask_parking", "var kan jag parkera vid sjukhuset")
    ]
    assert filing.report()[-3:] == [
        "New intents: add each to domain.yml under `intents:` in the right `# === feature` section, "
        "then move its block from new_intents.yml to that feature's file:",
        "  fi  ask_parking  (data/nlu/fi/new_intents.yml)",
        "  sv  ask_parking  (data/nlu/sv/new_intents.yml)",
    ]
    assert problems(filing, project) == [
        "data/nlu/fi/new_intents.yml: intent ask_parking is not in domain.yml",
        "data/nlu/sv/new_intents.yml: intent ask_parking is not in domain.yml",
    ]
    # The next example of the same intent joins its block.
    file_examples([Example("saako sairaalalle ajaa autolla", "ask_parking", "fi")], project)
    assert read_examples(project / "data/nlu/fi/new_intents.yml") == [
        ("ask_parking", "voinko pysäköidä sairaalan pihaan"),
        ("ask_parking", "saako sairaalalle ajaa autolla"),
    ]


def test_an_intent_missing_in_one_language_goes_to_its_feature_file_there(project: Path) -> None:
    services = project / "data/nlu/sv/services.yml"
    lines = services.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("- intent: lab_tests\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("- intent:"))
    services.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")

    filing = file_examples([Example("var tar man blodprov i Lahtis", "lab_tests", "sv")], project)

    assert [(f.path.relative_to(project).as_posix(), f.new_intent) for f in filing.filed] == [
        ("data/nlu/sv/services.yml", False)
    ]
    assert services.read_text(encoding="utf-8").endswith(
        "- intent: lab_tests\n  examples: |\n    - var tar man blodprov i Lahtis\n"
    )


def test_domain_sections_name_each_intents_feature() -> None:
    sections = domain_sections((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert sections["greet"] == "core"
    assert sections["crisis_support"] == "safety"
    assert sections["human_handoff"] == "handoff"
    assert sections["answer_survey"] == "wellbeing"  # an item with a comment after it
    assert "language" not in sections  # entities and slots are not intents


def test_adding_to_a_file_keeps_everything_else_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text(
        '# a comment\nversion: "3.1"\nnlu:\n- intent: a\n  examples: |\n    - one\n\n# between\n- intent: b\n'
        "  examples: |\n    - two",  # no newline at the end
        encoding="utf-8",
    )
    add_examples(path, "a", ["three"])
    add_examples(path, "b", ["four"])
    add_examples(path, "c", ["five"])
    assert path.read_text(encoding="utf-8") == (
        '# a comment\nversion: "3.1"\nnlu:\n- intent: a\n  examples: |\n    - one\n    - three\n\n# between\n'
        "- intent: b\n  examples: |\n    - two\n    - four\n- intent: c\n  examples: |\n    - five\n"
    )


def test_a_block_that_cannot_be_extended_safely_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    original = 'version: "3.1"\nnlu:\n- intent: a\n  examples:\n  - text: "one"\n'
    path.write_text(original, encoding="utf-8")
    with pytest.raises(NluFileError):
        add_examples(path, "a", ["two"])
    assert path.read_text(encoding="utf-8") == original
