"""The held-out scoring and the linear baseline that `make bench` and `make test-nlu` print."""

from __future__ import annotations

from pathlib import Path

from bench import baseline
from bench.heldout import HELDOUT_SETS, LANGUAGES, Score, heldout_sets, load_examples, safety_confusion_table


def test_every_held_out_set_is_there_in_every_language_with_a_floor() -> None:
    assert set(heldout_sets()) == {"1", "2", "3"}
    for folder in HELDOUT_SETS.values():
        assert (folder / "floor.yml").exists()
        for language in LANGUAGES:
            assert len(load_examples(folder, language)) > 150


def test_a_crisis_answered_on_the_shelter_branch_counts_as_the_crisis_path_and_is_shown() -> None:
    score = Score()
    score.add("crisis_support", "seek_shelter")  # 112 and Nollalinja first: a crisis number first
    score.add("crisis_support", "human_handoff")  # the crisis line never came
    score.add("emergency", "seek_shelter")  # 112 comes first there too, but it is not the emergency answer
    score.add("greet", "greet")
    assert (score.correct, score.same_path) == (2, 1)
    assert score.recall_of("crisis_support") == (1, 2)
    assert score.safety_recall == 1 / 3
    assert score.confusions == {("crisis_support", "human_handoff"): 1, ("emergency", "seek_shelter"): 1}


def test_the_confusion_table_counts_safety_rows_and_columns() -> None:
    score = Score()
    for expected, predicted in [
        ("urgent_care", "opening_hours"),
        ("urgent_care", "urgent_care"),
        ("thank", "emergency"),
    ]:
        score.add(expected, predicted)
    rows = {line.split()[0]: line.split()[1:] for line in safety_confusion_table([score]).splitlines()[1:]}
    # columns: emergency, crisis_support, seek_shelter, urgent_care, other
    assert rows["urgent_care"] == ["·", "·", "·", "1", "1"]
    assert rows["other"][0] == "1"  # a thank taken for an emergency


def test_the_baseline_learns_and_gets_the_same_deterministic_layers(tmp_path: Path) -> None:
    data = tmp_path / "nlu.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: dental_care\n  examples: |\n    - hammaslääkäri\n    - hammas särkee\n    - tandläkare\n"
        "- intent: give_phone_number\n  examples: |\n    - 040 123 4567\n    - 050 765 4321\n    - +358 40 111 2222\n"
        "- intent: opening_hours\n  examples: |\n    - milloin auki\n    - öppettider\n    - opening hours\n",
        encoding="utf-8",
    )
    model = baseline.train(*baseline.training_examples(str(data)))
    assert model.predict(["hammaslääkäri lahdessa"])[0] == "dental_care"
    assert baseline.with_rules("2", "give_phone_number") == "nlu_fallback"
    assert baseline.with_rules("040 123 4567", "give_phone_number") == "give_phone_number"
    assert baseline.with_rules("onko päivystys auki nyt", "opening_hours") == "urgent_care"
    assert baseline.with_rules("isä ei hengitä", "opening_hours") == "emergency"
