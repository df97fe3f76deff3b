"""The one entry point the actions use to read the service directory.

It answers in the user's language with a fallback (fi → sv → en, as PTV texts often exist only
in Finnish) and says when it fell back, so that the answer can tell the person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable, Optional, Sequence

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from actions.directory import db
from actions.directory.hours import FINLAND, TodayHours, hours_on, now_in_finland
from actions.directory.models import (
    County,
    Event,
    EventKeyword,
    EventTheme,
    SearchTerm,
    Service,
    ServiceArea,
    ServiceChannel,
    ServiceTheme,
)
from actions.directory.search import LANGUAGES, stems
from opastin import places

FALLBACK_ORDER = ("fi", "sv", "en")
MIN_PREFIX = 5  # a query stem this long also matches longer terms (Finnish compounds: "hammas" → "hammaslaakar")


class DirectoryUnavailable(RuntimeError):
    """The directory database cannot be reached; the actions answer with the general numbers."""


@dataclass(frozen=True)
class Localized:
    value: str
    language: str

    def fell_back(self, wanted: str) -> bool:
        return self.language != wanted


def localize(texts: Iterable, kind: str, language: str) -> Optional[Localized]:
    """The text of that kind in the language, else in the first of fi, sv, en that exists."""
    by_language = {t.language: t.value for t in texts if t.kind == kind}
    for candidate in (language, *FALLBACK_ORDER):
        if by_language.get(candidate):
            return Localized(by_language[candidate], candidate)
    return None


@dataclass(frozen=True)
class ChannelCard:
    kind: str
    name: Optional[Localized]
    phones: tuple[str, ...]
    web: Optional[str]
    address: Optional[str]
    today: TodayHours
    municipality_code: Optional[str]


@dataclass(frozen=True)
class ServiceCard:
    id: str
    topic: str
    name: Localized
    summary: Optional[Localized]
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
    summary: Optional[Localized]
    provider: Optional[Localized]
    start: datetime  # Finnish time
    end: Optional[datetime]
    every_weeks: Optional[int]
    place: Optional[str]
    municipality_code: Optional[str]
    online: bool
    free: bool
    price: Optional[Localized]
    registration_required: bool
    min_age: Optional[int]
    max_age: Optional[int]
    url: Optional[str]
    phones: tuple[str, ...]
    is_sample: bool

    def fell_back(self, language: str) -> bool:
        return self.name.fell_back(language) or bool(self.summary and self.summary.fell_back(language))


def utc_now() -> datetime:
    """Now in UTC without a zone, as event times are stored."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _local(moment: Optional[datetime]) -> Optional[datetime]:
    return moment.replace(tzinfo=timezone.utc).astimezone(FINLAND) if moment else None


def _event_place(event: Event, language: str) -> Optional[str]:
    named = localize(event.texts, "PlaceName", language)
    if named:
        return named.value
    if event.location is None:
        return None
    name = localize(event.location.texts, "Name", language)
    address = _address(event.location, language)
    return ", ".join(filter(None, [name.value if name else None, address]))


def _event_card(event: Event, language: str) -> EventCard:
    return EventCard(
        id=event.id,
        series=event.super_event_id or event.id,
        name=localize(event.texts, "Name", language) or Localized(event.id, "fi"),
        summary=localize(event.texts, "ShortDescription", language),
        provider=localize(event.texts, "Provider", language),
        start=_local(event.start_time),
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
    )


def _address(channel: ServiceChannel, language: str) -> Optional[str]:
    rows = {a.language: a for a in channel.addresses if a.address_type == "Location"}
    row = next((rows[l] for l in (language, *FALLBACK_ORDER) if l in rows), None)
    if row is None:
        return None
    street = " ".join(filter(None, [row.street, row.street_number]))
    return ", ".join(filter(None, [street, " ".join(filter(None, [row.postal_code, row.post_office]))]))


def _phones(channel: ServiceChannel, language: str) -> tuple[str, ...]:
    """Phones for everyone plus the one in the person's language (the crisis line has one per language)."""
    return tuple(p.number for p in channel.phones if p.language in (None, language))


def _channel_card(channel: ServiceChannel, language: str, day: date) -> ChannelCard:
    return ChannelCard(
        kind=channel.channel_type,
        name=localize(channel.texts, "Name", language),
        phones=_phones(channel, language),
        web=next((w.url for w in channel.web_pages if w.language in (None, language)), None)
        or next((w.url for w in channel.web_pages), None),
        address=_address(channel, language),
        today=hours_on(channel.service_hours, day),
        municipality_code=channel.municipality_code,
    )


def _channel_order(channel: ServiceChannel, municipality_code: Optional[str], language: str) -> tuple:
    """Here before elsewhere, phone lines in the person's language first, locations before county-wide lines."""
    local = channel.municipality_code is not None and channel.municipality_code == municipality_code
    own_language = any(p.language == language for p in channel.phones)
    town = places.by_code(channel.municipality_code or "")
    main_town = town is not None and town.main
    return (not local, not own_language, channel.channel_type != "ServiceLocation", not main_town, channel.id)


class DirectoryClient:
    """Read-only queries over the directory tables."""

    def __init__(self, url: Optional[str] = None, *, max_locations: int = 2) -> None:
        self._url = url
        self._max_locations = max_locations

    def _session(self) -> Session:
        return db.session_factory(self._url)()

    def services_for_topic(
        self, topic: str, municipality_code: Optional[str], language: str, *, limit: int = 3
    ) -> list[ServiceCard]:
        """Services of a topic available in the municipality (its county's and nationwide ones)."""
        query = select(Service).where(Service.topic == topic).where(self._available_in(municipality_code))
        return self._cards(query, municipality_code, language, limit)

    def search(
        self, text: str, municipality_code: Optional[str], language: str, *, limit: int = 3,
        topics: Optional[Sequence[str]] = None,
    ) -> list[ServiceCard]:
        """Free-text search over service names and keywords, stemmed in fi, sv and en.

        People mix languages ("neuvola in Vantaa"), so the text is stemmed for every language and
        matched against that language's terms; services matching more words come first.
        """
        conditions = [self._term_condition(lang, stem) for lang in LANGUAGES for stem in stems(text, lang)]
        if not conditions:
            return []
        score = func.count(func.distinct(SearchTerm.term)).label("score")
        ranked = (
            select(SearchTerm.service_id, score)
            .where(or_(*conditions))
            .group_by(SearchTerm.service_id)
            .subquery()
        )
        query = (
            select(Service)
            .join(ranked, ranked.c.service_id == Service.id)
            .where(self._available_in(municipality_code))
            .order_by(ranked.c.score.desc(), Service.priority, Service.id)
        )
        if topics:
            query = query.where(Service.topic.in_(list(topics)))
        return self._cards(query, municipality_code, language, limit)

    @staticmethod
    def _term_condition(language: str, stem: str):
        same_language = SearchTerm.language == language
        if len(stem) >= MIN_PREFIX:
            # Either the query word starts a longer term or a term starts the query word (compounds).
            return and_(same_language, or_(SearchTerm.term.like(stem + "%"),
                                           literal(stem).like(SearchTerm.term + "%")))
        return and_(same_language, SearchTerm.term == stem)

    @staticmethod
    def _available_in(municipality_code: Optional[str]):
        nationwide = Service.area_type == "Nationwide"
        if municipality_code is None:
            return nationwide
        local = select(ServiceArea.service_id).where(ServiceArea.municipality_code == municipality_code)
        return or_(nationwide, Service.id.in_(local))

    def _cards(self, query, municipality_code: Optional[str], language: str, limit: int) -> list[ServiceCard]:
        query = query.options(selectinload(Service.channels)).order_by(Service.priority, Service.id).limit(limit)
        day = now_in_finland().date()
        try:
            with self._session() as session:
                services = session.scalars(query).unique().all()
                return [self._card(s, municipality_code, language, day) for s in services]
        except SQLAlchemyError as error:
            raise DirectoryUnavailable(str(error)) from error

    def _card(self, service: Service, municipality_code: Optional[str], language: str, day: date) -> ServiceCard:
        channels = sorted(service.channels, key=lambda c: _channel_order(c, municipality_code, language))
        locations = [c for c in channels if c.channel_type == "ServiceLocation"]
        own_town = [c for c in locations if c.municipality_code == municipality_code]
        # The person's own town when it has one; otherwise the first towns that do (main towns first).
        locations = own_town[:1] if own_town else locations[: self._max_locations]
        others = [c for c in channels if c.channel_type != "ServiceLocation"]
        chosen = sorted(locations + others, key=lambda c: _channel_order(c, municipality_code, language))
        return ServiceCard(
            id=service.id,
            topic=service.topic,
            name=localize(service.texts, "Name", language) or Localized(service.id, "fi"),
            summary=localize(service.texts, "Summary", language),
            free=service.charge_type == "FreeOfCharge",
            is_sample=service.is_sample or any(c.is_sample for c in chosen),
            nationwide=service.area_type == "Nationwide",
            channels=tuple(_channel_card(c, language, day) for c in chosen),
            low_threshold=bool(service.low_threshold),
            priority=service.priority,
        )

    def services_for_theme(
        self, theme: str, municipality_code: Optional[str], language: str, *, topics: Sequence[str] = (),
        words: str = "", limit: int = 20,
    ) -> list[ServiceCard]:
        """Services tagged with a wellbeing theme, then those of its topics that its words find."""
        tagged = select(ServiceTheme.service_id).where(ServiceTheme.theme == theme)
        query = select(Service).where(Service.id.in_(tagged)).where(self._available_in(municipality_code))
        found = self._cards(query, municipality_code, language, limit)
        if words and topics:
            seen = {card.id for card in found}
            found += [card for card in self.search(words, municipality_code, language, limit=limit, topics=topics)
                      if card.id not in seen]
        return found[:limit]

    def upcoming_events(
        self, theme: str, county_code: Optional[str], language: str, *, words: Sequence[str] = (),
        now: Optional[datetime] = None, limit: int = 20,
    ) -> list[EventCard]:
        """The next occurrence of each event series of the theme in the county, soonest first.

        Only events that have not started yet and are not cancelled: a past event is never shown.
        """
        now = now or utc_now()
        keyword_match = select(EventKeyword.event_id).where(func.lower(EventKeyword.value).in_(
            [w.lower() for w in words])) if words else None
        themed = select(EventTheme.event_id).where(EventTheme.theme == theme)
        about = Event.id.in_(themed) if keyword_match is None else or_(Event.id.in_(themed), Event.id.in_(keyword_match))
        series = func.coalesce(Event.super_event_id, Event.id)
        upcoming = (
            select(series.label("series"), func.min(Event.start_time).label("next_start"))
            .where(about)
            .where(Event.start_time > now)
            .where(Event.event_status == "EventScheduled")
            .group_by(series)
        )
        if county_code is not None:
            upcoming = upcoming.where(Event.county_code == county_code)
        upcoming = upcoming.subquery()
        query = (
            select(Event)
            .join(upcoming, and_(series == upcoming.c.series, Event.start_time == upcoming.c.next_start))
            .order_by(Event.start_time, Event.id)
            .limit(limit)
        )
        try:
            with self._session() as session:
                return [_event_card(event, language) for event in session.scalars(query)]
        except SQLAlchemyError as error:
            raise DirectoryUnavailable(str(error)) from error

    def county_names(self, language: str) -> list[str]:
        """The counties this directory serves, named in the language."""
        column = {"sv": County.name_sv, "en": County.name_en}.get(language, County.name_fi)
        try:
            with self._session() as session:
                return list(session.scalars(select(column).order_by(County.name_fi)))
        except SQLAlchemyError as error:
            raise DirectoryUnavailable(str(error)) from error

    def ping(self) -> bool:
        """True when the database answers: used by the readiness check."""
        try:
            with self._session() as session:
                session.execute(select(literal(1)))
            return True
        except SQLAlchemyError:
            return False
