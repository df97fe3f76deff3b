"""What a typed or tapped answer means: the questionnaire must read people as they write."""

import pytest

from actions.wellbeing.answers import Answer, parse_answer, times_per_week
from opastin import catalogue

R, S, N = Answer.REGULARLY, Answer.SOMETIMES, Answer.NOT_NOW


@pytest.mark.parametrize(
    "language, text, expected",
    [
        # the three scale levels, as people type them
        ("fi", "joo kyllä", R),
        ("fi", "Kyllä, säännöllisesti", R),
        ("fi", "usein", R),
        ("fi", "kylla", R),
        ("fi", "joskus", S),
        ("fi", "silloin tällöin", S),
        ("fi", "harvoin", S),
        ("fi", "ei kovin usein", S),
        ("fi", "en juurikaan", S),
        ("fi", "osittain", S),
        ("fi", "en nyt", N),
        ("fi", "ei", N),
        ("fi", "En koskaan", N),
        ("fi", "ei oikeastaan", N),
        ("sv", "ja regelbundet", R),
        ("sv", "jo, ofta", R),
        ("sv", "ibland", S),
        ("sv", "då och då", S),
        ("sv", "sällan", S),
        ("sv", "inte så ofta", S),
        ("sv", "nej inte alls", N),
        ("sv", "inte nu", N),
        ("sv", "aldrig", N),
        ("en", "yes, regularly", R),
        ("en", "Yeah often", R),
        ("en", "sometimes", S),
        ("en", "now and then", S),
        ("en", "not very often", S),
        ("en", "not now", N),
        ("en", "no", N),
        ("en", "never", N),
        ("en", "not at all", N),
        # a yes after a negation is not a yes
        ("fi", "en nuku hyvin", N),
        ("en", "I don't sleep well", N),
        ("fi", "en käy usein", S),
        ("en", "not regularly", S),
        ("fi", "no kyllä", R),  # Finnish "no" is a filler, not a no
        ("fi", "nukun huonosti melkein joka yö", N),
    ],
)
def test_scale_answers_in_three_languages(language: str, text: str, expected: Answer) -> None:
    assert parse_answer(text, language=language) is expected


@pytest.mark.parametrize(
    "text, per_week",
    [
        ("3 kertaa viikossa", 3),
        ("kolme kertaa viikossa", 3),
        ("2 krt/vko", 2),
        ("kerran viikossa", 1),
        ("kahdesti viikossa", 2),
        ("joka päivä", 7),
        ("päivittäin", 7),
        ("kerran kuussa", 1 / 4.3),
        ("tre gånger i veckan", 3),
        ("2 ggr i veckan", 2),
        ("en gång i månaden", 1 / 4.3),
        ("varje dag", 7),
        ("three times a week", 3),
        ("twice a month", 2 / 4.3),
        ("once a week", 1),
        ("every day", 7),
        ("every other day", 3.5),
        ("2x per week", 2),
        ("0 kertaa viikossa", 0),
    ],
)
def test_frequencies_are_read_as_times_a_week(text: str, per_week: float) -> None:
    assert times_per_week(text) == pytest.approx(per_week)


def test_a_frequency_is_regular_from_the_themes_threshold() -> None:
    assert parse_answer("3 kertaa viikossa", regular_per_week=2) is R
    assert parse_answer("3 kertaa viikossa", regular_per_week=5) is S
    assert parse_answer("kerran kuussa", regular_per_week=1) is S
    assert parse_answer("0 kertaa viikossa") is N


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lopeta", Answer.STOP),
        ("Lopeta kysely", Answer.STOP),
        ("avbryt", Answer.STOP),
        ("stop", Answer.STOP),
        ("I want to stop", Answer.STOP),
        ("aloita alusta", Answer.RESTART),
        ("börja om", Answer.RESTART),
        ("start over", Answer.RESTART),
        ("ohita", Answer.SKIP),
        ("hoppa över", Answer.SKIP),
        ("skip", Answer.SKIP),
        ("en tiedä", Answer.SKIP),
        ("vet inte", Answer.SKIP),
        ("I don't know", Answer.SKIP),
    ],
)
def test_commands_skip_stop_and_restart(text: str, expected: Answer) -> None:
    assert parse_answer(text) is expected


def test_a_command_wins_over_an_answer_in_the_same_message() -> None:
    assert parse_answer("joskus, mutta lopeta nyt") is Answer.STOP


@pytest.mark.parametrize("text", ["", "   ", "banaani", "mikä on kelan numero", "🙂🙂", "x" * 10_000, "\u202e\u200b"])
def test_no_answer_is_made_up(text: str) -> None:
    assert parse_answer(text) is None


def test_every_phrase_in_the_word_list_is_text() -> None:
    """YAML reads a bare no/yes as a boolean: every phrase must be quoted where needed."""
    data = catalogue.words("answers")
    groups = [
        *data["commands"].values(),
        *data["scale"].values(),
        data["weakened_by_negation"],
        data["outweighs_frequency"],
        *data["negations"].values(),
    ]
    assert groups and all(group for group in groups)
    assert all(isinstance(phrase, str) for group in groups for phrase in group)
