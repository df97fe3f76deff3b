"""Reaching a person: the customer-guidance line of the person's own county."""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cards, messages
from actions.conversation import intent_name
from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.settings import home_county
from opastin import places

log = logging.getLogger(__name__)


def contact_municipality(tracker: Tracker) -> places.Municipality:
    """The person's municipality, or the main town of the deployment's county when it is not known."""
    known = places.resolve(tracker.get_slot("municipality") or "")
    return known or places.municipalities_of(home_county())[0]


class ActionOfferHumanContact(Action):
    def __init__(self, client: Optional[DirectoryClient] = None) -> None:
        self._client = client or DirectoryClient()

    def name(self) -> str:
        return "action_offer_human_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = tracker.get_slot("language") or "fi"
        intro = "callback_intro" if intent_name(tracker) == "request_callback" else "human_contact_intro"
        try:
            found = self._client.services_for_topic("contact_info", contact_municipality(tracker).code, language, limit=1)
        except DirectoryUnavailable:
            log.exception("service directory unavailable")
            found = []
        if not found:
            dispatcher.utter_message(text=messages.text("directory_down", language))
            return []
        cards.utter_cards(dispatcher, language, messages.text(intro, language), found)
        return []
