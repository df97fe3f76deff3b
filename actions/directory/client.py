"""The one entry point the actions use to read the service directory (queries; cards in results.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from actions.directory import db
from actions.directory.results import (
    EventCard,
    Localized,
    ServiceCard,
    channel_card,
    channel_order,
    event_card,
    localize,
)
from actions.directory.schema import (
    County,
    Event,
    EventKeyword,
    EventTheme,
    SearchTerm,
    Service,
    ServiceArea,
    ServiceTheme,
)
from actions.directory.search import LANGUAGES, stems
from opastin.opening_hours import now_in_finland

MIN_PREFIX = 5  # a query stem this long also matches longer terms (Finnish compounds: "hammas" → "hammaslaakar")


class DirectoryUnavailable(RuntimeError):
    """The directory database cannot be reached; the actions answer with the general numbers."""


def utc_now() -> datetime:
    """Now in UTC without a zone, as event times are stored."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DirectoryClient:
    """Read-only queries over the directory tables."""

    def __init__(
        self, url: str | None = None, *, max_locations: int = 2, clock: Callable[[], datetime] = now_in_finland
    ) -> None:
        """`clock` gives Finnish local time: "open today" and "upcoming" follow it, so tests can fix the day."""
        self._url = url
        self._max_locations = max_locations
        self._clock = clock

    def _utc_now(self) -> datetime:
        return self._clock().astimezone(timezone.utc).replace(tzinfo=None)

    def _session(self) -> Session:
        return db.session_factory(self._url)()

    def services_for_topic(
        self, topic: str, municipality_code: str | None, language: str, *, limit: int = 3
    ) -> list[ServiceCard]:
        """Services of a topic available in the municipality (its county's and nationwide ones)."""
        query = select(Service).where(Service.topic == topic).where(self._available_in(municipality_code))
        return self._cards(query, municipality_code, language, limit)

    def search(
        self,
        text: str,
        municipality_code: str | None,
        language: str,
        *,
        limit: int = 3,
        topics: Sequence[str] | None = None,
    ) -> list[ServiceCard]:
        """Free-text search over service names and keywords, stemmed in fi, sv and en.

        People mix languages ("neuvola in Vantaa"), so the text is stemmed for every language and
        matched against that language's terms; services matching more words come first.
        """
        conditions = [self._term_condition(lang, stem) for lang in LANGUAGES for stem in stems(text, lang)]
        if not conditions:
            return []
        score = func.count(func.distinct(SearchTerm.term)).label("score")
        ranked = select(SearchTerm.service_id, score).where(or_(*conditions)).group_by(SearchTerm.service_id).subquery()
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
            return and_(same_language, or_(SearchTerm.term.like(stem + "%"), literal(stem).like(SearchTerm.term + "%")))
        return and_(same_language, SearchTerm.term == stem)

    @staticmethod
    def _available_in(municipality_code: str | None):
        nationwide = Service.area_type == "Nationwide"
        if municipality_code is None:
            return nationwide
        local = select(ServiceArea.service_id).where(ServiceArea.municipality_code == municipality_code)
        return or_(nationwide, Service.id.in_(local))

    def _cards(self, query, municipality_code: str | None, language: str, limit: int) -> list[ServiceCard]:
        query = query.options(selectinload(Service.channels)).order_by(Service.priority, Service.id).limit(limit)
        day = self._clock().date()
        try:
            with self._session() as session:
                services = session.scalars(query).unique().all()
                return [self._card(s, municipality_code, language, day) for s in services]
        except SQLAlchemyError as error:
            raise DirectoryUnavailable(str(error)) from error

    def _card(self, service: Service, municipality_code: str | None, language: str, day: date) -> ServiceCard:
        channels = sorted(service.channels, key=lambda c: channel_order(c, municipality_code, language))
        locations = [c for c in channels if c.channel_type == "ServiceLocation"]
        own_town = [c for c in locations if c.municipality_code == municipality_code]
        # The person's own town when it has one; otherwise the first towns that do (main towns first).
        locations = own_town[:1] if own_town else locations[: self._max_locations]
        others = [c for c in channels if c.channel_type != "ServiceLocation"]
        chosen = sorted(locations + others, key=lambda c: channel_order(c, municipality_code, language))
        return ServiceCard(
            id=service.id,
            topic=service.topic,
            name=localize(service.texts, "Name", language) or Localized(service.id, "fi"),
            summary=localize(service.texts, "Summary", language),
            free=service.charge_type == "FreeOfCharge",
            is_sample=service.is_sample or any(c.is_sample for c in chosen),
            nationwide=service.area_type == "Nationwide",
            channels=tuple(channel_card(c, language, day) for c in chosen),
            low_threshold=bool(service.low_threshold),
            priority=service.priority,
        )

    def services_for_theme(
        self,
        theme: str,
        municipality_code: str | None,
        language: str,
        *,
        topics: Sequence[str] = (),
        words: str = "",
        limit: int = 20,
    ) -> list[ServiceCard]:
        """Services tagged with a wellbeing theme, then those of its topics that its words find."""
        tagged = select(ServiceTheme.service_id).where(ServiceTheme.theme == theme)
        query = select(Service).where(Service.id.in_(tagged)).where(self._available_in(municipality_code))
        found = self._cards(query, municipality_code, language, limit)
        if words and topics:
            seen = {card.id for card in found}
            found += [
                card
                for card in self.search(words, municipality_code, language, limit=limit, topics=topics)
                if card.id not in seen
            ]
        return found[:limit]

    def upcoming_events(
        self,
        theme: str,
        county_code: str | None,
        language: str,
        *,
        words: Sequence[str] = (),
        now: datetime | None = None,
        limit: int = 20,
    ) -> list[EventCard]:
        """The next occurrence of each event series of the theme in the county, soonest first.

        Only events that have not started yet and are not cancelled: a past event is never shown.
        """
        now = now or self._utc_now()
        keyword_match = (
            select(EventKeyword.event_id).where(func.lower(EventKeyword.value).in_([w.lower() for w in words]))
            if words
            else None
        )
        themed = select(EventTheme.event_id).where(EventTheme.theme == theme)
        about = (
            Event.id.in_(themed) if keyword_match is None else or_(Event.id.in_(themed), Event.id.in_(keyword_match))
        )
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
                return [event_card(event, language) for event in session.scalars(query)]
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
