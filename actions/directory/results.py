"""What a directory query returns: services, their channels and events as cards in the person's language.

Texts fall back fi → sv → en (PTV texts often exist only in Finnish) and say when they did, so
that the answer can tell the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from actions.directory.coordinates import distance_km
from actions.directory.schema import Event, ServiceChannel
from opastin import places
from opastin.opening_hours import FINLAND, TodayHours, hours_on

FALLBACK_ORDER = ("fi", "sv", "en")


@dataclass(frozen=True)
class Localized:
    value: str
    language: str

    def fell_back(self, wanted: str) -> bool:
        return self.language != wanted


def localize(texts: Iterable, kind: str, language: str) -> Localized | None:
    """The text of that kind in the language, else in the first of fi, sv, en that exists."""
    by_language = {t.language: t.value for t in texts if t.kind == kind}
    for candidate in (language, *FALLBACK_ORDER):
        if by_language.get(candidate):
            return Localized(by_language[candidate], candidate)
    return None


@dataclass(frozen=True)
class ChannelCard:
    kind: str
    name: Localized | None
    phones: tuple[str, ...]
    web: str | None
    address: str | None
    today: TodayHours
    municipality_code: str | None
    point: tuple[float, float] | None = None  # (latitude, longitude) of a location


@dataclass(frozen=True)
class ServiceCard:
    id: str
    topic: str
    name: Localized
    summary: Localized | None
    free: bool
    is_sample: bool
    nationwide: bool
    channels: tuple[ChannelCard, ...] = field(default_factory=tuple)
    low_threshold: bool = False
    priority: int = 100

    def fell_back(self, language: str) -> bool:
        """True when a text of the card is shown in another language than the person's."""
        return self.name.fell_back(language) or bool(self.summary and self.summary.fell_back(language))


@dataclass(frozen=True)
class EventCard:
    """The next occurrence of an event (series), as the person needs it: what, when, where, price."""

    id: str
    series: str
    name: Localized
    summary: Localized | None
    provider: Localized | None
    start: datetime  # Finnish time
    end: datetime | None
    every_weeks: int | None
    place: str | None
    municipality_code: str | None
    online: bool
    free: bool
    price: Localized | None
    registration_required: bool
    min_age: int | None
    max_age: int | None
    url: str | None
    phones: tuple[str, ...]
    is_sample: bool
    point: tuple[float, float] | None = None

    def fell_back(self, language: str) -> bool:
        return self.name.fell_back(language) or bool(self.summary and self.summary.fell_back(language))


def _local(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc).astimezone(FINLAND) if moment else None


def _event_place(event: Event, language: str) -> str | None:
    named = localize(event.texts, "PlaceName", language)
    if named:
        return named.value
    if event.location is None:
        return None
    name = localize(event.location.texts, "Name", language)
    address = _address(event.location, language)
    return ", ".join(filter(None, [name.value if name else None, address]))


def event_card(event: Event, language: str) -> EventCard:
    return EventCard(
        id=event.id,
        series=event.super_event_id or event.id,
        name=localize(event.texts, "Name", language) or Localized(event.id, "fi"),
        summary=localize(event.texts, "ShortDescription", language),
        provider=localize(event.texts, "Provider", language),
        start=event.start_time.replace(tzinfo=timezone.utc).astimezone(FINLAND),
        end=_local(event.end_time),
        every_weeks=event.every_weeks,
        place=_event_place(event, language),
        municipality_code=event.municipality_code,
        online=event.is_online,
        free=event.is_free,
        price=localize(event.texts, "Price", language),
        registration_required=event.registration_required,
        min_age=event.audience_min_age,
        max_age=event.audience_max_age,
        url=event.info_url,
        phones=_phones(event.location, language) if event.location is not None else (),
        is_sample=event.is_sample,
        point=None if event.is_online else point_of(event.location, event.municipality_code),
    )


def _address(channel: ServiceChannel, language: str) -> str | None:
    rows = {a.language: a for a in channel.addresses if a.address_type == "Location"}
    row = next((rows[lang] for lang in (language, *FALLBACK_ORDER) if lang in rows), None)
    if row is None:
        return None
    street = " ".join(filter(None, [row.street, row.street_number]))
    return ", ".join(filter(None, [street, " ".join(filter(None, [row.postal_code, row.post_office]))]))


def _phones(channel: ServiceChannel, language: str) -> tuple[str, ...]:
    """Phones for everyone plus the one in the person's language (the crisis line has one per language)."""
    return tuple(p.number for p in channel.phones if p.language in (None, language))


def channel_card(channel: ServiceChannel, language: str, day: date) -> ChannelCard:
    return ChannelCard(
        kind=channel.channel_type,
        name=localize(channel.texts, "Name", language),
        phones=_phones(channel, language),
        web=next((w.url for w in channel.web_pages if w.language in (None, language)), None)
        or next((w.url for w in channel.web_pages), None),
        address=_address(channel, language),
        today=hours_on(channel.service_hours, day),
        municipality_code=channel.municipality_code,
        point=point_of(channel, channel.municipality_code) if channel.channel_type == "ServiceLocation" else None,
    )


def point_of(channel: ServiceChannel | None, municipality_code: str | None) -> tuple[float, float] | None:
    """Where a place is: its address's coordinates (imported data has them), else its town's centre."""
    for address in channel.addresses if channel is not None else ():
        if address.latitude is not None and address.longitude is not None:
            return (address.latitude, address.longitude)
    town = places.by_code(municipality_code or "")
    return town.centre if town else None


def km_from(municipality_code: str | None, point: tuple[float, float] | None) -> float | None:
    """Distance from the centre of the person's town; None when either place is unknown."""
    town = places.by_code(municipality_code or "")
    if town is None or town.centre is None or point is None:
        return None
    return distance_km(town.centre, point)


def channel_order(channel: ServiceChannel, municipality_code: str | None, language: str) -> tuple:
    """Here before elsewhere, phone lines in the person's language first, locations before county-wide
    lines; among other towns' locations the nearest first (main towns first when distance is unknown)."""
    local = channel.municipality_code is not None and channel.municipality_code == municipality_code
    own_language = any(p.language == language for p in channel.phones)
    town = places.by_code(channel.municipality_code or "")
    main_town = town is not None and town.main
    km = km_from(municipality_code, point_of(channel, channel.municipality_code))
    distance = round(km) if km is not None and channel.channel_type == "ServiceLocation" else 10_000
    return (not local, not own_language, channel.channel_type != "ServiceLocation", distance, not main_town, channel.id)
