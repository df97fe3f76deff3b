"""Where a person is in the questionnaire: their answers so far, the next theme, what to suggest on.

Both the form (actions/survey.py) and the suggestions (actions/survey_results.py) read it.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.wellbeing.answers import Answer
from actions.wellbeing.themes import Theme, all_themes
from opastin import catalogue

RUNNING, COMPLETED, STOPPED = "running", "completed", "stopped"
# Not-now themes first, then sometimes; the first answer shows this many, the rest are buttons.
RECOMMEND_ORDER = (Answer.NOT_NOW.value, Answer.SOMETIMES.value)


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "fi"


def answers_of(tracker: Tracker) -> dict[str, str]:
    value = tracker.get_slot("survey_answers")
    return dict(value) if isinstance(value, dict) else {}


def next_theme(answers: dict[str, str]) -> Theme | None:
    return next((theme for theme in all_themes() if theme.key not in answers), None)


def themes_to_recommend(answers: dict[str, str]) -> list[Theme]:
    """Themes answered "not now", then "sometimes", each group in the card's order."""
    return [t for wanted in RECOMMEND_ORDER for t in all_themes() if answers.get(t.key) == wanted]


def survey_button(language: str) -> dict[str, str]:
    return {"title": catalogue.text("button_start_survey", language), "payload": "/start_wellbeing_survey"}


def more_buttons(themes: list[Theme], language: str) -> list[dict[str, str]]:
    return [
        {
            "title": catalogue.text("button_more_theme", language, theme=t.name(language)),
            "payload": f'/more_recommendations{{"survey_theme": "{t.key}"}}',
        }
        for t in themes
    ]
