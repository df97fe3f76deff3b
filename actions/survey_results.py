"""The questionnaire's answer: suggestions for the themes not practised now, a summary and "more" pages.

Not-now themes come first, then sometimes ones; each gets a page of services and events from the
directory, nearest first (actions/wellbeing/recommend.py ranks, render.py words them).
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import cards
from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.shared import entity_value, human_button, utter_directory_down
from actions.wellbeing import recommend, render
from actions.wellbeing.answers import Answer
from actions.wellbeing.progress import (
    COMPLETED,
    RUNNING,
    STOPPED,
    answers_of,
    language_of,
    more_buttons,
    next_theme,
    survey_button,
    themes_to_recommend,
)
from actions.wellbeing.themes import Theme, all_themes, by_key, mentioned
from opastin import catalogue, places
from opastin.figures import record_wellbeing_answers
from opastin.opening_hours import now_in_finland

log = logging.getLogger(__name__)

THEMES_AT_ONCE = 4


class ActionRecommendWellbeingServices(Action):
    """Closes the questionnaire: suggestions for the themes not practised now, and a summary."""

    def __init__(self, client: DirectoryClient | None = None, reporting_url: str | None = None) -> None:
        self._client = client or DirectoryClient()
        self._reporting_url = reporting_url

    def name(self) -> str:
        return "action_recommend_wellbeing_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        answers = answers_of(tracker)
        if tracker.get_slot("survey_status") != RUNNING or next_theme(answers) is not None:
            dispatcher.utter_message(
                text=catalogue.text("survey_stopped", language),
                buttons=[
                    {"title": catalogue.text("button_restart_survey", language), "payload": "/start_wellbeing_survey"}
                ],
            )
            return [SlotSet("survey_status", STOPPED), SlotSet("survey_answers", None)]
        municipality = places.resolve(tracker.get_slot("municipality") or "")
        self._record(answers, municipality)
        chosen = themes_to_recommend(answers)
        if not chosen:
            dispatcher.utter_message(
                text=catalogue.text("survey_all_good", language),
                buttons=[{"title": catalogue.text("button_activities", language), "payload": "/wellbeing_activities"}],
            )
            return [SlotSet("survey_status", COMPLETED)]
        try:
            shown = self._show(dispatcher, language, answers, chosen, municipality)
        except DirectoryUnavailable:
            utter_directory_down(dispatcher, language)
            return [SlotSet("survey_status", COMPLETED)]
        return [SlotSet("survey_status", COMPLETED), SlotSet("survey_shown", shown)]

    def _record(self, answers: dict[str, str], municipality: places.Municipality | None) -> None:
        """The anonymous count; a failure there must not cost the person the answer."""
        try:
            record_wellbeing_answers(
                answers, municipality.code if municipality else None, now_in_finland().date(), url=self._reporting_url
            )
        except Exception:  # noqa: BLE001 - reporting is secondary to answering
            log.exception("could not record the anonymous wellbeing figures")

    def _show(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        answers: dict[str, str],
        chosen: list[Theme],
        municipality: places.Municipality | None,
    ) -> dict[str, int]:
        place = municipality.name(language) if municipality else catalogue.text("survey_results_online", language)
        dispatcher.utter_message(text=catalogue.text("survey_results_intro", language, place=place))
        shown: dict[str, int] = {}
        all_cards = []
        for theme in chosen[:THEMES_AT_ONCE]:
            page = recommend.suggestions_for(self._client, theme, municipality, language)[: recommend.PAGE]
            shown[theme.key] = len(page)
            all_cards += [s.card for s in page]
            dispatcher.utter_message(text=theme_text(theme, answers[theme.key], page, language, bool(municipality)))
        for note in cards.notes(all_cards, language):
            dispatcher.utter_message(text=note)
        names = ", ".join(t.name(language) for t in chosen)
        summary = catalogue.text("survey_summary", language, themes=names)
        later = chosen[THEMES_AT_ONCE:]
        if later:
            summary += " " + catalogue.text(
                "survey_more_themes_left", language, themes=", ".join(t.name(language) for t in later)
            )
        dispatcher.utter_message(text=summary, buttons=more_buttons(chosen, language))
        if any(t.offer_person and answers.get(t.key) == Answer.NOT_NOW.value for t in chosen):
            dispatcher.utter_message(
                text=catalogue.text("survey_offer_person", language), buttons=[human_button(language)]
            )
        return shown


def theme_text(theme: Theme, answer: str, page: list[recommend.Suggestion], language: str, place_known: bool) -> str:
    said = (
        catalogue.text("answer_skipped", language)
        if answer == Answer.SKIP.value
        else theme.label(Answer(answer), language).lower()
    )
    header = catalogue.text("survey_theme_header", language, theme=theme.name(language), answer=said)
    if not page:
        return f"{header}\n{catalogue.text('survey_theme_nothing', language)}"
    intro = (
        catalogue.text("survey_nothing_nearby", language) if place_known and recommend.nothing_nearby(page) else None
    )
    return render.theme_message(header, page, language, intro)


class ActionShowMoreRecommendations(Action):
    """The next three suggestions for a theme ("lisää liikunnasta", or a "More: …" button)."""

    def __init__(self, client: DirectoryClient | None = None) -> None:
        self._client = client or DirectoryClient()

    def name(self) -> str:
        return "action_show_more_recommendations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        answers = answers_of(tracker)
        chosen = themes_to_recommend(answers)
        if tracker.get_slot("survey_status") != COMPLETED or not chosen:
            dispatcher.utter_message(
                text=catalogue.text("survey_more_needs_survey", language, count=len(all_themes())),
                buttons=[survey_button(language)],
            )
            return []
        theme = self._theme_asked(tracker, chosen)
        if theme is None:
            dispatcher.utter_message(
                text=catalogue.text("survey_more_which", language), buttons=more_buttons(chosen, language)
            )
            return []
        shown = dict(tracker.get_slot("survey_shown") or {})
        municipality = places.resolve(tracker.get_slot("municipality") or "")
        try:
            found = recommend.suggestions_for(self._client, theme, municipality, language)
        except DirectoryUnavailable:
            utter_directory_down(dispatcher, language)
            return []
        start = shown.get(theme.key, 0)
        page = found[start : start + recommend.PAGE]
        if not page:
            dispatcher.utter_message(
                text=catalogue.text("survey_more_none", language, theme=theme.name(language)),
                buttons=[human_button(language)],
            )
            return []
        answer = answers.get(theme.key, Answer.SKIP.value)
        dispatcher.utter_message(text=theme_text(theme, answer, page, language, bool(municipality)))
        for note in cards.notes([s.card for s in page], language):
            dispatcher.utter_message(text=note)
        others = [t for t in chosen if t.key != theme.key]
        rest = found[start + len(page) :]
        buttons = more_buttons(([theme] if rest else []) + others, language)
        if buttons:
            dispatcher.utter_message(text=catalogue.text("survey_more_which", language), buttons=buttons)
        shown[theme.key] = start + len(page)
        return [SlotSet("survey_shown", shown)]

    @staticmethod
    def _theme_asked(tracker: Tracker, chosen: list[Theme]) -> Theme | None:
        key = entity_value(tracker, "survey_theme")
        theme = by_key(key) if key else mentioned(tracker.latest_message.get("text") or "")
        if theme is None and len(chosen) == 1:
            return chosen[0]
        return theme
