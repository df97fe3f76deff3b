"""A callback request: only what staff need — phone number, a time window and the topic in one sentence.

The language is the conversation's own. Nothing else is asked (no name, no identity code). The
person sees it confirmed back and can cancel it in the same conversation; when it is done or
cancelled the number and the topic are erased (opastin/handoff/queue.py). The number never enters
the conversation: once read, it is held in the hand-over store and the slot only says "given".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import home_county
from actions.shared import SAFETY_INTENTS, contact_municipality, intent_name
from opastin import catalogue
from opastin.handoff.callback_input import WINDOWS, display_phone, phone_number, time_window, wants_to_cancel
from opastin.handoff.queue import HandoffStore, shared_store

FORM = "callback_form"
SLOTS = ("callback_phone", "callback_window", "callback_topic")
CANCELLED = "cancelled"
PHONE_INTENT = "give_phone_number"
GIVEN = "given"  # the callback_phone slot once a valid number is held (opastin/handoff/queue.py)
MAX_TOPIC = 300


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "fi"


def said(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


class ValidateCallbackForm(FormValidationAction):
    """Reads each answer from the person's own words; "peru" / "avbryt" / "cancel" ends the form."""

    def __init__(self, store: HandoffStore | None = None) -> None:
        self._store = store

    def name(self) -> str:
        return f"validate_{FORM}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("callback_status") == CANCELLED:
            return []
        return list(SLOTS)

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        """The answer to this slot's question; a number that started the form (nothing asked yet) answers the phone."""
        intent = intent_name(tracker)
        if intent in SAFETY_INTENTS:
            return False
        asked = tracker.get_slot("requested_slot")
        return asked == slot or (asked is None and slot == "callback_phone" and intent == PHONE_INTENT)

    async def extract_callback_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract(tracker, "callback_phone")

    async def extract_callback_window(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        pressed = next(tracker.get_latest_entity_values("callback_window"), None)
        if pressed in WINDOWS and tracker.get_slot("requested_slot") == "callback_window":
            return {"callback_window": pressed}  # a button: "(8–12)" never goes through the classifier
        return self._extract(tracker, "callback_window")

    async def extract_callback_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract(tracker, "callback_topic")

    def _extract(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        """The raw answer goes to the asked slot; its validation turns it into what is kept."""
        if not self._asked(tracker, slot):
            return {}
        return {slot: tracker.latest_message.get("text") or ""}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if wants_to_cancel(str(value)):
            return {"callback_phone": None, "callback_status": CANCELLED}
        if value == GIVEN:
            return {"callback_phone": GIVEN}
        number = phone_number(str(value))
        if number is None:
            dispatcher.utter_message(text=catalogue.text("callback_bad_phone", language_of(tracker)))
            return {"callback_phone": None}
        (self._store or shared_store()).hold_phone(tracker.sender_id, number)
        return {"callback_phone": GIVEN}

    def validate_callback_window(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if wants_to_cancel(str(value)):
            return {"callback_window": None, "callback_status": CANCELLED}
        window = value if value in WINDOWS else time_window(str(value))  # a button's window, or the person's words
        if window is None:
            dispatcher.utter_message(text=catalogue.text("callback_bad_window", language_of(tracker)))
        return {"callback_window": window}

    def validate_callback_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        # Only the bare word cancels here: a matter may well say "en halua" or "stop".
        if text.lower() in {"peru", "peruuta", "avbryt", "cancel"}:
            return {"callback_topic": None, "callback_status": CANCELLED}
        if not text or text.startswith("/") or len(text) > MAX_TOPIC:
            dispatcher.utter_message(text=catalogue.text("callback_bad_topic", language_of(tracker)))
            return {"callback_topic": None}
        return {"callback_topic": text}


class ActionAskCallbackWindow(Action):
    """The time window as buttons whose text is also what a person would type."""

    def name(self) -> str:
        return "action_ask_callback_window"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        buttons = [
            {
                "title": catalogue.text(f"callback_window_{w}", language),
                "payload": f'/request_callback{{"callback_window": "{w}"}}',
            }
            for w in WINDOWS
        ]
        dispatcher.utter_message(text=catalogue.text("callback_ask_window", language), buttons=buttons)
        return []


class ActionAskCallbackPhone(Action):
    def name(self) -> str:
        return "action_ask_callback_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=catalogue.text("callback_ask_phone", language_of(tracker)))
        return []


class ActionAskCallbackTopic(Action):
    def name(self) -> str:
        return "action_ask_callback_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=catalogue.text("callback_ask_topic", language_of(tracker)))
        return []


def _clear() -> list[EventType]:
    return [SlotSet(slot, None) for slot in (*SLOTS, "callback_status")]


class ActionSubmitCallback(Action):
    """Stores the request for the staff console and confirms it back, with a way to cancel."""

    def __init__(self, store: HandoffStore | None = None) -> None:
        self._store = store

    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        values = {slot: tracker.get_slot(slot) for slot in SLOTS}
        store = self._store or shared_store()
        phone = store.held_phone(tracker.sender_id)
        store.release_phone(tracker.sender_id)
        if tracker.get_slot("callback_status") == CANCELLED or not all(values.values()) or phone is None:
            dispatcher.utter_message(text=catalogue.text("callback_not_sent", language))
            return _clear()
        county = contact_municipality(tracker).county or home_county()
        callback_id = store.add_callback(
            sender=tracker.sender_id,
            county=county,
            phone=phone,
            window=values["callback_window"],
            topic=values["callback_topic"],
            language=language,
        )
        text = catalogue.text(
            "callback_confirmed",
            language,
            phone=display_phone(phone),
            window=catalogue.text(f"callback_window_text_{values['callback_window']}", language),
            topic=values["callback_topic"],
        )
        dispatcher.utter_message(
            text=text,
            buttons=[{"title": catalogue.text("button_cancel_callback", language), "payload": "/cancel_callback"}],
        )
        return [*_clear(), SlotSet("callback_id", callback_id)]


class ActionCancelCallback(Action):
    def __init__(self, store: HandoffStore | None = None) -> None:
        self._store = store

    def name(self) -> str:
        return "action_cancel_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        callback_id = tracker.get_slot("callback_id")
        store = self._store or shared_store()
        if callback_id and store.cancel_callback(callback_id, tracker.sender_id):
            dispatcher.utter_message(text=catalogue.text("callback_cancelled", language))
            return [SlotSet("callback_id", None)]
        dispatcher.utter_message(text=catalogue.text("callback_nothing_to_cancel", language))
        return []
