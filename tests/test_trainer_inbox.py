"""The trainer's inbox: from the tracker store (SQLite and PostgreSQL) to annotated YAML, and back into data/."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from opastin.db import engine_for
from opastin.tracker_store import RedactedSQLTrackerStore
from opastin.trainer import inbox
from opastin.trainer.inbox_select import DEFAULT_LOW_CONFIDENCE, candidates
from opastin.trainer.nlu_yaml import read_examples
from tests.conftest import fresh_postgres_database
from tests.trainer_project import ROOT, changed_lines, copy_project, validate

NOV_30 = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc).timestamp()
JAN_1 = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone.utc).timestamp()


def user(text: str, intent: str, confidence: float, ranking: list[tuple[str, float]] | None = None) -> UserUttered:
    """A user message as Rasa stores it: the intent and the classifier's ranking."""
    ranked = [{"name": name, "confidence": value} for name, value in (ranking or [(intent, confidence)])]
    return UserUttered(text, {"name": intent, "confidence": confidence}, parse_data={"intent_ranking": ranked})


def fallback(text: str, guess: str, confidence: float) -> UserUttered:
    """What the FallbackClassifier leaves: nlu_fallback on top, the classifier's own guess under it."""
    return user(text, "nlu_fallback", 0.4, [("nlu_fallback", 0.4), (guess, confidence), ("greet", 0.05)])


def said(language: str) -> SlotSet:
    return SlotSet("language", language)  # action_validate_slot_mappings sets it after every message


CONVERSATIONS: dict[str, list[Event]] = {
    "web-a": [
        fallback("Voiko täällä pysäköidä?", "find_service", 0.31),
        said("fi"),
        ActionExecuted("utter_fallback"),
        BotUttered("En ymmärtänyt."),
        user("/human_handoff", "human_handoff", 1.0),  # the fallback's button
        said("fi"),
        ActionExecuted("action_request_human"),
    ],
    "web-b": [  # the same question again, in other case and punctuation
        fallback("voiko TÄÄLLÄ pysäköidä", "find_service", 0.28),
        said("fi"),
        ActionExecuted("utter_fallback"),
    ],
    "web-d": [
        fallback("hur parkerar jag vid sjukhuset", "find_service", 0.22),
        said("sv"),
        ActionExecuted("utter_fallback"),
        user("tack", "thank", 0.99),
        said("sv"),
    ],
    "web-e": [
        user("hello", "greet", 0.99),
        said("en"),
        user("can I bring my dog to the clinic", "out_of_scope", 0.45),
        said("en"),
        user("/request_callback", "request_callback", 1.0),
        said("en"),
        ActiveLoop("callback_form"),
        user("aamupäivällä kiitos", "request_callback", 0.3),  # an answer to the form: the form reads it
        said("en"),
        ActionExecuted("callback_form"),
        ActiveLoop(None),
        user("where do I renew a prescription online", "prescription_renewal", 0.9),  # 3 messages before
        said("en"),
        user("and for my mother then", "prescription_renewal", 0.8),
        said("en"),
        user("that did not help at all", "deny", 0.9),
        said("en"),
        user("/human_handoff", "human_handoff", 1.0),
        said("en"),
    ],
    "web-f": [
        user("no hei", "greet", 0.5),  # in data/nlu/fi/core.yml: left out
        said("fi"),
        user("Moro vaan sinne", "greet", 0.55),  # in the held-out set: left out
        said("fi"),
        user("mitä kuuluu botti", "greet", 0.7),  # sure enough
        said("fi"),
    ],
}
# Written by a store without redaction (an older one, or a copy): the inbox redacts again.
UNREDACTED = [
    user("mun numero on 040 123 4567 ja hetu 010190-123A, tarviin ajan", "book_appointment", 0.52),
    said("fi"),
    ActionExecuted("action_show_services"),
    user("Haluan puhua ihmisen kanssa", "human_handoff", 0.97),
    said("fi"),
]
OLD = [fallback("onko pysäköinti maksullista", "client_fees", 0.3), said("fi"), ActionExecuted("utter_fallback")]


def save(url: str, domain: Domain, sender: str, events: list[Event], start: float) -> None:
    tracker = DialogueStateTracker(sender, domain.slots)
    for number, event in enumerate([ActionExecuted("action_listen"), *events]):
        event.timestamp = start + number
        tracker.update(event)
    asyncio.run(RedactedSQLTrackerStore(domain=domain, url=url).save(tracker))


def save_unredacted(url: str, sender: str, events: list[Event], start: float) -> None:
    with engine_for(url).begin() as connection:
        for number, event in enumerate(events):
            data = {**event.as_dict(), "timestamp": start + number}
            connection.execute(
                inbox.EVENTS.insert().values(
                    sender_id=sender, type_name=event.type_name, timestamp=start + number, data=json.dumps(data)
                )
            )


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, domain: Domain) -> Iterator[str]:
    """A tracker store with the conversations above (on SQLite, or a fresh PostgreSQL database)."""

    def seeded(url: str) -> str:
        for sender, events in CONVERSATIONS.items():
            save(url, domain, sender, events, NOV_30)
        save_unredacted(url, "web-c", UNREDACTED, NOV_30)
        save(url, domain, "web-g", OLD, JAN_1)
        return url

    if request.param == "sqlite":
        yield seeded(f"sqlite:///{tmp_path / 'tracker.db'}")
    else:
        with fresh_postgres_database() as url:
            yield seeded(url)


def header(language: str, different: int, total: int, path: Path) -> str:
    return (
        f"# Trainer inbox ({language}): {different} different messages ({total} in all) that fell back,\n"
        "# had an intent confidence below 0.60 or were followed by a request for a person. Redacted.\n"
        "# Move each example under the intent it means (add a `- intent:` block if none fits) and delete\n"
        "# those not worth learning: every example left here is learned under the intent above it.\n"
        f"# Then: make inbox-accept FILE={path}, make train, make test.\n"
        "# After each example: times seen, why it is here, the lowest confidence the model gave it.\n"
        'version: "3.1"\n'
    )


def test_the_inbox_has_what_was_not_understood_redacted_folded_and_grouped(store: str, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    lines = inbox.export(store, folder)

    assert (folder / "fi.yml").read_text(encoding="utf-8") == header("fi", 3, 4, folder / "fi.yml") + (
        "nlu:\n"
        "- intent: find_service\n"
        "  examples:\n"
        '  - text: "Voiko täällä pysäköidä?"  # 2x fallback, handoff_after, low_confidence, confidence 0.28\n'
        "- intent: book_appointment\n"
        "  examples:\n"
        '  - text: "mun numero on [PHONE] ja hetu [HETU], tarviin ajan"  # 1x handoff_after, low_confidence,'
        " confidence 0.52\n"
        "- intent: client_fees\n"
        "  examples:\n"
        '  - text: "onko pysäköinti maksullista"  # 1x fallback, low_confidence, confidence 0.30\n'
    )
    assert (folder / "sv.yml").read_text(encoding="utf-8") == header("sv", 1, 1, folder / "sv.yml") + (
        "nlu:\n"
        "- intent: find_service\n"
        "  examples:\n"
        '  - text: "hur parkerar jag vid sjukhuset"  # 1x fallback, low_confidence, confidence 0.22\n'
    )
    assert (folder / "en.yml").read_text(encoding="utf-8") == header("en", 3, 3, folder / "en.yml") + (
        "nlu:\n"
        "- intent: deny\n"
        "  examples:\n"
        '  - text: "that did not help at all"  # 1x handoff_after, confidence 0.90\n'
        "- intent: out_of_scope\n"
        "  examples:\n"
        '  - text: "can I bring my dog to the clinic"  # 1x low_confidence, confidence 0.45\n'
        "- intent: prescription_renewal\n"
        "  examples:\n"
        '  - text: "and for my mother then"  # 1x handoff_after, confidence 0.80\n'
    )
    assert (folder / "counts.csv").read_text(encoding="utf-8") == (
        "language,intent,reason,messages,examples\n"
        "fi,book_appointment,handoff_after,1,1\n"
        "fi,client_fees,fallback,1,1\n"
        "fi,find_service,fallback,2,1\n"
        "sv,find_service,fallback,1,1\n"
        "en,deny,handoff_after,1,1\n"
        "en,out_of_scope,low_confidence,1,1\n"
        "en,prescription_renewal,handoff_after,1,1\n"
    )
    assert lines == [
        "language  intent                reason          messages  examples",
        "fi        book_appointment      handoff_after          1         1",
        "fi        client_fees           fallback               1         1",
        "fi        find_service          fallback               2         1",
        "sv        find_service          fallback               1         1",
        "en        deny                  handoff_after          1         1",
        "en        out_of_scope          low_confidence         1         1",
        "en        prescription_renewal  handoff_after          1         1",
        "total                                                  8         7",
        "Left out: 2 already in the training data or the held-out set",
        f"Written: {folder / 'fi.yml'}, {folder / 'sv.yml'}, {folder / 'en.yml'} and counts.csv",
    ]
    everything = "".join(path.read_text(encoding="utf-8") for path in folder.iterdir())
    assert "040 123 4567" not in everything and "010190" not in everything
    for language in ("fi", "sv", "en"):  # what Rasa reads: the files are NLU data as they stand
        from rasa.shared.nlu.training_data.loading import load_data

        assert len(load_data(str(folder / f"{language}.yml")).intent_examples) == {"fi": 3, "sv": 1, "en": 3}[language]


def test_since_and_min_count_narrow_the_inbox(store: str, tmp_path: Path) -> None:
    lines = inbox.export(store, tmp_path / "since", since=datetime.datetime(2026, 6, 1))
    assert "client_fees" not in (tmp_path / "since" / "fi.yml").read_text(encoding="utf-8")  # said in January
    assert lines[-3] == "total                                                  7         6"

    lines = inbox.export(store, tmp_path / "often", min_count=2)
    assert read_examples(tmp_path / "often" / "fi.yml") == [("find_service", "Voiko täällä pysäköidä?")]
    assert read_examples(tmp_path / "often" / "sv.yml") == []
    assert lines[-2] == "Left out: 2 already in the training data or the held-out set, 6 seen fewer than 2 times"


def test_a_higher_threshold_counts_more_messages_as_unsure() -> None:
    events = [e.as_dict() for e in [user("mitä kuuluu botti", "greet", 0.7), said("fi")]]
    assert candidates(events) == []
    [found] = candidates(events, low_confidence=0.75)
    assert (found.text, found.language, found.intent, found.reasons) == (
        "mitä kuuluu botti",
        "fi",
        "greet",
        ("low_confidence",),
    )
    assert 0.4 < DEFAULT_LOW_CONFIDENCE  # above config.yml's FallbackClassifier threshold


def test_accepting_an_annotated_inbox_files_what_the_trainer_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inbox"
    inbox.export(f"sqlite:///{tmp_path / 'empty.db'}", folder)  # a store with nothing: empty files
    assert read_examples(folder / "fi.yml") == []
    project = copy_project(tmp_path / "project")
    annotated = folder / "fi.yml"
    annotated.write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: client_fees\n  examples:\n"
        '  - text: "onko pysäköinti maksullista"  # 1x fallback, low_confidence, confidence 0.30\n'
        "- intent: book_appointment\n  examples:\n"
        '  - text: "tarvitsen ajan, numeroni on 040 123 4567"  # corrected from find_service\n'
        "- intent: find_service\n  examples:\n",  # the trainer deleted this block's only example
        encoding="utf-8",
    )
    before = (project / "data/nlu/fi/services.yml").read_text(encoding="utf-8")

    assert inbox.accept(annotated, project) == 0

    inserted = changed_lines(before, (project / "data/nlu/fi/services.yml").read_text(encoding="utf-8"))
    assert [line for _, line in inserted] == [
        "    - tarvitsen ajan, numeroni on [PHONE]",
        "    - onko pysäköinti maksullista",
    ]
    assert capsys.readouterr().out.splitlines() == [
        "Filed 2 example(s):",
        "  data/nlu/fi/services.yml  client_fees  + onko pysäköinti maksullista",
        "  data/nlu/fi/services.yml  book_appointment  + tarvitsen ajan, numeroni on [PHONE]",
        "Next: make train, then make test (the held-out floor is the gate).",
    ]
    assert inbox.accept(annotated, project) == 0  # accepting twice adds nothing
    assert "already in data/nlu/fi/services.yml under client_fees" in capsys.readouterr().out
    validate(project)


def test_a_form_answer_counts_only_when_it_broke_out_of_the_form() -> None:
    events = [
        ActiveLoop("callback_form"),
        user("iltapäivä käy", "request_callback", 0.3),
        said("fi"),
        ActionExecuted("callback_form"),  # the form took it
        user("en tiedä mitä tähän pitää kirjoittaa", "out_of_scope", 0.5),
        said("fi"),
        ActionExecutionRejected("callback_form"),  # the classifier's intent won over the form
        ActionExecuted("utter_out_of_scope"),
    ]
    assert [(c.text, c.reasons) for c in candidates([e.as_dict() for e in events])] == [
        ("en tiedä mitä tähän pitää kirjoittaa", ("low_confidence",))
    ]
