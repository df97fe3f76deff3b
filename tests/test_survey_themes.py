"""The county's card: complete in three languages, and every theme has something to suggest."""

from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet

from actions.directory.client import DirectoryClient
from actions.survey import FORM, ActionAskSurveyAnswer, ValidateWellbeingSurveyForm
from actions.wellbeing import recommend, themes
from actions.wellbeing.answers import SCALE
from opastin import places
from tests.conftest import bot_message, make_tracker, run_action

SCALE_YAML = (
    "scale:\n  regularly: {fi: K, sv: J, en: Y}\n  sometimes: {fi: J, sv: I, en: S}\n  not_now: {fi: E, sv: N, en: N}\n"
)


def test_the_default_card_has_at_least_eight_themes_in_three_languages() -> None:
    card = themes.all_themes()
    assert len(card) >= 8
    for theme in card:
        for language in ("fi", "sv", "en"):
            assert theme.name(language) and len(theme.ask(language)) > 10
            assert all(theme.label(answer, language) for answer in SCALE)
    assert {t.key for t in card} >= {
        "physical_activity",
        "nature",
        "culture",
        "community",
        "mood",
        "sleep",
        "eating",
        "daily_life",
    }


def test_a_countys_own_card_is_what_the_person_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domain: dict
) -> None:
    """A county replaces the card with its own themes, questions and order: the questionnaire asks those."""
    card = tmp_path / "card.yml"
    card.write_text(
        SCALE_YAML + "themes:\n"
        "- key: music\n  names: {fi: Musiikki, sv: Musik, en: Music}\n"
        '  question: {fi: "Laulatko?", sv: "Sjunger du?", en: "Do you sing?"}\n'
        "- key: walking\n  names: {fi: Kävely, sv: Promenader, en: Walking}\n"
        '  question: {fi: "Kävelitkö tällä viikolla?", sv: "Promenerade du?",'
        ' en: "Did you walk?"}\n'
        '  labels: {regularly: {fi: Kävelin, sv: Ja, en: "Yes"},'
        ' sometimes: {fi: Vähän, sv: Lite, en: A bit}, not_now: {fi: En, sv: Nej, en: "No"}}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OPASTIN_THEMES", str(card))

    def answer_buttons(labels: list[str]) -> list[dict[str, str]]:
        values = ["regularly", "sometimes", "not_now", "skip", "stop"]
        return [
            {"title": label, "payload": f'/answer_survey{{"survey_value": "{value}"}}'}
            for label, value in zip([*labels, "Ohita", "Lopeta kysely"], values, strict=True)
        ]

    def ask(answers: dict[str, str]) -> list[dict]:
        tracker = make_tracker("x", "answer_survey", active_loop=FORM, slots={"survey_answers": answers})
        return run_action(ActionAskSurveyAnswer(), tracker).messages

    assert ask({}) == [bot_message("1/2. Laulatko?", answer_buttons(["K", "J", "E"]))]
    tracker = make_tracker(
        "joskus",
        "answer_survey",
        active_loop=FORM,
        earlier_user_messages=2,
        slots={
            "requested_slot": "survey_answer",
            "survey_status": "running",
            "survey_answers": {},
            "notice_given": True,
        },
    )
    events, _ = run_action(ValidateWellbeingSurveyForm(), tracker, domain)
    assert events == [SlotSet("survey_answer", None), SlotSet("survey_answers", {"music": "sometimes"})]
    assert ask({"music": "sometimes"}) == [
        bot_message("2/2. Kävelitkö tällä viikolla?", answer_buttons(["Kävelin", "Vähän", "En"]))
    ]


def test_an_incomplete_card_is_refused_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = tmp_path / "card.yml"
    card.write_text(
        SCALE_YAML + "themes:\n- key: music\n  names: {fi: Musiikki, sv: Musik}\n"
        '  question: {fi: "Laulatko?", sv: "Sjunger du?", en: "Do you sing?"}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OPASTIN_THEMES", str(card))
    with pytest.raises(themes.ThemeFileError, match="music.names"):
        themes.all_themes()


def test_a_countys_own_card_replaces_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = tmp_path / "card.yml"
    card.write_text(
        SCALE_YAML + "themes:\n- key: music\n  names: {fi: Musiikki, sv: Musik, en: Music}\n"
        '  question: {fi: "Laulatko?", sv: "Sjunger du?", en: "Do you sing?"}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OPASTIN_THEMES", str(card))
    assert [t.key for t in themes.all_themes()] == ["music"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("lisää liikunnasta", "physical_activity"),
        ("mer om sömn", "sleep"),
        ("more on nature", "nature"),
        ("näytä lisää", None),
    ],
)
def test_a_theme_named_in_a_message_is_found(text: str, key) -> None:
    found = themes.mentioned(text)
    assert (found.key if found else None) == key


@pytest.mark.parametrize("town", ["Lahti", "Vantaa", "Kerava", "Pori", "Sysmä"])
def test_every_theme_has_suggestions_in_every_seed_county(sqlite_client: DirectoryClient, town: str) -> None:
    municipality = places.resolve(town)
    for theme in themes.all_themes():
        assert recommend.suggestions_for(sqlite_client, theme, municipality, "fi"), theme.key
