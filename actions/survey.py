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

from actions.shared import SAFETY_INTENTS, entity_value, intent_name, town_buttons
from actions.wellbeing.answers import SCALE, Answer, parse_answer
from actions.wellbeing.progress import RUNNING, STOPPED, answers_of, language_of, next_theme, themes_to_recommend
from actions.wellbeing.themes import all_themes
from opastin import catalogue, places

log = logging.getLogger(__name__)

FORM = "wellbeing_survey_form"
ANSWER_SLOT = "survey_answer"
PLACE_SLOT = "survey_place"
ONLINE, UNKNOWN_PLACE = "online", "unknown"
UNCLEAR = "unclear"
# Messages the form must not swallow as answers: the rules answer them first.
STEP_ASIDE_INTENTS = SAFETY_INTENTS | {"human_handoff", "request_callback"}
MAX_PLACE_TEXT = 60


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
