"""The seed's services: county rows, service templates expanded over each county's towns, national services.

Regional rows are marked as sample data: their phone numbers and streets are invented.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from actions.directory.schema import (
    ChannelAddress,
    ChannelPhone,
    ChannelText,
    ChannelWebPage,
    County,
    Municipality,
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
from opastin import places
from opastin.opening_hours import parse_weekly

SEED_DIR = Path(__file__).parent / "seed"
SAMPLE_STREET = {"fi": "Esimerkkikatu", "sv": "Exempelgatan"}

log = logging.getLogger(__name__)


def load(name: str) -> dict[str, Any]:
    """A seed file of seed/ (counties, services, national services, events)."""
    return yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Town:
    code: str
    postal_code: str
    municipality: places.Municipality


def build_county_rows(session: Session) -> None:
    """Counties and every municipality the assistant knows (also those outside the counties)."""
    for row in load("counties.yml")["counties"]:
        names = row["names"]
        session.add(
            County(
                code=row["code"],
                name_fi=names["fi"],
                name_sv=names["sv"],
                name_en=names["en"],
                web_url=row["web"],
                is_sample=True,
            )
        )
        session.add(
            Organization(
                id=f"org:{row['code']}",
                name_fi=names["fi"],
                name_sv=names["sv"],
                name_en=names["en"],
                county_code=row["code"],
            )
        )
    session.flush()
    for municipality in places.all_municipalities():
        session.add(
            Municipality(
                code=municipality.code,
                name_fi=municipality.fi,
                name_sv=municipality.sv,
                county_code=municipality.county,
            )
        )
    session.add(
        Organization(
            id="org:national",
            name_fi="Valtakunnallinen palvelu",
            name_sv="Riksomfattande tjänst",
            name_en="National service",
        )
    )
    session.flush()


def _texts(model, kind: str, values: dict[str, str] | None) -> list:
    return [model(kind=kind, language=lang, value=value) for lang, value in (values or {}).items() if value]


def _search_terms(names: dict[str, str], keywords: dict[str, list[str]]) -> list[SearchTerm]:
    terms: dict[tuple[str, str], None] = {}
    for lang in LANGUAGES:
        text = " ".join([names.get(lang, "")] + list(keywords.get(lang, [])))
        for stem in stems(text, lang):
            terms.setdefault((lang, stem), None)
    return [SearchTerm(language=lang, term=term) for lang, term in terms]


def _service(service_id: str, template: dict[str, Any], *, org: str, sample: bool, area_type: str) -> Service:
    service = Service(
        id=service_id,
        source="seed",
        topic=template["topic"],
        charge_type=template.get("charge"),
        area_type=area_type,
        organization_id=org,
        is_sample=sample,
        priority=template.get("priority", 100),
        low_threshold=bool(template.get("low_threshold", False)),
    )
    service.texts = _texts(ServiceText, "Name", template["names"]) + _texts(
        ServiceText, "Summary", template.get("summaries")
    )
    service.keywords = [
        ServiceKeyword(language=lang, value=word)
        for lang, items in (template.get("keywords") or {}).items()
        for word in items
    ]
    service.themes = [ServiceTheme(theme=theme) for theme in template.get("themes") or []]
    return service


def _hours(spec: str) -> list[ServiceHour]:
    if not spec:
        return []
    if spec == "always":
        return [ServiceHour(hour_type="DaysOfTheWeek", is_always_open=True)]
    hour = ServiceHour(hour_type="DaysOfTheWeek")
    hour.opening_hours = [
        OpeningHour(day_from=a, day_to=b, from_time=s, to_time=e) for a, b, s, e in parse_weekly(spec)
    ]
    return [hour]


def _channel_names(names: dict[str, str], town: places.Municipality | None) -> list[ChannelText]:
    values = {lang: text.format(town=town.name(lang) if town else "").strip() for lang, text in names.items()}
    return _texts(ChannelText, "Name", values)


def _location_towns(where: str, towns: list[_Town]) -> list[_Town]:
    if where == "all_towns":
        return towns
    main = [t for t in towns if t.municipality.main]
    return main if where == "main_towns" else main[:1]


def _county_channels(
    county: dict[str, Any], key: str, index: int, spec: dict[str, Any], towns: list[_Town]
) -> Iterator[ServiceChannel]:
    base = f"{county['code']}:{key}"
    org = f"org:{county['code']}"
    if spec["kind"] == "location":
        for number, town in enumerate(_location_towns(spec.get("where", "main_towns"), towns), start=1):
            channel = ServiceChannel(
                id=f"{base}:location:{town.code}",
                channel_type="ServiceLocation",
                organization_id=org,
                municipality_code=town.code,
                is_sample=True,
            )
            channel.texts = _channel_names(spec["names"], town.municipality)
            channel.addresses = [
                ChannelAddress(
                    language=lang,
                    street=street,
                    street_number=str(index + number),
                    postal_code=town.postal_code,
                    post_office=town.municipality.name(lang),
                    municipality_code=town.code,
                )
                for lang, street in SAMPLE_STREET.items()
            ]
            channel.service_hours = _hours(spec.get("hours", ""))
            yield channel
    elif spec["kind"] == "phone":
        channel = ServiceChannel(id=f"{base}:phone", channel_type="Phone", organization_id=org, is_sample=True)
        channel.texts = _channel_names(spec["names"], None)
        channel.phones = [
            ChannelPhone(number=f"{county['area_code']} 555 {1000 + index:04d}", charge_type="Chargeable")
        ]
        channel.service_hours = _hours(spec.get("hours", ""))
        yield channel
    elif spec["kind"] == "web":
        channel = ServiceChannel(id=f"{base}:web", channel_type="WebPage", organization_id=org, is_sample=True)
        channel.texts = _channel_names(spec["names"], None)
        channel.web_pages = [ChannelWebPage(url=county["web"])]
        yield channel


def build_county_services(session: Session) -> int:
    templates = load("services.yml")["services"]
    count = 0
    for county in load("counties.yml")["counties"]:
        towns = [_Town(code, postal, places.known(code)) for code, postal in county["towns"].items()]
        for index, template in enumerate(templates):
            ordered = {**template, "priority": 100 + index}  # the templates' order is the answers' order
            service = _service(
                f"{county['code']}:{template['key']}",
                ordered,
                org=f"org:{county['code']}",
                sample=True,
                area_type="LimitedType",
            )
            service.areas = [ServiceArea(municipality_code=t.code) for t in towns]
            service.channels = [
                channel
                for spec in template.get("channels", [])
                for channel in _county_channels(county, template["key"], index, spec, towns)
            ]
            session.add(service)
            session.flush()
            _add_search_terms(session, service, template)
            count += 1
    return count


def _add_search_terms(session: Session, service: Service, template: dict[str, Any]) -> None:
    for term in _search_terms(template["names"], template.get("keywords") or {}):
        term.service_id = service.id
        session.add(term)


def _national_channel(key: str, number: int, spec: dict[str, Any]) -> ServiceChannel:
    kind = {"phone": "Phone", "web": "WebPage"}[spec["kind"]]
    channel = ServiceChannel(
        id=f"national:{key}:{spec['kind']}:{number}", channel_type=kind, organization_id="org:national", is_sample=False
    )
    channel.texts = _texts(ChannelText, "Name", spec["names"])
    if spec.get("number"):
        channel.phones = [
            ChannelPhone(
                number=spec["number"], charge_type=spec.get("charge", "Chargeable"), language=spec.get("language")
            )
        ]
    url = spec.get("url") or spec.get("web")
    if url:
        channel.web_pages = [ChannelWebPage(url=url, language=spec.get("language"))]
    channel.service_hours = _hours(spec.get("hours", ""))
    return channel


def build_national_services(session: Session) -> int:
    rows = load("national.yml")["services"]
    for template in rows:
        service = _service(
            f"national:{template['key']}", template, org="org:national", sample=False, area_type="Nationwide"
        )
        service.channels = [_national_channel(template["key"], n, spec) for n, spec in enumerate(template["channels"])]
        session.add(service)
        session.flush()
        _add_search_terms(session, service, template)
    return len(rows)
