"""SQLAlchemy models in the shape of the Suomi.fi service catalogue (PTV).

Names follow PTV (service, service channel, service hours, …) so that a PTV importer maps its
JSON onto these tables one to one. Texts are rows per language, as in PTV, because many exist
only in Finnish and the assistant must know when it falls back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

# Any: SQLAlchemy 1.4's declarative base is not typed without its mypy plugin.
Base: Any = declarative_base()

service_channels = Table(
    "service_service_channels",
    Base.metadata,
    Column("service_id", String(64), ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("channel_id", String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), primary_key=True),
)


class _TextColumns:
    """A text of one kind in one language: PTV keeps names and descriptions as such lists."""

    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)  # Name | Summary | Description
    language = Column(String(8), nullable=False)
    value = Column(Text, nullable=False)


class County(Base):
    """A wellbeing services county; PTV has no such area type, so it is its municipalities."""

    __tablename__ = "counties"
    code = Column(String(32), primary_key=True)
    name_fi = Column(String(200), nullable=False)
    name_sv = Column(String(200), nullable=False)
    name_en = Column(String(200), nullable=False)
    web_url = Column(String(500))
    is_sample = Column(Boolean, nullable=False, default=True)
    municipalities = relationship("Municipality", back_populates="county")


class Municipality(Base):
    __tablename__ = "municipalities"
    code = Column(String(3), primary_key=True)
    name_fi = Column(String(100), nullable=False)
    name_sv = Column(String(100), nullable=False)
    county_code = Column(String(32), ForeignKey("counties.code"), index=True)
    county = relationship("County", back_populates="municipalities")


class Organization(Base):
    __tablename__ = "organizations"
    id = Column(String(64), primary_key=True)
    name_fi = Column(String(300), nullable=False)
    name_sv = Column(String(300))
    name_en = Column(String(300))
    county_code = Column(String(32), ForeignKey("counties.code"), index=True)


class Service(Base):
    __tablename__ = "services"
    id = Column(String(64), primary_key=True)
    source = Column(String(16), nullable=False, default="seed")  # seed | ptv
    # The county whose import brought the service (None for the seed's): a re-import replaces its own.
    county_code = Column(String(32), ForeignKey("counties.code"), index=True)
    topic = Column(String(64), nullable=False, index=True)  # the assistant intent it answers
    charge_type = Column(String(32))  # Chargeable | FreeOfCharge
    funding_type = Column(String(32), default="PubliclyFunded")
    area_type = Column(String(32), nullable=False, default="LimitedType")  # Nationwide | LimitedType
    organization_id = Column(String(64), ForeignKey("organizations.id"), index=True)
    is_sample = Column(Boolean, nullable=False, default=True)
    priority = Column(Integer, nullable=False, default=100)  # lower first among equals
    # Open to anyone without referral or booking (a drop-in meeting place, a library); PTV has no
    # such field, so an importer leaves it False and the county sets it where it knows.
    low_threshold = Column(Boolean, nullable=False, default=False)
    texts = relationship("ServiceText", cascade="all, delete-orphan", lazy="selectin")
    keywords = relationship("ServiceKeyword", cascade="all, delete-orphan")
    themes = relationship("ServiceTheme", cascade="all, delete-orphan", lazy="selectin")
    areas = relationship("ServiceArea", cascade="all, delete-orphan")
    channels = relationship("ServiceChannel", secondary=service_channels, back_populates="services")


class ServiceText(_TextColumns, Base):
    __tablename__ = "service_texts"
    service_id = Column(String(64), ForeignKey("services.id", ondelete="CASCADE"), index=True, nullable=False)


class ServiceKeyword(Base):
    __tablename__ = "service_keywords"
    id = Column(Integer, primary_key=True)
    service_id = Column(String(64), ForeignKey("services.id", ondelete="CASCADE"), index=True, nullable=False)
    language = Column(String(8), nullable=False)
    value = Column(String(200), nullable=False)


class ServiceTheme(Base):
    """A wellbeing theme the service supports (the "Mitä sinulle kuuluu?" card's areas of life)."""

    __tablename__ = "service_themes"
    service_id = Column(String(64), ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    theme = Column(String(64), primary_key=True)


class ServiceArea(Base):
    __tablename__ = "service_areas"
    service_id = Column(String(64), ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    municipality_code = Column(String(3), ForeignKey("municipalities.code"), primary_key=True, index=True)


class SearchTerm(Base):
    """Stemmed words of a service's names and keywords, for free-text search in SQLite and PostgreSQL alike."""

    __tablename__ = "service_search_terms"
    service_id = Column(String(64), ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(8), primary_key=True)
    term = Column(String(100), primary_key=True, index=True)


class ServiceChannel(Base):
    __tablename__ = "service_channels"
    id = Column(String(64), primary_key=True)
    channel_type = Column(String(32), nullable=False)  # ServiceLocation | Phone | WebPage | EChannel
    source = Column(String(16), nullable=False, default="seed")  # seed | ptv | linkedevents
    organization_id = Column(String(64), ForeignKey("organizations.id"), index=True)
    municipality_code = Column(String(3), ForeignKey("municipalities.code"), index=True)  # where a location is
    is_sample = Column(Boolean, nullable=False, default=True)
    texts = relationship("ChannelText", cascade="all, delete-orphan", lazy="selectin")
    phones = relationship("ChannelPhone", cascade="all, delete-orphan", lazy="selectin")
    web_pages = relationship("ChannelWebPage", cascade="all, delete-orphan", lazy="selectin")
    addresses = relationship("ChannelAddress", cascade="all, delete-orphan", lazy="selectin")
    service_hours = relationship("ServiceHour", cascade="all, delete-orphan", lazy="selectin")
    services = relationship("Service", secondary=service_channels, back_populates="channels")


class ChannelText(_TextColumns, Base):
    __tablename__ = "service_channel_texts"
    channel_id = Column(String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), index=True, nullable=False)


class ChannelPhone(Base):
    __tablename__ = "service_channel_phones"
    id = Column(Integer, primary_key=True)
    channel_id = Column(String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), index=True, nullable=False)
    number = Column(String(40), nullable=False)  # as dialled in Finland, e.g. "09 2525 0111"
    prefix_number = Column(String(8), default="+358")
    phone_type = Column(String(16), nullable=False, default="Phone")  # Phone | Sms | Fax
    charge_type = Column(String(32), default="Chargeable")  # Chargeable (local rate) | FreeOfCharge | Other
    language = Column(String(8))  # None = all languages
    additional_info = Column(String(300))


class ChannelWebPage(Base):
    __tablename__ = "service_channel_web_pages"
    id = Column(Integer, primary_key=True)
    channel_id = Column(String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), index=True, nullable=False)
    url = Column(String(500), nullable=False)
    language = Column(String(8))


class ChannelAddress(Base):
    __tablename__ = "service_channel_addresses"
    id = Column(Integer, primary_key=True)
    channel_id = Column(String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), index=True, nullable=False)
    address_type = Column(String(16), nullable=False, default="Location")  # Location | Postal
    language = Column(String(8), nullable=False, default="fi")
    street = Column(String(200), nullable=False)
    street_number = Column(String(20))
    postal_code = Column(String(5))
    post_office = Column(String(100))
    municipality_code = Column(String(3), ForeignKey("municipalities.code"))
    latitude = Column(Float)  # WGS84 degrees (PTV gives ETRS-TM35FIN: converted on import)
    longitude = Column(Float)


class ServiceHour(Base):
    __tablename__ = "service_hours"
    __table_args__ = (UniqueConstraint("id"),)
    id = Column(Integer, primary_key=True)
    channel_id = Column(String(64), ForeignKey("service_channels.id", ondelete="CASCADE"), index=True, nullable=False)
    hour_type = Column(String(32), nullable=False, default="DaysOfTheWeek")  # DaysOfTheWeek | Exceptional
    valid_from = Column(Date)
    valid_to = Column(Date)
    is_closed = Column(Boolean, nullable=False, default=False)
    is_always_open = Column(Boolean, nullable=False, default=False)
    opening_hours = relationship("OpeningHour", cascade="all, delete-orphan", lazy="selectin")


class OpeningHour(Base):
    __tablename__ = "opening_hours"
    id = Column(Integer, primary_key=True)
    service_hour_id = Column(Integer, ForeignKey("service_hours.id", ondelete="CASCADE"), index=True, nullable=False)
    day_from = Column(Integer, nullable=False)  # 0 = Monday … 6 = Sunday
    day_to = Column(Integer, nullable=False)
    from_time = Column(Time, nullable=False)
    to_time = Column(Time, nullable=False)


class Event(Base):
    """One occurrence of an event, in the shape of Linked Events.

    A recurring group is a series of occurrences sharing `super_event_id` (Linked Events'
    `super_event`), so that "every Tuesday" can be shown once with its next date. Times are UTC
    without a zone (SQLite keeps no zones), as Linked Events' `start_time`/`end_time` are UTC.
    """

    __tablename__ = "events"
    id = Column(String(160), primary_key=True)
    source = Column(String(16), nullable=False, default="seed")  # seed | linkedevents
    super_event_id = Column(String(160), index=True)
    every_weeks = Column(Integer)  # 1 weekly, 2 every other week, None a single event
    start_time = Column(DateTime, nullable=False, index=True)
    end_time = Column(DateTime)
    event_status = Column(String(32), nullable=False, default="EventScheduled")  # | EventCancelled | EventPostponed
    county_code = Column(String(32), ForeignKey("counties.code"), index=True)
    municipality_code = Column(String(3), ForeignKey("municipalities.code"), index=True)  # None = online
    location_id = Column(String(64), ForeignKey("service_channels.id", ondelete="SET NULL"))
    is_online = Column(Boolean, nullable=False, default=False)
    is_free = Column(Boolean, nullable=False, default=True)
    registration_required = Column(Boolean, nullable=False, default=False)
    audience_min_age = Column(Integer)
    audience_max_age = Column(Integer)
    info_url = Column(String(500))
    is_sample = Column(Boolean, nullable=False, default=True)
    texts = relationship("EventText", cascade="all, delete-orphan", lazy="selectin")
    keywords = relationship("EventKeyword", cascade="all, delete-orphan")
    themes = relationship("EventTheme", cascade="all, delete-orphan", lazy="selectin")
    location = relationship("ServiceChannel", lazy="selectin")


class EventText(_TextColumns, Base):
    """Name | ShortDescription | Price | Provider | PlaceName, per language."""

    __tablename__ = "event_texts"
    event_id = Column(String(160), ForeignKey("events.id", ondelete="CASCADE"), index=True, nullable=False)


class EventKeyword(Base):
    __tablename__ = "event_keywords"
    id = Column(Integer, primary_key=True)
    event_id = Column(String(160), ForeignKey("events.id", ondelete="CASCADE"), index=True, nullable=False)
    language = Column(String(8), nullable=False)
    value = Column(String(200), nullable=False)


class EventTheme(Base):
    __tablename__ = "event_themes"
    event_id = Column(String(160), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    theme = Column(String(64), primary_key=True, index=True)


class ImportState(Base):
    """The last successful import of a county from a source: the next run fetches only what changed since."""

    __tablename__ = "import_state"
    county_code = Column(String(32), primary_key=True)
    source = Column(String(16), primary_key=True)  # ptv | linkedevents
    last_success = Column(DateTime, nullable=False)  # UTC, the time the run started
    items = Column(Integer, nullable=False, default=0)  # services or events the county holds from the source after it
