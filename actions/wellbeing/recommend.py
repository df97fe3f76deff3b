"""What to suggest for a theme the person does not practise now, in the order we promise.

Nearby first (the person's own town, then elsewhere in the county by distance from the person's
town in steps of BAND_KM, then online or national): a free group 80 km away helps an elderly person
less than one round the corner. Within the same distance: free before paid, low-threshold (no
booking, no referral) before the rest, events (concrete: "come on Tuesday") before standing
services, sooner before later. Three at a time,
and among them at least one service when the same distance has one, so that there is always a
place to call or visit besides the dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from actions.directory.client import DirectoryClient
from actions.directory.results import EventCard, ServiceCard, km_from
from actions.wellbeing.themes import Theme
from opastin import places

HERE, COUNTY, ONLINE = 0, 1, 2
BAND_KM = 10  # places this close to each other count as equally near
PAGE = 3
MAX_CANDIDATES = 12


@dataclass(frozen=True)
class Suggestion:
    card: EventCard | ServiceCard
    nearness: int  # HERE | COUNTY | ONLINE
    km: float | None = None  # from the centre of the person's town, when both places are known

    @property
    def is_event(self) -> bool:
        return isinstance(self.card, EventCard)

    @property
    def free(self) -> bool:
        return self.card.free

    @property
    def low_threshold(self) -> bool:
        if isinstance(self.card, EventCard):
            return not self.card.registration_required
        return self.card.low_threshold

    @property
    def band(self) -> int:
        """Distance in steps of BAND_KM; 0 for a county-wide line without a place (reachable from anywhere)."""
        return int(self.km // BAND_KM) if self.km is not None and self.nearness == COUNTY else 0

    def sort_key(self) -> tuple:
        near = (self.nearness, self.band, not self.free, not self.low_threshold)
        if isinstance(self.card, EventCard):
            return (*near, 0, self.card.start.timestamp(), self.card.id)
        return (*near, 1, self.card.priority, self.card.id)


def service_nearness(card: ServiceCard, municipality_code: str | None) -> int:
    if card.nationwide:
        return ONLINE
    here = any(c.kind == "ServiceLocation" and c.municipality_code == municipality_code for c in card.channels)
    return HERE if here else COUNTY


def event_nearness(card: EventCard, municipality_code: str | None) -> int:
    if card.online:
        return ONLINE
    return HERE if municipality_code and card.municipality_code == municipality_code else COUNTY


def service_km(card: ServiceCard, municipality_code: str | None) -> float | None:
    """How far the service's nearest location is (None for a service without known locations)."""
    found = [km_from(municipality_code, c.point) for c in card.channels if c.kind == "ServiceLocation"]
    return min((km for km in found if km is not None), default=None)


def service_suggestion(card: ServiceCard, municipality_code: str | None) -> Suggestion:
    return Suggestion(card, service_nearness(card, municipality_code), service_km(card, municipality_code))


def event_suggestion(card: EventCard, municipality_code: str | None) -> Suggestion:
    return Suggestion(card, event_nearness(card, municipality_code), km_from(municipality_code, card.point))


def ranked(suggestions: list[Suggestion]) -> list[Suggestion]:
    """All suggestions in the promised order, each page of three holding a service when one is near enough."""
    ordered = _distinct(sorted(suggestions, key=Suggestion.sort_key))
    pages: list[Suggestion] = []
    rest = ordered
    while rest:
        page, rest = rest[:PAGE], rest[PAGE:]
        if len(page) == PAGE and all(s.is_event for s in page):
            service = next((s for s in rest if not s.is_event and s.nearness == page[-1].nearness), None)
            if service is not None:
                rest = [page[-1], *(s for s in rest if s is not service)]
                page = [*page[:-1], service]
        pages += page
    return pages


def _distinct(ordered: list[Suggestion]) -> list[Suggestion]:
    """The same group in two other towns is one suggestion: the nearest, soonest one."""
    seen: set[tuple[bool, str]] = set()
    kept = []
    for suggestion in ordered:
        key = (suggestion.is_event, suggestion.card.name.value)
        if key not in seen:
            seen.add(key)
            kept.append(suggestion)
    return kept


def suggestions_for(
    client: DirectoryClient,
    theme: Theme,
    municipality: places.Municipality | None,
    language: str,
    *,
    now: datetime | None = None,
) -> list[Suggestion]:
    """Every suggestion for the theme in the person's municipality (or online only when it is unknown)."""
    code = municipality.code if municipality else None
    county = municipality.county if municipality else None
    services = client.services_for_theme(
        theme.key, code, language, topics=theme.topics, words=theme.search_words(language), limit=MAX_CANDIDATES
    )
    found = [service_suggestion(card, code) for card in services]
    if county is not None:
        events = client.upcoming_events(
            theme.key, county, language, words=theme.keywords.get(language, ()), now=now, limit=MAX_CANDIDATES
        )
        found += [event_suggestion(card, code) for card in events]
    return ranked(found)


def nothing_nearby(page: list[Suggestion]) -> bool:
    return bool(page) and all(s.nearness != HERE for s in page)
