"""Reaching a person: the live-chat queue in office hours, otherwise the phone line and a callback request.

In office hours, from the web chat, Telegram or SMS, the conversation joins the county's queue with
what the agent needs (transcript, language, municipality, role, topic). From then on the channel keeps
the person's messages away from the bot until the agent hands the conversation back, so the bot
never answers meanwhile (opastin/channels/webchat.py, turns.py). No Rasa pause is used: a ConversationPaused
event on a brand-new conversation can be lost, and a channel that holds the messages cannot.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import cards
from actions.directory.client import DirectoryClient, DirectoryUnavailable
from actions.directory.results import ServiceCard
from actions.settings import home_county
from actions.shared import QUESTION_DEFAULTS, SEARCH, TOPIC_INTENTS, contact_municipality
from opastin import catalogue, places
from opastin.handoff import office_hours
from opastin.handoff.queue import CLIENT_METADATA, ClientQueueFull, HandoffStore, QueueFull, shared_store
from opastin.opening_hours import now_in_finland

log = logging.getLogger(__name__)

# Channels that can bring an agent's reply to the person: the web chat's push stream, the Telegram and SMS APIs.
LIVE_CHAT_CHANNELS = {"webchat", "telegram", "sms"}
TRANSCRIPT_TURNS = 30


def transcript(tracker: Tracker) -> list[dict[str, str]]:
    """The conversation so far, as the agent reads it (button payloads shown as the choice made)."""
    lines: list[dict[str, str]] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            lines = []
        elif event.get("event") in ("user", "bot") and event.get("text"):
            text = event["text"]
            if event["event"] == "user" and text.startswith("/"):
                entities = (event.get("parse_data") or {}).get("entities") or []
                text = ", ".join(str(e.get("value")) for e in entities) or text.split("{")[0].lstrip("/")
            lines.append({"from": "person" if event["event"] == "user" else "bot", "text": text})
    return lines[-TRANSCRIPT_TURNS:]


def topic(tracker: Tracker) -> str | None:
    """What the person last asked about (a service topic), for the agent's queue view."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in TOPIC_INTENTS or intent in QUESTION_DEFAULTS or intent == SEARCH:
                return intent
    return tracker.get_slot("pending_topic")


def client_key(tracker: Tracker) -> str | None:
    """Which client sent the latest message, as the web chat names it (a keyed hash of its address).

    None in a channel that names no client (REST, SMS): there the conversation is its own client."""
    metadata = tracker.latest_message.get("metadata") or {}
    key = metadata.get(CLIENT_METADATA) if isinstance(metadata, dict) else None
    return key if isinstance(key, str) and 0 < len(key) <= 64 else None


def opening_text(hours: office_hours.ServiceHours, language: str) -> str:
    """ "ma–pe 8.00–16.00" from the county's weekly hours, in the person's language."""
    days = catalogue.text("weekdays_short", language).split()
    parts = []
    for first, last, opens, closes in hours.weekly:
        span = days[first] if first == last else f"{days[first]}–{days[last]}"
        parts.append(f"{span} {cards.clock(opens, language)}–{cards.clock(closes, language)}")
    return ", ".join(parts)


def next_opening_text(hours: office_hours.ServiceHours, now: datetime, language: str) -> str:
    opening = hours.next_opening(now)
    if opening is None:
        return ""
    days = catalogue.text("weekdays_short", language).split()
    month = catalogue.text("month_names", language).split()[opening.day.month - 1]
    when = catalogue.text(
        "event_time",
        language,
        weekday=days[opening.day.weekday()],
        day=opening.day.day,
        month_name=month,
        start=cards.clock(opening.opens, language),
        end=cards.clock(opening.closes, language),
    )
    return catalogue.text("handoff_next_opening", language, when=when)


def callback_button(language: str) -> dict[str, str]:
    return {"title": catalogue.text("button_callback", language), "payload": "/request_callback"}


class ActionOfferHumanContact(Action):
    """human_handoff: the queue when the chat is staffed, else the phone line and a callback request."""

    def __init__(
        self, client: DirectoryClient | None = None, store: HandoffStore | None = None, clock=now_in_finland
    ) -> None:
        self._client = client or DirectoryClient()
        self._store = store
        self._clock = clock

    def name(self) -> str:
        return "action_offer_human_contact"

    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = shared_store()
        return self._store

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = tracker.get_slot("language") or "fi"
        municipality = contact_municipality(tracker)
        county = municipality.county or home_county()
        hours = office_hours.for_county(county)
        now = self._clock()
        if tracker.get_latest_input_channel() not in LIVE_CHAT_CHANNELS:
            return self._phone_and_callback(
                dispatcher, language, municipality, catalogue.text("handoff_other_channel", language)
            )
        if not hours.is_open(now):
            intro = catalogue.text(
                "handoff_closed",
                language,
                hours=opening_text(hours, language),
                next=next_opening_text(hours, now, language),
            )
            return self._phone_and_callback(dispatcher, language, municipality, intro)
        try:
            queued = self.store().enqueue(
                sender=tracker.sender_id,
                county=county,
                language=language,
                max_queue=hours.max_queue,
                transcript=transcript(tracker),
                municipality=tracker.get_slot("municipality"),
                role=tracker.get_slot("role"),
                topic=topic(tracker),
                client=client_key(tracker),
                max_per_client=hours.max_per_client,
            )
        except ClientQueueFull:  # one client cannot fill the queue: this one already has its places
            return self._phone_and_callback(
                dispatcher, language, municipality, catalogue.text("handoff_client_waiting", language)
            )
        except QueueFull:
            return self._phone_and_callback(
                dispatcher, language, municipality, catalogue.text("handoff_queue_full", language)
            )
        position = catalogue.text("handoff_position", language, number=queued.position)
        dispatcher.utter_message(text=catalogue.text("handoff_queued", language, position=position))
        return []

    def _phone_and_callback(
        self,
        dispatcher: CollectingDispatcher,
        language: str,
        municipality: places.Municipality,
        text: str,
    ) -> list[EventType]:
        found = self._guidance_line(municipality, language)
        dispatcher.utter_message(text=text, buttons=[callback_button(language)])
        for card in found:
            dispatcher.utter_message(text=cards.service_text(card, language))
        for note in cards.notes(found, language):
            dispatcher.utter_message(text=note)
        return []

    def _guidance_line(self, municipality: places.Municipality, language: str) -> list[ServiceCard]:
        try:
            return self._client.services_for_topic("contact_info", municipality.code, language, limit=1)
        except DirectoryUnavailable:
            log.exception("service directory unavailable")
            return []
