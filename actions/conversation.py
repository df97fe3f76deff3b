"""Per-turn conversation state: language, municipality and the one-time automated-assistant notice.

Rasa runs `action_validate_slot_mappings` after every user message, before it predicts the answer,
so this is where the language is settled: every response that follows is picked by that slot.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import SAFETY_INTENTS, entity_value, intent_name
from opastin import catalogue, places
from opastin.language import choose_language, requested_language

MAX_PLACE_TEXT = 60


def is_first_user_turn(tracker: Tracker) -> bool:
    """True on the first user message since the conversation (session) started."""
    user_messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            user_messages += 1
    return user_messages <= 1


class ActionValidateSlotMappings(Action):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = self._language(tracker)
        events: list[EventType] = [SlotSet("language", language)]
        events += self._municipality(tracker)
        if not tracker.get_slot("notice_given") and intent_name(tracker) not in SAFETY_INTENTS:
            dispatcher.utter_message(text=catalogue.text("notice", language))
            events.append(SlotSet("notice_given", True))
        return events

    @staticmethod
    def _language(tracker: Tracker) -> str:
        text = tracker.latest_message.get("text") or ""
        metadata = tracker.latest_message.get("metadata") or {}
        current = None if is_first_user_turn(tracker) else tracker.get_slot("language")
        requested = None
        if intent_name(tracker) == "choose_language":
            requested = requested_language(entity_value(tracker, "language") or "") or requested_language(text)
        return choose_language(
            current,
            places.strip_places(text),
            requested=requested,
            metadata=metadata.get("language") if isinstance(metadata, dict) else None,
        )

    @staticmethod
    def _municipality(tracker: Tracker) -> list[EventType]:
        """Keep only municipalities the directory knows; remember what else was said, to answer it."""
        said = entity_value(tracker, "municipality")
        if said is None and intent_name(tracker) == "inform_municipality":
            said = tracker.latest_message.get("text") or ""
        if said is None:
            return []
        place = places.resolve(said)
        if place is not None and place.county is not None:
            return [SlotSet("municipality", place.fi), SlotSet("municipality_unknown", None)]
        return [SlotSet("municipality", None), SlotSet("municipality_unknown", said.strip()[:MAX_PLACE_TEXT])]
