"""Helpers every feature's actions share: reading the latest message, topic lists, common buttons.

Feature modules (conversation, services, handoff, callback, survey) import from here and never
from each other, so that each can change on its own.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import home_county
from opastin import catalogue, places

log = logging.getLogger(__name__)

# The first answer to these must be the number to call; the notice waits for the next turn.
SAFETY_INTENTS = {"emergency", "crisis_support", "urgent_care"}
# Intents that name their topic: the directory's services of that topic answer them.
TOPIC_INTENTS = {
    "book_appointment",
    "dental_care",
    "mental_health",
    "substance_abuse",
    "elderly_services",
    "family_services",
    "social_services",
    "disability_services",
    "prescription_renewal",
    "lab_tests",
    "vaccinations",
    "urgent_care",
    "wellbeing_activities",
}
# Intents that ask something about a service the words name ("hammashoitolan numero"); when the
# words name none, the default topic answers (the health station for hours, the customer guidance
# for contacts, the fees service for fees).
QUESTION_DEFAULTS = {"contact_info": "contact_info", "opening_hours": "book_appointment", "client_fees": "client_fees"}
SEARCH = "find_service"


def entity_value(tracker: Tracker, entity: str) -> str | None:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return values[-1] if values else None


def intent_name(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def town_buttons(language: str) -> list[dict[str, str]]:
    return [
        {"title": m.name(language), "payload": f'/inform_municipality{{"municipality": "{m.fi}"}}'}
        for m in places.municipalities_of(home_county())
    ]


def human_button(language: str) -> dict[str, str]:
    return {"title": catalogue.text("button_human", language), "payload": "/human_handoff"}


def utter_directory_down(dispatcher: CollectingDispatcher, language: str) -> None:
    """The directory cannot be read: say so, give the national numbers and a person to talk to."""
    log.exception("service directory unavailable")
    dispatcher.utter_message(text=catalogue.text("directory_down", language), buttons=[human_button(language)])


def contact_municipality(tracker: Tracker) -> places.Municipality:
    """The person's municipality, or the main town of the deployment's county when it is not known."""
    known = places.resolve(tracker.get_slot("municipality") or "")
    return known or places.municipalities_of(home_county())[0]
