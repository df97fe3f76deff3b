"""The per-turn state action: language slot, municipality validation and the one-time notice."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionValidateSlotMappings
from tests.conftest import make_tracker


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionValidateSlotMappings().run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m["text"] for m in dispatcher.messages]


def test_first_message_detects_the_language_and_gives_the_notice_in_it() -> None:
    slots, texts = run(make_tracker("Var kan jag boka tid till tandläkaren?", "dental_care"))
    assert slots["language"] == "sv"
    assert slots["notice_given"] is True
    assert len(texts) == 1 and "inte en människa" in texts[0] and "personbeteckning" in texts[0]


def test_the_notice_is_given_only_once() -> None:
    slots, texts = run(make_tracker("kiitos", "thank", slots={"notice_given": True}, earlier_user_messages=2))
    assert texts == [] and "notice_given" not in slots


@pytest.mark.parametrize("intent", ["emergency", "crisis_support", "urgent_care"])
def test_no_notice_before_the_number_to_call(intent: str) -> None:
    slots, texts = run(make_tracker("isä ei hengitä", intent))
    assert texts == [] and "notice_given" not in slots
    assert slots["language"] == "fi"


def test_a_short_reply_keeps_the_conversation_language() -> None:
    slots, _ = run(make_tracker("ok", "affirm", slots={"language": "en", "notice_given": True}, earlier_user_messages=1))
    assert slots["language"] == "en"


def test_a_short_first_reply_is_still_detected() -> None:
    slots, _ = run(make_tracker("hej", "greet"))
    assert slots["language"] == "sv"


def test_switch_request_changes_the_language_even_when_short() -> None:
    tracker = make_tracker("svenska", "choose_language", slots={"language": "fi", "notice_given": True}, earlier_user_messages=3)
    assert run(tracker)[0]["language"] == "sv"


def test_language_button_entity_changes_the_language() -> None:
    tracker = make_tracker('/choose_language{"language": "en"}', "choose_language",
                           entities=[{"entity": "language", "value": "en"}],
                           slots={"language": "fi", "notice_given": True}, earlier_user_messages=1)
    assert run(tracker)[0]["language"] == "en"


def test_page_metadata_sets_the_language_from_the_first_message() -> None:
    slots, texts = run(make_tracker("moi", "greet", metadata={"language": "en"}))
    assert slots["language"] == "en" and "not a person" in texts[0]


def test_place_names_do_not_flip_the_language() -> None:
    tracker = make_tracker("I live in Björneborg now", "inform_municipality",
                           entities=[{"entity": "municipality", "value": "Pori"}],
                           slots={"language": "en", "notice_given": True}, earlier_user_messages=2)
    assert run(tracker)[0]["language"] == "en"


@pytest.mark.parametrize("said, expected", [("Lahdessa", "Lahti"), ("Vanda", "Vantaa"), ("Pori", "Pori")])
def test_known_municipalities_are_normalised(said: str, expected: str) -> None:
    slots, _ = run(make_tracker(f"asun {said}", "inform_municipality", entities=[{"entity": "municipality", "value": said}]))
    assert slots["municipality"] == expected and slots["municipality_unknown"] is None


@pytest.mark.parametrize("said", ["Nokialla", "Helsingissä", "Atlantis"])
def test_unknown_or_outside_municipalities_are_kept_aside(said: str) -> None:
    slots, _ = run(make_tracker(f"asun {said}", "inform_municipality", entities=[{"entity": "municipality", "value": said}],
                                slots={"municipality": "Lahti"}))
    assert slots["municipality"] is None and slots["municipality_unknown"] == said


def test_inform_municipality_without_an_entity_uses_the_text() -> None:
    slots, _ = run(make_tracker("Euraåminne", "inform_municipality"))
    assert slots["municipality"] == "Eurajoki"


def test_odd_unicode_and_huge_messages_do_not_break_the_turn() -> None:
    text = "\u202e\u0000ｈｅｌｌｏ  " + "ääää " * 20000
    slots, texts = run(make_tracker(text, "nlu_fallback"))
    assert slots["language"] in {"fi", "sv", "en"} and texts
