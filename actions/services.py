"""Service questions answered from the service directory, in the person's language and municipality."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import cards
from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.directory.results import ServiceCard
from actions.shared import (
    QUESTION_DEFAULTS,
    SEARCH,
    TOPIC_INTENTS,
    human_button,
    intent_name,
    town_buttons,
    utter_directory_down,
)
from opastin import catalogue, places

log = logging.getLogger(__name__)

MAX_QUERY = 500  # a service search needs no more; longer texts are cut, not refused

# Topics whose rule has just said the national number: show the county's own services only.
LOCAL_ONLY = {"urgent_care"}


@dataclass(frozen=True)
class Request:
    """What the person asked: a topic, or words to search for, or a question about a service."""

    topic: str | None
    query: str | None

    @property
    def empty(self) -> bool:
        return not self.topic and not self.query


def request_from(tracker: Tracker) -> Request:
    intent = intent_name(tracker) or ""
    text = (tracker.latest_message.get("text") or "")[:MAX_QUERY]
    words = "" if text.startswith("/") else places.strip_places(text)
    if intent == "inform_municipality":
        return Request(tracker.get_slot("pending_topic"), tracker.get_slot("pending_query"))
    if intent in TOPIC_INTENTS:
        return Request(intent, None)
    if intent in QUESTION_DEFAULTS:
        return Request(intent, words or None)
    if intent == SEARCH:
        return Request(SEARCH, words or None)
    return Request(None, None)


def lookup(
    client: DirectoryClient, request: Request, municipality_code: str | None, language: str
) -> list[ServiceCard]:
    if request.topic in QUESTION_DEFAULTS:
        found = client.search(request.query, municipality_code, language) if request.query else []
        return found or client.services_for_topic(QUESTION_DEFAULTS[request.topic], municipality_code, language)
    if request.topic == SEARCH:
        return client.search(request.query or "", municipality_code, language)
    cards_ = client.services_for_topic(request.topic or "", municipality_code, language)
    if request.topic in LOCAL_ONLY:
        cards_ = [c for c in cards_ if not c.nationwide]
    return cards_


class ActionShowServices(Action):
    """Answers a service question, asking the municipality once when it is not known yet."""

    def __init__(self, client: DirectoryClient | None = None) -> None:
        self._client = client or DirectoryClient()

    def name(self) -> str:
        return "action_show_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = tracker.get_slot("language") or "fi"
        request = request_from(tracker)
        unknown = tracker.get_slot("municipality_unknown")
        municipality = places.resolve(tracker.get_slot("municipality") or "")

        if unknown:
            outside = places.resolve(unknown)
            if outside is not None and outside.county is None:
                return self._answer_outside_area(dispatcher, language, outside, request)
            return self._ask_municipality(dispatcher, language, unknown, request)
        if request.empty:
            if municipality is None:
                return self._ask_municipality(dispatcher, language, None, request)
            dispatcher.utter_message(
                text=catalogue.text("municipality_noted", language, place=municipality.name(language))
            )
            return []
        if request.topic == SEARCH and not request.query:
            dispatcher.utter_message(text=catalogue.text("ask_service_query", language))
            return []
        if municipality is None:
            return self._ask_municipality(dispatcher, language, None, request)
        return self._answer(dispatcher, language, municipality, request)

    def _answer(
        self, dispatcher: CollectingDispatcher, language: str, municipality: places.Municipality, request: Request
    ) -> list[EventType]:
        place = municipality.name(language)
        try:
            found = lookup(self._client, request, municipality.code, language)
        except DirectoryUnavailable:
            utter_directory_down(dispatcher, language)
            return []
        if not found:
            dispatcher.utter_message(
                text=catalogue.text("no_services", language, place=place), buttons=[human_button(language)]
            )
            return _clear_pending()
        intro = {"wellbeing_activities": "wellbeing_intro", SEARCH: "search_intro"}.get(
            request.topic or "", "services_intro"
        )
        cards.utter_cards(dispatcher, language, catalogue.text(intro, language, place=place), found)
        if request.topic == "wellbeing_activities":
            # Offered, never forced: the questionnaire starts only from this button or when asked for.
            dispatcher.utter_message(
                text=catalogue.text("survey_offer", language),
                buttons=[
                    {"title": catalogue.text("button_start_survey", language), "payload": "/start_wellbeing_survey"}
                ],
            )
        return _clear_pending()

    def _answer_outside_area(
        self, dispatcher: CollectingDispatcher, language: str, place: places.Municipality, request: Request
    ) -> list[EventType]:
        try:
            found = [] if request.empty else lookup(self._client, request, None, language)
        except DirectoryUnavailable:
            found = []
        name = place.name(language)
        if found:
            cards.utter_cards(dispatcher, language, catalogue.text("municipality_outside", language, place=name), found)
        else:
            dispatcher.utter_message(
                text=catalogue.text("municipality_outside_nothing", language, place=name),
                buttons=town_buttons(language),
            )
        return [SlotSet("municipality_unknown", None), *_clear_pending()]

    def _ask_municipality(
        self, dispatcher: CollectingDispatcher, language: str, unknown: str | None, request: Request
    ) -> list[EventType]:
        if unknown:
            counties = ", ".join(self._county_names(language))
            text = catalogue.text("municipality_unknown", language, name=unknown, counties=counties)
        else:
            text = catalogue.text("ask_municipality", language)
        dispatcher.utter_message(text=text, buttons=town_buttons(language))
        pending = [SlotSet("municipality_unknown", None)]
        if not request.empty:
            pending += [SlotSet("pending_topic", request.topic), SlotSet("pending_query", request.query)]
        return pending

    def _county_names(self, language: str) -> list[str]:
        try:
            return self._client.county_names(language)
        except DirectoryUnavailable:
            return []


def _clear_pending() -> list[EventType]:
    return [SlotSet("pending_topic", None), SlotSet("pending_query", None)]
