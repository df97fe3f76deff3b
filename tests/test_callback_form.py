"""The callback request form as rasa_sdk runs it, in three languages, and its confirmation and cancelling."""
import asyncio
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import ActionAskCallbackWindow, ActionCancelCallback, ActionSubmitCallback, ValidateCallbackForm
from tests.conftest import new_handoff_store
from opastin.handoff.queue import HandoffStore
from tests.conftest import make_tracker


def turn(domain, text: str, requested: str, language: str = "fi", intent: str = "nlu_fallback", **slots):
    tracker = make_tracker(text, intent, active_loop="callback_form", earlier_user_messages=2,
                           slots={"language": language, "requested_slot": requested, "notice_given": True, **slots})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateCallbackForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, [m["text"] for m in dispatcher.messages]


@pytest.mark.parametrize("language, text, number", [
    ("fi", "040 123 4567", "+358401234567"), ("sv", "mitt nummer är 050-555 1234", "+358505551234"),
    ("en", "+358 44 987 6543", "+358449876543")])
def test_a_phone_number_is_kept_in_one_form(domain, language: str, text: str, number: str) -> None:
    slots, messages = turn(domain, text, "callback_phone", language)
    assert slots["callback_phone"] == number and messages == []


@pytest.mark.parametrize("language, text, words", [
    ("fi", "en kerro", "suomalaiselta puhelinnumerolta"), ("sv", "131052-308T", "finländskt telefonnummer"),
    ("en", "+46 70 123 45 67", "Finnish phone number")])
def test_a_wrong_number_is_asked_again_with_the_reason(domain, language: str, text: str, words: str) -> None:
    slots, messages = turn(domain, text, "callback_phone", language)
    assert slots["callback_phone"] is None and words in messages[0]


@pytest.mark.parametrize("language, text, window", [
    ("fi", "Iltapäivällä (12–16)", "afternoon"), ("sv", "på förmiddagen", "morning"), ("en", "any time", "any")])
def test_the_time_window_in_three_languages(domain, language: str, text: str, window: str) -> None:
    slots, _ = turn(domain, text, "callback_window", language, callback_phone="+358401234567")
    assert slots["callback_window"] == window


def test_the_topic_is_one_short_sentence(domain) -> None:
    slots, _ = turn(domain, "Kysymys asiakasmaksusta", "callback_topic", callback_phone="+358401234567",
                    callback_window="any")
    assert slots["callback_topic"] == "Kysymys asiakasmaksusta"
    slots, messages = turn(domain, "x" * 400, "callback_topic", callback_phone="+358401234567", callback_window="any")
    assert slots["callback_topic"] is None and "300" in messages[0]


@pytest.mark.parametrize("language, text", [("fi", "peru"), ("sv", "avbryt"), ("en", "cancel")])
def test_the_person_can_stop_the_form(domain, language: str, text: str) -> None:
    slots, _ = turn(domain, text, "callback_phone", language)
    assert slots["callback_status"] == "cancelled" and slots["requested_slot"] is None


def test_a_crisis_is_not_taken_as_an_answer(domain) -> None:
    slots, messages = turn(domain, "en jaksa elää", "callback_topic", intent="crisis_support",
                           callback_phone="+358401234567", callback_window="any")
    assert not {k for k in slots if k != "requested_slot"} and messages == []


def run(action, **slots):
    tracker = make_tracker("x", "request_callback", slots=slots)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    return new_handoff_store(tmp_path)


@pytest.mark.parametrize("language, words", [("fi", "numeroon 040 123 4567 iltapäivällä"),
                                             ("sv", "numret 040 123 4567 på eftermiddagen"),
                                             ("en", "at 040 123 4567 in the afternoon")])
def test_the_request_is_confirmed_back_stored_and_can_be_cancelled(store, language: str, words: str) -> None:
    slots, messages = run(ActionSubmitCallback(store), language=language, municipality="Pori",
                          callback_phone="+358401234567", callback_window="afternoon", callback_topic="Laskusta")
    assert words in messages[0]["text"] and "Laskusta" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/cancel_callback"
    [stored] = store.callbacks("satakunta")  # the county of the person's municipality
    assert (stored.phone, stored.window, stored.language) == ("+358401234567", "afternoon", language)
    assert slots["callback_phone"] is None  # the form's slots are emptied once stored
    _, messages = run(ActionCancelCallback(store), language=language, callback_id=slots["callback_id"])
    assert store.callbacks("satakunta") == []
    _, again = run(ActionCancelCallback(store), language=language, callback_id=slots["callback_id"])
    assert again[0]["text"] != messages[0]["text"]  # nothing left to cancel


def test_a_cancelled_form_sends_nothing(store) -> None:
    _, messages = run(ActionSubmitCallback(store), callback_status="cancelled", callback_phone="+358401234567")
    assert "ei lähetetty" in messages[0]["text"] and store.callbacks("paijat-hame") == []


def test_the_time_window_is_asked_with_buttons_that_say_what_they_send() -> None:
    _, messages = run(ActionAskCallbackWindow(), language="sv")
    assert [b["title"] for b in messages[0]["buttons"]] == [b["payload"] for b in messages[0]["buttons"]]
    assert messages[0]["buttons"][0]["title"] == "På förmiddagen (8–12)"
