"""The per-turn state action: language slot, municipality validation and the one-time notice."""

import pytest
from rasa_sdk.events import SlotSet

from actions.conversation import ActionValidateSlotMappings
from opastin import catalogue
from tests.conftest import ActionRun, bot_message, make_tracker, run_action


def run(tracker) -> ActionRun:
    return run_action(ActionValidateSlotMappings(), tracker)


def notice(language: str) -> dict:
    return bot_message(catalogue.text("notice", language))


def test_first_message_detects_the_language_and_gives_the_notice_in_it() -> None:
    events, said = run(make_tracker("Var kan jag boka tid till tandläkaren?", "dental_care"))
    assert events == [SlotSet("language", "sv"), SlotSet("notice_given", True)]
    assert said == [notice("sv")]
    assert "inte en människa" in said[0]["text"] and "personbeteckning" in said[0]["text"]


def test_the_notice_is_given_only_once() -> None:
    events, said = run(make_tracker("kiitos", "thank", slots={"notice_given": True}, earlier_user_messages=2))
    assert events == [SlotSet("language", "fi")]
    assert said == []


@pytest.mark.parametrize("intent", ["emergency", "crisis_support", "urgent_care"])
def test_no_notice_before_the_number_to_call(intent: str) -> None:
    events, said = run(make_tracker("isä ei hengitä", intent))
    assert events == [SlotSet("language", "fi")]
    assert said == []


def test_a_short_reply_keeps_the_conversation_language() -> None:
    events, _ = run(
        make_tracker("ok", "affirm", slots={"language": "en", "notice_given": True}, earlier_user_messages=1)
    )
    assert events == [SlotSet("language", "en")]


def test_a_short_first_reply_is_still_detected() -> None:
    events, said = run(make_tracker("hej", "greet"))
    assert events == [SlotSet("language", "sv"), SlotSet("notice_given", True)]
    assert said == [notice("sv")]


def test_switch_request_changes_the_language_even_when_short() -> None:
    tracker = make_tracker(
        "svenska", "choose_language", slots={"language": "fi", "notice_given": True}, earlier_user_messages=3
    )
    assert run(tracker).events == [SlotSet("language", "sv")]


def test_language_button_entity_changes_the_language() -> None:
    tracker = make_tracker(
        '/choose_language{"language": "en"}',
        "choose_language",
        entities=[{"entity": "language", "value": "en"}],
        slots={"language": "fi", "notice_given": True},
        earlier_user_messages=1,
    )
    assert run(tracker).events == [SlotSet("language", "en")]


def test_page_metadata_sets_the_language_from_the_first_message() -> None:
    events, said = run(make_tracker("moi", "greet", metadata={"language": "en"}))
    assert events == [SlotSet("language", "en"), SlotSet("notice_given", True)]
    assert said == [notice("en")] and "not a person" in said[0]["text"]


def test_place_names_do_not_flip_the_language() -> None:
    tracker = make_tracker(
        "I live in Björneborg now",
        "inform_municipality",
        entities=[{"entity": "municipality", "value": "Pori"}],
        slots={"language": "en", "notice_given": True},
        earlier_user_messages=2,
    )
    assert run(tracker).events == [
        SlotSet("language", "en"),
        SlotSet("municipality", "Pori"),
        SlotSet("municipality_unknown", None),
    ]


@pytest.mark.parametrize("said, expected", [("Lahdessa", "Lahti"), ("Vanda", "Vantaa"), ("Pori", "Pori")])
def test_known_municipalities_are_normalised(said: str, expected: str) -> None:
    events, _ = run(
        make_tracker(f"asun {said}", "inform_municipality", entities=[{"entity": "municipality", "value": said}])
    )
    assert events == [
        SlotSet("language", "fi"),
        SlotSet("municipality", expected),
        SlotSet("municipality_unknown", None),
        SlotSet("notice_given", True),
    ]


@pytest.mark.parametrize("said", ["Nokialla", "Helsingissä", "Atlantis"])
def test_unknown_or_outside_municipalities_are_kept_aside(said: str) -> None:
    events, _ = run(
        make_tracker(
            f"asun {said}",
            "inform_municipality",
            entities=[{"entity": "municipality", "value": said}],
            slots={"municipality": "Lahti"},
        )
    )
    assert events == [
        SlotSet("language", "fi"),
        SlotSet("municipality", None),
        SlotSet("municipality_unknown", said),
        SlotSet("notice_given", True),
    ]


def test_inform_municipality_without_an_entity_uses_the_text() -> None:
    events, _ = run(make_tracker("Euraåminne", "inform_municipality"))
    assert events == [
        SlotSet("language", "fi"),
        SlotSet("municipality", "Eurajoki"),
        SlotSet("municipality_unknown", None),
        SlotSet("notice_given", True),
    ]


def test_odd_unicode_and_huge_messages_do_not_break_the_turn() -> None:
    text = "\u202e\u0000ｈｅｌｌｏ  " + "ääää " * 20000
    events, said = run(make_tracker(text, "nlu_fallback"))
    language = events[0]["value"]
    assert language in {"fi", "sv", "en"}
    assert events == [SlotSet("language", language), SlotSet("notice_given", True)]
    assert said == [notice(language)]
