"""One Linked Events event (and its place) → directory rows."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from actions.directory.coordinates import in_finland
from actions.directory.import_mapping import Facts, Mapping
from actions.directory.schema import (
    ChannelAddress,
    ChannelText,
    Event,
    EventKeyword,
    EventText,
    EventTheme,
    ServiceChannel,
)
from actions.directory.search import LANGUAGES
from opastin import places

SOURCE = "linkedevents"


class Malformed(ValueError):
    """An event the importer cannot use; the message says why."""


def ref_id(reference: Any) -> str | None:
    """ "https://…/v1/keyword/yso:p916/" or {"@id": …} or {"id": …} → "yso:p916"."""
    if isinstance(reference, dict):
        if isinstance(reference.get("id"), str):
            return reference["id"]
        reference = reference.get("@id")
    if not isinstance(reference, str) or not reference.strip("/"):
        return None
    return reference.rstrip("/").rsplit("/", 1)[-1]


def localized(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"a text is {type(value).__name__}, not a {{language: text}} object")
    return {lang: str(text).strip() for lang, text in value.items() if lang in LANGUAGES and text and str(text).strip()}


def utc(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise Malformed(f"time {value!r}") from error
    if moment.tzinfo is None:
        raise Malformed(f"time {value!r} has no zone")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def municipality_of(place: dict[str, Any]) -> str | None:
    """The place's town from its divisions (ocd-division/country:fi/kunta:lahti), else its locality."""
    for division in place.get("divisions") or []:
        if isinstance(division, dict) and division.get("type") == "muni":
            name = (division.get("name") or {}).get("fi") or str(division.get("ocd_id", "")).rsplit(":", 1)[-1]
            found = places.resolve(name)
            if found:
                return found.code
    locality = localized(place.get("address_locality"))
    found = places.resolve(locality.get("fi") or locality.get("sv") or "")
    return found.code if found else None


def place_row(place: dict[str, Any], code: str | None) -> ServiceChannel:
    place_id = ref_id(place)
    if not place_id:
        raise Malformed("a place without an id")
    channel = ServiceChannel(
        id=f"le:{place_id}"[:64],
        channel_type="ServiceLocation",
        source=SOURCE,
        municipality_code=code,
        is_sample=False,
    )
    channel.texts = [ChannelText(kind="Name", language=k, value=v) for k, v in localized(place.get("name")).items()]
    position = (place.get("position") or {}).get("coordinates") or []
    point = (float(position[1]), float(position[0])) if len(position) == 2 else None  # GeoJSON: lon, lat
    point = point if point and in_finland(*point) else None
    localities = localized(place.get("address_locality"))
    channel.addresses = [
        ChannelAddress(
            language=lang,
            street=street[:200],
            postal_code=(str(place.get("postal_code") or "")[:5] or None),
            post_office=localities.get(lang) or localities.get("fi"),
            municipality_code=code,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
        )
        for lang, street in localized(place.get("street_address")).items()
    ]
    return channel


def event_row(
    item: dict[str, Any], *, county: str, code: str | None, location_id: str | None, mapping: Mapping
) -> Event:
    event_id = ref_id(item)
    if not event_id:
        raise Malformed("no id")
    names = localized(item.get("name"))
    if not names:
        raise Malformed("no name in fi, sv or en")
    start = utc(item.get("start_time"))
    if start is None:
        raise Malformed("no start time")
    offers = [o for o in item.get("offers") or [] if isinstance(o, dict)]
    free = not offers or any(o.get("is_free") for o in offers)
    keywords = [k for k in item.get("keywords") or [] if ref_id(k)]
    keyword_ids = tuple(ref_id(k) or "" for k in keywords)
    urls = localized(item.get("info_url")) or localized(offers[0].get("info_url") if offers else None)
    event = Event(
        id=event_id[:160],
        source=SOURCE,
        super_event_id=ref_id(item.get("super_event")),
        every_weeks=None,
        start_time=start,
        end_time=utc(item.get("end_time")),
        event_status=item.get("event_status") or "EventScheduled",
        county_code=county,
        municipality_code=code,
        location_id=location_id,
        is_online=bool(item.get("is_virtualevent")),
        is_free=free,
        registration_required=False,
        audience_min_age=item.get("audience_min_age"),
        audience_max_age=item.get("audience_max_age"),
        info_url=next((urls[lang] for lang in ("fi", "sv", "en") if lang in urls), None),
        is_sample=False,
    )
    price = {} if free else localized(offers[0].get("price"))
    event.texts = (
        [EventText(kind="Name", language=k, value=v) for k, v in names.items()]
        + [
            EventText(kind="ShortDescription", language=k, value=v)
            for k, v in localized(item.get("short_description")).items()
        ]
        + [EventText(kind="Price", language=k, value=v) for k, v in price.items()]
    )
    event.keywords = [
        EventKeyword(language=lang, value=word[:200])
        for keyword in keywords
        if isinstance(keyword, dict)
        for lang, word in localized(keyword.get("name")).items()
    ]
    facts = Facts(keywords=keyword_ids, name_fi=names.get("fi", ""))
    event.themes = [EventTheme(theme=theme) for theme in dict.fromkeys(mapping.themes_of(facts))]
    return event
