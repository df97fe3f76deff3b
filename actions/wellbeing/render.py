"""Suggestions as short plain-language text: what, when, where, price, and a link or phone."""

from __future__ import annotations

from datetime import datetime

from actions import cards
from actions.directory.results import EventCard, ServiceCard
from actions.wellbeing.recommend import Suggestion
from opastin import catalogue


def event_time(start: datetime, end: datetime | None, language: str) -> str:
    weekday = catalogue.text("weekdays_short", language).split()[start.weekday()]
    month_name = catalogue.text("month_names", language).split()[start.month - 1]
    return catalogue.text(
        "event_time",
        language,
        weekday=weekday,
        day=start.day,
        month_name=month_name,
        start=cards.clock(start.time(), language),
        end=cards.clock((end or start).time(), language),
    )


def _ages(card: EventCard, language: str) -> str | None:
    if card.min_age and card.max_age:
        return catalogue.text("label_ages_between", language, min=card.min_age, max=card.max_age)
    if card.min_age:
        return catalogue.text("label_ages_from", language, min=card.min_age)
    return None


def event_text(card: EventCard, language: str) -> str:
    when = event_time(card.start, card.end, language)
    if card.every_weeks in (1, 2):
        when += ", " + catalogue.text(
            "label_every_week" if card.every_weeks == 1 else "label_every_other_week", language
        )
    lines = [card.name.value]
    if card.summary:
        lines.append(card.summary.value)
    lines.append(catalogue.text("label_next_time", language, value=when))
    if card.online:
        lines.append(catalogue.text("label_online", language))
    elif card.place:
        lines.append(catalogue.text("label_place", language, value=card.place))
    price = (
        catalogue.text("label_free", language)
        if card.free
        else (
            catalogue.text("label_price", language, value=card.price.value)
            if card.price
            else catalogue.text("label_paid", language)
        )
    )
    conditions = [
        price,
        catalogue.text("label_registration" if card.registration_required else "label_drop_in", language),
    ]
    lines.append(" ".join(filter(None, [*conditions, _ages(card, language)])))
    if card.provider:
        lines.append(catalogue.text("label_organiser", language, value=card.provider.value))
    if card.phones:
        lines.append(catalogue.text("label_phone", language, value=", ".join(card.phones)))
    if card.url:
        lines.append(catalogue.text("label_more_info", language, value=card.url))
    return "\n".join(lines)


def service_text(card: ServiceCard, language: str) -> str:
    lines = [card.name.value] + ([card.summary.value] if card.summary else [])
    lines.append(catalogue.text("label_free" if card.free else "label_paid", language))
    lines += [line for channel in card.channels if (line := cards.channel_line(channel, card.name.value, language))]
    return "\n".join(lines)


def suggestion_text(suggestion: Suggestion, language: str) -> str:
    if isinstance(suggestion.card, EventCard):
        return event_text(suggestion.card, language)
    return service_text(suggestion.card, language)


def theme_message(header: str, page: list[Suggestion], language: str, intro: str | None = None) -> str:
    """One message a theme, so that SMS and screen readers get the suggestions in pieces."""
    parts = [header] + ([intro] if intro else [])
    parts += [suggestion_text(s, language) for s in page]
    return "\n\n".join(parts)
