"""One PTV v11 item (a service or a service channel) → directory rows.

An item that lacks what the directory needs (an id, a Finnish, Swedish or English name) or whose
fields have the wrong shape raises `Malformed`: the run skips it and reports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import Any

from actions.directory.coordinates import to_wgs84
from actions.directory.import_mapping import Facts, Mapping
from actions.directory.schema import (
    ChannelAddress,
    ChannelPhone,
    ChannelText,
    ChannelWebPage,
    OpeningHour,
    Organization,
    SearchTerm,
    Service,
    ServiceArea,
    ServiceChannel,
    ServiceHour,
    ServiceKeyword,
    ServiceText,
    ServiceTheme,
)
from actions.directory.search import LANGUAGES, stems

SOURCE = "ptv"
GONE = {"Archived", "Withdrawn", "Deleted"}
NATIONWIDE = {"Nationwide", "NationwideExceptAlandIslands"}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANNEL_TYPES = {"ServiceLocation", "Phone", "WebPage", "EChannel"}
FINLAND_PREFIXES = {"+358", "358", "00358"}


class Malformed(ValueError):
    """An item the importer cannot use; the message says why."""


def texts_by_language(entries: Any, kind: str | None = None) -> dict[str, str]:
    """PTV's [{language, value, type}] as {language: value} for fi, sv and en (first of each)."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise Malformed(f"a text list is {type(entries).__name__}")
    found: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise Malformed("a text is not an object")
        if kind is not None and entry.get("type") != kind:
            continue
        language, value = entry.get("language"), (entry.get("value") or "").strip()
        if language in LANGUAGES and value:
            found.setdefault(language, value)
    return found


def item_id(item: Any) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
        raise Malformed("no id")
    return item["id"].strip()


def stored_id(county: str, ptv_id: str) -> str:
    """A service's row id: PTV's id within the county that imported it. A service offered in two counties
    (a nationwide one, or one across a county border) is then held by each, and one county's import never
    replaces or removes the other's."""
    return f"{county}:{ptv_id}"


def is_gone(item: dict[str, Any]) -> bool:
    return item.get("publishingStatus") in GONE


def area_codes(item: dict[str, Any], county_codes: set[str]) -> set[str]:
    """The county's municipalities where the service is offered (all of them for a nationwide one)."""
    if item.get("areaType") in NATIONWIDE:
        return set(county_codes)
    codes: set[str] = set()
    for area in _list(item, "areas"):
        if area.get("type") == "Municipality" and area.get("code"):
            codes.add(str(area["code"]).zfill(3))
        codes.update(str(m.get("code")).zfill(3) for m in _list(area, "municipalities") if m.get("code"))
    return codes & county_codes


def _list(item: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Malformed(f"{key} is not a list of objects")
    return value


def facts(item: dict[str, Any], names: dict[str, str]) -> Facts:
    return Facts(
        service_classes=tuple(str(c.get("code")) for c in _list(item, "serviceClasses") if c.get("code")),
        ontology_terms=tuple(str(t.get("uri")) for t in _list(item, "ontologyTerms") if t.get("uri")),
        name_fi=names.get("fi") or next(iter(names.values()), ""),
    )


def service_row(item: dict[str, Any], *, county: str, codes: set[str], mapping: Mapping) -> Service:
    """A service with its texts, keywords, themes and areas (channels are linked by the caller)."""
    service_id = item_id(item)
    names = texts_by_language(item.get("serviceNames"), "Name")
    if not names:
        raise Malformed("no name in fi, sv or en")
    summaries = texts_by_language(item.get("serviceDescriptions"), "Summary")
    keywords = [(k.get("language"), (k.get("value") or "").strip()) for k in _list(item, "keywords")]
    keywords = [(lang, word) for lang, word in keywords if lang in LANGUAGES and word]
    known = facts(item, names)
    service = Service(
        id=stored_id(county, service_id),
        source=SOURCE,
        county_code=county,
        topic=mapping.topic(known),
        charge_type=item.get("serviceChargeType"),
        funding_type=item.get("fundingType") or "PubliclyFunded",
        area_type="LimitedType",
        is_sample=False,
        priority=100,
        low_threshold=False,
    )
    service.texts = [ServiceText(kind="Name", language=k, value=v) for k, v in names.items()] + [
        ServiceText(kind="Summary", language=k, value=v) for k, v in summaries.items()
    ]
    service.keywords = [ServiceKeyword(language=lang, value=word[:200]) for lang, word in dict.fromkeys(keywords)]
    service.themes = [ServiceTheme(theme=theme) for theme in dict.fromkeys(mapping.themes_of(known))]
    service.areas = [ServiceArea(municipality_code=code) for code in sorted(area_codes(item, codes))]
    return service


def search_terms(service: Service) -> list[SearchTerm]:
    """Stemmed words of the service's names and keywords, per language, as the client searches them."""
    found: dict[tuple[str, str], None] = {}
    for lang in LANGUAGES:
        parts = [t.value for t in service.texts if t.kind == "Name" and t.language == lang]
        parts += [k.value for k in service.keywords if k.language == lang]
        for stem in stems(" ".join(parts), lang):
            found.setdefault((lang, stem[:100]), None)
    return [SearchTerm(service_id=service.id, language=lang, term=term) for lang, term in found]


def channel_ids(item: dict[str, Any]) -> list[str]:
    ids = []
    for link in _list(item, "serviceChannels"):
        channel = link.get("serviceChannel") or {}
        if isinstance(channel, dict) and isinstance(channel.get("id"), str):
            ids.append(channel["id"])
    return ids


def organizations(item: dict[str, Any]) -> list[Organization]:
    """The organisations named in a service (PTV gives their id and Finnish name there)."""
    rows = []
    for link in _list(item, "organizations"):
        org = link.get("organization") or {}
        if isinstance(org, dict) and isinstance(org.get("id"), str):
            rows.append(Organization(id=org["id"], name_fi=str(org.get("name") or org["id"])[:300]))
    return rows


def channel_row(item: dict[str, Any], *, known_codes: set[str], known_orgs: set[str]) -> ServiceChannel:
    channel_id = item_id(item)
    kind = item.get("serviceChannelType")
    if kind not in CHANNEL_TYPES:
        raise Malformed(f"channel type {kind!r} is not shown")
    names = texts_by_language(item.get("serviceChannelNames"), "Name") or texts_by_language(
        item.get("serviceChannelNames")
    )
    addresses = list(_addresses(item, known_codes))
    located = next(
        (a.municipality_code for a in addresses if a.address_type == "Location" and a.municipality_code), None
    )
    org = item.get("organizationId")
    channel = ServiceChannel(
        id=channel_id,
        channel_type=kind,
        source=SOURCE,
        organization_id=org if org in known_orgs else None,
        municipality_code=located if kind == "ServiceLocation" else None,
        is_sample=False,
    )
    channel.texts = [ChannelText(kind="Name", language=k, value=v) for k, v in names.items()]
    channel.phones = _phones(_list(item, "phoneNumbers"))
    channel.web_pages = [
        ChannelWebPage(url=str(page.get("url") or page.get("value"))[:500], language=page.get("language"))
        for page in _list(item, "webPages")
        if str(page.get("url") or page.get("value") or "").startswith(("http://", "https://"))
    ]
    channel.addresses = addresses
    channel.service_hours = [hour for entry in _list(item, "serviceHours") for hour in _service_hour(entry)]
    return channel


def dialled(prefix: str | None, number: str, service_number: bool) -> str:
    """A number as dialled in Finland ("03 819 1000"); service numbers (116117, 0800…) as they are."""
    number = " ".join(number.split())
    if service_number or not prefix:
        return number
    if prefix.replace(" ", "") in FINLAND_PREFIXES:
        return number if number.startswith("0") else "0" + number
    return f"{prefix} {number}"


def _phones(entries: list[dict[str, Any]]) -> list[ChannelPhone]:
    """Phones for every language, unless the numbers differ by language (each then for its own)."""
    by_language: dict[str | None, list[ChannelPhone]] = {}
    for entry in entries:
        if entry.get("type", "Phone") != "Phone" or not entry.get("number"):
            continue
        phone = ChannelPhone(
            number=dialled(entry.get("prefixNumber"), str(entry["number"]), bool(entry.get("isFinnishServiceNumber"))),
            prefix_number=entry.get("prefixNumber"),
            phone_type="Phone",
            charge_type=entry.get("serviceChargeType") or "Chargeable",
            additional_info=(str(entry.get("additionalInformation") or "") or None),
        )
        language = entry.get("language") if entry.get("language") in LANGUAGES else None
        by_language.setdefault(language, []).append(phone)
    numbers = {lang: [p.number for p in phones] for lang, phones in by_language.items()}
    if len({tuple(n) for n in numbers.values()}) <= 1:
        first = next(iter(by_language.values()), [])
        return first
    rows = []
    fallback = next((by_language[lang] for lang in ("fi", "sv", "en", None) if lang in by_language), [])
    for lang in LANGUAGES:
        for phone in by_language.get(lang) or fallback:
            rows.append(
                ChannelPhone(
                    number=phone.number,
                    prefix_number=phone.prefix_number,
                    phone_type="Phone",
                    charge_type=phone.charge_type,
                    additional_info=phone.additional_info,
                    language=lang,
                )
            )
    return rows


def _addresses(item: dict[str, Any], known_codes: set[str]) -> Iterable[ChannelAddress]:
    for entry in _list(item, "addresses"):
        street_address = entry.get("streetAddress")
        if not isinstance(street_address, dict):
            continue
        streets = texts_by_language(street_address.get("street"))
        offices = texts_by_language(street_address.get("postOffice"))
        municipality = street_address.get("municipality") or {}
        code = str(municipality.get("code") or "").zfill(3) if isinstance(municipality, dict) else ""
        point = to_wgs84(street_address.get("latitude"), street_address.get("longitude"))
        for language, street in streets.items():
            yield ChannelAddress(
                address_type="Postal" if entry.get("type") == "Postal" else "Location",
                language=language,
                street=street[:200],
                street_number=(str(street_address.get("streetNumber") or "") or None),
                postal_code=(str(street_address.get("postalCode") or "")[:5] or None),
                post_office=offices.get(language) or next(iter(offices.values()), None),
                municipality_code=code if code in known_codes else None,
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
            )


def _day(name: Any) -> int:
    if name not in DAYS:
        raise Malformed(f"day {name!r}")
    return DAYS.index(name)


def _time(value: Any) -> time:
    try:
        hours, minutes = str(value).split(":")[:2]
        return time(23, 59) if hours == "24" else time(int(hours), int(minutes))
    except ValueError as error:
        raise Malformed(f"time {value!r}") from error


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise Malformed(f"date {value!r}") from error


def _service_hour(entry: dict[str, Any]) -> list[ServiceHour]:
    """Weekly and exceptional hours; hours over midnight are left out (the card then says less)."""
    kind = entry.get("serviceHourType")
    if kind not in ("DaysOfTheWeek", "Exceptional"):
        return []
    valid_from = _date(entry.get("validFrom"))
    valid_to = _date(entry.get("validTo")) or (valid_from if kind == "Exceptional" else None)
    hour = ServiceHour(
        hour_type=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        is_closed=bool(entry.get("isClosed")),
        is_always_open=bool(entry.get("isAlwaysOpen")),
    )
    hour.opening_hours = [
        OpeningHour(
            day_from=_day(opening.get("dayFrom")),
            day_to=_day(opening.get("dayTo") or opening.get("dayFrom")),
            from_time=_time(opening.get("from")),
            to_time=_time(opening.get("to")),
        )
        for opening in _list(entry, "openingHour")
    ]
    return [hour]
