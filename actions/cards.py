"""Service cards as short plain-language text: name, what it is, then where, when and how to reach it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from rasa_sdk.executor import CollectingDispatcher

from actions.directory.results import ChannelCard, EventCard, ServiceCard
from opastin import catalogue
from opastin.opening_hours import TodayHours


def clock(value: time, language: str) -> str:
    """08:00 as people write it: "8.00" in Finnish and Swedish, "08:00" in English."""
    if language == "en":
        return f"{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour}.{value.minute:02d}"


def hours_text(today: TodayHours, language: str) -> str | None:
    if today.always_open:
        return catalogue.text("label_always_open", language)
    if today.closed:
        return catalogue.text("label_closed_today", language)
    if today.opens is not None and today.closes is not None:
        return catalogue.text(
            "label_open_today", language, opens=clock(today.opens, language), closes=clock(today.closes, language)
        )
    return None


def channel_line(channel: ChannelCard, service_name: str, language: str) -> str | None:
    parts: list[str] = []
    if channel.name and channel.name.value != service_name:
        parts.append(channel.name.value)
    if channel.address:
        parts.append(catalogue.text("label_address", language, value=channel.address))
    if channel.phones:
        parts.append(catalogue.text("label_phone", language, value=", ".join(channel.phones)))
    hours = hours_text(channel.today, language)
    if hours:
        parts.append(hours)
    if channel.web:
        parts.append(catalogue.text("label_web", language, value=channel.web))
    return "- " + ". ".join(parts) if parts else None


def service_text(card: ServiceCard, language: str) -> str:
    lines = [card.name.value]
    if card.summary:
        lines.append(card.summary.value)
    if card.free:
        lines.append(catalogue.text("label_free", language))
    lines += [line for channel in card.channels if (line := channel_line(channel, card.name.value, language))]
    return "\n".join(lines)


def notes(cards: Sequence[ServiceCard | EventCard], language: str) -> list[str]:
    """What the person must know about the answer itself: language fallback and unverified data."""
    found = []
    if any(card.fell_back(language) for card in cards):
        found.append(catalogue.text("note_finnish_only", language))
    if any(card.is_sample for card in cards):
        found.append(catalogue.text("note_sample_data", language))
    return found


def utter_cards(dispatcher: CollectingDispatcher, language: str, intro: str, found: list[ServiceCard]) -> None:
    """The intro, one message a service (so that SMS and screen readers get them in pieces), then notes."""
    dispatcher.utter_message(text=intro)
    for card in found:
        dispatcher.utter_message(text=service_text(card, language))
    for note in notes(found, language):
        dispatcher.utter_message(text=note)
