"""The "Mitä sinulle kuuluu?" wellbeing questionnaire: a form over the themes of the county's card.

One slot (`survey_answer`) is asked once per theme; its validation moves the answer into
`survey_answers` (theme → regularly | sometimes | not_now | skip) and empties it, so the form
asks again for the next theme until none is left. The person's words never land in a slot: the
extractor turns them into one of those values at once. A safety message (112, crisis) or a wish
to talk to a person makes the form step aside; the rules in data/rules/rules_wellbeing.yml then
answer it first and close the questionnaire.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import cards
from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.shared import SAFETY_INTENTS, entity_value, human_button, intent_name, town_buttons, utter_directory_down
from actions.wellbeing import recommend, render
from actions.wellbeing.answers import SCALE, Answer, parse_answer
from actions.wellbeing.themes import Theme, all_themes, by_key, mentioned
from opastin import catalogue, places
from opastin.figures import record_wellbeing_answers
from opastin.opening_hours import now_in_finland

log = logging.getLogger(__name__)

FORM = "wellbeing_survey_form"
ANSWER_SLOT = "survey_answer"
PLACE_SLOT = "survey_place"
ONLINE, UNKNOWN_PLACE = "online", "unknown"
UNCLEAR = "unclear"
RUNNING, COMPLETED, STOPPED = "running", "completed", "stopped"
# Messages the form must not swallow as answers: the rules answer them first.
STEP_ASIDE_INTENTS = SAFETY_INTENTS | {"human_handoff", "request_callback"}
# Not-now themes first, then sometimes; the first answer shows this many, the rest are buttons.
RECOMMEND_ORDER = (Answer.NOT_NOW.value, Answer.SOMETIMES.value)
THEMES_AT_ONCE = 4
MAX_PLACE_TEXT = 60


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


def button_value(tracker: Tracker) -> str | None:
    """The value a questionnaire button sent (/answer_survey{"survey_value": "not_now"})."""
    return entity_value(tracker, "survey_value")


def steps_aside(tracker: Tracker) -> bool:
    return intent_name(tracker) in STEP_ASIDE_INTENTS


class ActionStartWellbeingSurvey(Action):
    """Starts (or restarts) the questionnaire: a clean slate and the privacy sentence first."""

    def name(self) -> str:
        return "action_start_wellbeing_survey"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        dispatcher.utter_message(text=catalogue.text("survey_intro", language, count=len(all_themes())))
        dispatcher.utter_message(text=catalogue.text("survey_privacy", language))
        return [
            SlotSet(ANSWER_SLOT, None),
            SlotSet(PLACE_SLOT, None),
            SlotSet("survey_answers", {}),
            SlotSet("survey_status", RUNNING),
            SlotSet("survey_shown", None),
            SlotSet("survey_place_skipped", None),
        ]


class ValidateWellbeingSurveyForm(FormValidationAction):
    """Reads each answer, moves it into survey_answers and decides what the form asks next."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("survey_status") == STOPPED:
            return []
        answers = answers_of(tracker)
        if next_theme(answers) is not None:
            return [ANSWER_SLOT]
        if not themes_to_recommend(answers) or tracker.get_slot("survey_place_skipped"):
            return []
        asked = tracker.get_slot("requested_slot") == PLACE_SLOT
        if tracker.get_slot("municipality") and not asked and tracker.get_slot(PLACE_SLOT) is None:
            return []  # known from earlier in the conversation: not asked again
        return [PLACE_SLOT]

    # -- answers to the themes' questions

    async def extract_survey_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != ANSWER_SLOT or steps_aside(tracker):
            return {}
        theme = next_theme(answers_of(tracker))
        answer = read_answer(tracker, theme.regular_per_week if theme else 2)
        return {ANSWER_SLOT: answer.value if answer else UNCLEAR}

    def validate_survey_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        language = language_of(tracker)
        answers = answers_of(tracker)
        theme = next_theme(answers)
        if value == Answer.STOP.value:
            return {ANSWER_SLOT: None, "survey_status": STOPPED}
        if value == Answer.RESTART.value:
            dispatcher.utter_message(text=catalogue.text("survey_restarted", language))
            return {ANSWER_SLOT: None, "survey_answers": {}}
        if theme is None or value not in {a.value for a in (*SCALE, Answer.SKIP)}:
            dispatcher.utter_message(text=catalogue.text("survey_unclear", language))
            return {ANSWER_SLOT: None}
        answers[theme.key] = value
        return {ANSWER_SLOT: None, "survey_answers": answers}

    # -- where to look, asked at the end only when there is something to suggest and it is not known

    async def extract_survey_place(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != PLACE_SLOT or steps_aside(tracker):
            return {}
        if tracker.get_slot("municipality"):
            return {PLACE_SLOT: tracker.get_slot("municipality")}  # kept by action_validate_slot_mappings
        answer = read_answer(tracker, 2)
        if answer in (Answer.STOP, Answer.RESTART):
            return {PLACE_SLOT: answer.value}
        if answer in (Answer.SKIP, Answer.NOT_NOW):
            return {PLACE_SLOT: ONLINE}
        place = places.resolve(entity_value(tracker, "municipality") or said_text(tracker))
        return {PLACE_SLOT: place.fi if place is not None and place.county is not None else UNKNOWN_PLACE}

    def validate_survey_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == Answer.STOP.value:
            return {PLACE_SLOT: None, "survey_status": STOPPED}
        if value == Answer.RESTART.value:
            dispatcher.utter_message(text=catalogue.text("survey_restarted", language_of(tracker)))
            return {PLACE_SLOT: None, "survey_answers": {}}
        if value == ONLINE:
            return {PLACE_SLOT: ONLINE, "survey_place_skipped": True}
        place = places.resolve(value or "")
        if place is not None and place.county is not None:
            return {PLACE_SLOT: place.fi, "municipality": place.fi, "municipality_unknown": None}
        said = entity_value(tracker, "municipality") or said_text(tracker)
        return {PLACE_SLOT: None, "municipality": None, "municipality_unknown": said.strip()[:MAX_PLACE_TEXT] or "?"}


def said_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def read_answer(tracker: Tracker, regular_per_week: float) -> Answer | None:
    """The answer of a button (its survey_value) or of typed words."""
    value = button_value(tracker)
    if value in {a.value for a in Answer}:
        return Answer(value)
    return parse_answer(said_text(tracker), language=language_of(tracker), regular_per_week=regular_per_week)


class ActionAskSurveyAnswer(Action):
    """Asks the next theme's question with the answer buttons, in the person's language."""

    def name(self) -> str:
        return "action_ask_survey_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        answers = answers_of(tracker)
        theme = next_theme(answers)
        if theme is None:
            return []
        number = [t.key for t in all_themes()].index(theme.key) + 1
        buttons = [
            {"title": theme.label(a, language), "payload": f'/answer_survey{{"survey_value": "{a.value}"}}'}
            for a in SCALE
        ]
        buttons += [
            {
                "title": catalogue.text("button_skip_question", language),
                "payload": '/answer_survey{"survey_value": "skip"}',
            },
            {
                "title": catalogue.text("button_stop_survey", language),
                "payload": '/answer_survey{"survey_value": "stop"}',
            },
        ]
        text = catalogue.text(
            "survey_question", language, number=number, total=len(all_themes()), question=theme.ask(language)
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionAskSurveyPlace(Action):
    """Asks where the person lives, with the county's towns and an online-only way out."""

    def name(self) -> str:
        return f"action_ask_{PLACE_SLOT}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        unknown = tracker.get_slot("municipality_unknown")
        outside = places.resolve(unknown) if unknown else None
        if outside is not None:
            text = catalogue.text("survey_municipality_outside", language, place=outside.name(language))
        elif unknown:
            text = catalogue.text("survey_municipality_unknown", language, name=unknown)
        else:
            text = catalogue.text("survey_ask_municipality", language)
        online = {
            "title": catalogue.text("button_online_only", language),
            "payload": '/answer_survey{"survey_value": "skip"}',
        }
        dispatcher.utter_message(text=text, buttons=[*town_buttons(language), online])
        return [SlotSet("municipality_unknown", None)]


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
