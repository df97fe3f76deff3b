"""A synthetic November 2026 for the figures' tests: conversations written through the real tracker store,
hand-overs and callbacks in the hand-over store, questionnaire answers and feedback in the reporting store.

The expected figures below follow from the seed by hand, not from the code under test.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from opastin import figures
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import Callback, Handoff
from opastin.tracker_store import RedactedSQLTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[1] / "domain.yml"))
FINLAND = ZoneInfo("Europe/Helsinki")
MONTH = "2026-11"
PHARMACY = [
    "missä on lähin apteekki",
    "Missä on lähin apteekki?",
    "missä apteekki on",
    "lähin apteekki lahdessa",
    "missä on apteekki, soita 040 123 4567",
    "missä on lähin apteekki",
    "apteekki missä on",
]


def at(day: date, hour: int, minute: int = 0) -> float:
    """Epoch seconds of a Finnish wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=FINLAND).timestamp()


def turn(
    when: float, text: str, intent: str, channel: str, action: str, slots: Mapping[str, str | None] | None = None
) -> list[Event]:
    """One message and the bot's answer, with the slots the turn set."""
    events: list[Event] = [
        UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=when, input_channel=channel)
    ]
    events += [SlotSet(name, value, timestamp=when + 0.1) for name, value in (slots or {}).items()]
    events += [ActionExecuted(action, timestamp=when + 0.2), BotUttered("…", timestamp=when + 0.3)]
    events.append(ActionExecuted("action_listen", timestamp=when + 0.4))
    return events


def save(store: RedactedSQLTrackerStore, events: list[Event]) -> None:
    tracker = DialogueStateTracker(f"conv-{uuid.uuid4().hex}", DOMAIN.slots)
    for event in [ActionExecuted("action_listen", timestamp=events[0].timestamp - 1), *events]:
        tracker.update(event)
    if running_loop():  # under Playwright's sync API, whose event loop runs in this thread
        with ThreadPoolExecutor(1) as worker:
            worker.submit(asyncio.run, store.save(tracker)).result()
    else:
        asyncio.run(store.save(tracker))


def running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def seed_conversations(tracker_url: str) -> None:
    store = RedactedSQLTrackerStore(domain=DOMAIN, url=tracker_url)
    nov = lambda n: date(2026, 11, n)  # noqa: E731
    for n in range(12):  # relatives in Lahti asking about dental care in the web chat, answered by the bot
        slots = {"language": "fi", "municipality": "Lahti", "role": "relative"}
        save(
            store,
            turn(at(nov(3), 9, n), "hammaslääkäri lahdessa", "dental_care", "webchat", "action_show_services", slots),
        )
    for n in range(6):  # people in Heinola on Telegram, in Swedish, about elderly care, asking for a person
        events = turn(
            at(nov(10), 10, n),
            "äldreomsorg i Heinola",
            "elderly_services",
            "telegram",
            "action_show_services",
            {"language": "sv", "municipality": "Heinola", "role": "self"},
        )
        events += turn(
            at(nov(10), 10, n) + 30,
            "jag vill prata med en människa",
            "human_handoff",
            "telegram",
            "action_offer_human_contact",
        )
        save(store, events)
    for n in range(3):  # in English by SMS, no place, a callback left
        events = turn(
            at(nov(17), 12, n),
            "phone number of the health centre",
            "contact_info",
            "sms",
            "action_show_services",
            {"language": "en"},
        )
        events += turn(
            at(nov(17), 12, n) + 60,
            "/request_callback",
            "request_callback",
            "sms",
            "action_submit_callback",
            {"callback_id": f"cb{n}"},
        )
        save(store, events)
    for n, text in enumerate(PHARMACY):  # questions the bot did not understand (one with a phone number)
        save(
            store,
            turn(
                at(nov(20), 14, n),
                text,
                "nlu_fallback",
                "webchat",
                "utter_fallback",
                {"language": "fi", "municipality": "Lahti"},
            ),
        )
    for n in range(2):  # Vantaa: another county's contacts
        save(
            store,
            turn(
                at(nov(5), 9, n),
                "terveysasema vantaalla",
                "find_service",
                "webchat",
                "action_show_services",
                {"language": "fi", "municipality": "Vantaa"},
            ),
        )
    # Across midnight: the October evening is October's; the November morning is one contact on 1 November.
    save(
        store,
        turn(at(date(2026, 10, 31), 23, 50), "hei", "greet", "webchat", "utter_greet", {"language": "fi"})
        + turn(at(nov(1), 0, 10), "kiitos", "thank", "webchat", "utter_thank"),
    )
    # Finnish time decides the day: 23.30 on 30 November is November, 00.30 on 1 December is not.
    save(
        store,
        turn(at(nov(30), 23, 30), "rokotukset", "vaccinations", "webchat", "action_show_services", {"language": "fi"}),
    )
    save(
        store,
        turn(
            at(date(2026, 12, 1), 0, 30),
            "rokotukset",
            "vaccinations",
            "webchat",
            "action_show_services",
            {"language": "fi"},
        ),
    )


def seed_handoffs(store: HandoffStore) -> None:
    """Six live chats taken after 2, 4, 6, 8, 10 and 30 minutes (median 7.0), rated 5 5 4 4 4 2; one never taken;
    three callbacks of which two were done; one live chat in Vantaa."""
    start = datetime(2026, 11, 12, 8, 0)  # UTC
    waits, ratings = [2, 4, 6, 8, 10, 30], [5, 5, 4, 4, 4, 2]
    with store.session() as session, session.begin():
        for n, (wait, rating) in enumerate(zip(waits, ratings, strict=True)):
            created = start + timedelta(hours=n)
            session.add(
                Handoff(
                    id=uuid.uuid4().hex,
                    sender="erased",
                    county="paijat-hame",
                    language="fi",
                    status="closed",
                    created=created,
                    taken=created + timedelta(minutes=wait),
                    preparation_rating=rating,
                )
            )
        session.add(
            Handoff(
                id=uuid.uuid4().hex,
                sender="erased",
                county="paijat-hame",
                language="fi",
                status="expired",
                created=start,
            )
        )
        session.add(
            Handoff(
                id=uuid.uuid4().hex,
                sender="erased",
                county="vantaa-kerava",
                language="fi",
                status="closed",
                created=start,
                taken=start + timedelta(minutes=1),
                preparation_rating=1,
            )
        )
        for n, status in enumerate(("done", "done", "waiting")):
            session.add(
                Callback(
                    id=uuid.uuid4().hex,
                    county="paijat-hame",
                    window="any",
                    language="en",
                    status=status,
                    created=datetime(2026, 11, 17, 10, n),
                )
            )


def seed_answers_and_feedback(reporting_url: str) -> None:
    for _ in range(5):
        figures.record_wellbeing_answers(
            {"mood": "not_now", "nature": "regularly"}, "398", date(2026, 11, 8), url=reporting_url
        )
    for _ in range(2):
        figures.record_wellbeing_answers({"culture": "not_now"}, "111", date(2026, 11, 9), url=reporting_url)
    for _ in range(3):  # Vantaa's answers are not Päijät-Häme's
        figures.record_wellbeing_answers({"mood": "not_now"}, "092", date(2026, 11, 9), url=reporting_url)
    for n in range(6):
        figures.record_feedback(1, None, "fi", day=date(2026, 11, 1 + n), url=reporting_url)
    figures.record_feedback(-1, "Ei löytynyt, soittakaa 040 765 4321", "fi", day=date(2026, 11, 21), url=reporting_url)
    figures.record_feedback(-1, None, "sv", day=date(2026, 11, 22), url=reporting_url)
    figures.record_feedback(1, None, "fi", day=date(2026, 10, 31), url=reporting_url)  # October's
