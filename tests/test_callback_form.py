"""The callback request form as rasa_sdk runs it, in three languages, and its confirmation and cancelling."""

from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet

from actions.callback import ActionAskCallbackWindow, ActionCancelCallback, ActionSubmitCallback, ValidateCallbackForm
from opastin import catalogue
from opastin.handoff.queue import HandoffStore
from tests.conftest import ActionRun, bot_message, make_tracker, new_handoff_store, run_action

# The form's slots emptied, as the submit action leaves them whether it sent the request or not.
EMPTIED = [
    SlotSet("callback_phone", None),
    SlotSet("callback_window", None),
    SlotSet("callback_topic", None),
    SlotSet("callback_status", None),
]


def turn(
    domain,
    text: str,
    requested: str,
    language: str = "fi",
    intent: str = "nlu_fallback",
    store: HandoffStore | None = None,
    **slots,
) -> ActionRun:
    tracker = make_tracker(
        text,
        intent,
        active_loop="callback_form",
        earlier_user_messages=2,
        slots={"language": language, "requested_slot": requested, "notice_given": True, **slots},
    )
    return run_action(ValidateCallbackForm(store), tracker, domain)


@pytest.mark.parametrize(
    "language, text, number",
    [
        ("fi", "040 123 4567", "+358401234567"),
        ("sv", "mitt nummer är 050-555 1234", "+358505551234"),
        ("en", "+358 44 987 6543", "+358449876543"),
    ],
)
def test_a_phone_number_is_held_apart_from_the_conversation(
    domain, store, language: str, text: str, number: str
) -> None:
    events, said = turn(domain, text, "callback_phone", language, store=store)
    # The slot only says a number was given (the stored conversation is redacted); the form asks the next slot.
    assert events == [SlotSet("callback_phone", "given")]
    assert said == []
    assert store.held_phone("test") == number


@pytest.mark.parametrize(
    "language, text, words",
    [
        ("fi", "en kerro", "suomalaiselta puhelinnumerolta"),
        ("sv", "131052-308T", "finländskt telefonnummer"),
        ("en", "+46 70 123 45 67", "Finnish phone number"),
    ],
)
def test_a_wrong_number_is_asked_again_with_the_reason(domain, store, language: str, text: str, words: str) -> None:
    events, said = turn(domain, text, "callback_phone", language, store=store)
    assert events == [SlotSet("callback_phone", None)]
    assert said == [bot_message(catalogue.text("callback_bad_phone", language))]
    assert words in said[0]["text"]
    assert store.held_phone("test") is None


@pytest.mark.parametrize(
    "language, text, window",
    [("fi", "Iltapäivällä (12–16)", "afternoon"), ("sv", "på förmiddagen", "morning"), ("en", "any time", "any")],
)
def test_the_time_window_in_three_languages(domain, language: str, text: str, window: str) -> None:
    events, said = turn(domain, text, "callback_window", language, callback_phone="+358401234567")
    assert events == [SlotSet("callback_window", window)]
    assert said == []


def test_a_window_that_is_not_one_is_asked_again(domain) -> None:
    events, said = turn(domain, "huomenna", "callback_window", callback_phone="+358401234567")
    assert events == [SlotSet("callback_window", None)]
    assert said == [bot_message("Valitse aamupäivä, iltapäivä tai mikä tahansa aika.")]


def test_the_topic_is_one_short_sentence(domain) -> None:
    events, said = turn(
        domain, "Kysymys asiakasmaksusta", "callback_topic", callback_phone="+358401234567", callback_window="any"
    )
    assert events == [SlotSet("callback_topic", "Kysymys asiakasmaksusta")] and said == []
    events, said = turn(domain, "x" * 400, "callback_topic", callback_phone="+358401234567", callback_window="any")
    assert events == [SlotSet("callback_topic", None)]
    assert said == [bot_message(catalogue.text("callback_bad_topic", "fi"))] and "300" in said[0]["text"]


@pytest.mark.parametrize("language, text", [("fi", "peru"), ("sv", "avbryt"), ("en", "cancel")])
def test_the_person_can_stop_the_form(domain, language: str, text: str) -> None:
    events, said = turn(domain, text, "callback_phone", language)
    assert events == [
        SlotSet("callback_phone", None),
        SlotSet("callback_status", "cancelled"),
        SlotSet("requested_slot", None),
    ]  # requested_slot None: the form closes
    assert said == []


def test_a_crisis_is_not_taken_as_an_answer(domain) -> None:
    events, said = turn(
        domain,
        "en jaksa elää",
        "callback_topic",
        intent="crisis_support",
        callback_phone="+358401234567",
        callback_window="any",
    )
    assert events == [] and said == []


def run(action, **slots) -> ActionRun:
    return run_action(action, make_tracker("x", "request_callback", slots=slots))


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    return new_handoff_store(tmp_path)


@pytest.mark.parametrize(
    "language, words, cancelled, nothing",
    [
        (
            "fi",
            "numeroon 040 123 4567 iltapäivällä",
            "Soittopyyntösi on peruttu. Numeroasi ei säilytetä.",
            "Sinulla ei ole tässä keskustelussa soittopyyntöä, jonka voisi perua.",
        ),
        (
            "sv",
            "numret 040 123 4567 på eftermiddagen",
            "Din begäran om uppringning är annullerad. Ditt nummer sparas inte.",
            "Du har ingen begäran om uppringning i det här samtalet som kan annulleras.",
        ),
        (
            "en",
            "at 040 123 4567 in the afternoon",
            "Your callback request is cancelled. Your number is not kept.",
            "There is no callback request in this conversation to cancel.",
        ),
    ],
)
def test_the_request_is_confirmed_back_stored_and_can_be_cancelled(
    store, language: str, words: str, cancelled: str, nothing: str
) -> None:
    store.hold_phone("test", "+358401234567")
    events, said = run(
        ActionSubmitCallback(store),
        language=language,
        municipality="Pori",
        callback_phone="given",
        callback_window="afternoon",
        callback_topic="Laskusta",
    )
    [stored] = store.callbacks("satakunta")  # the county of the person's municipality
    assert (stored.phone, stored.window, stored.language) == ("+358401234567", "afternoon", language)
    # the form's slots are emptied once stored; only the request's id is kept, to cancel it
    assert events == [*EMPTIED, SlotSet("callback_id", stored.id)]
    window = catalogue.text("callback_window_text_afternoon", language)
    assert said == [
        bot_message(
            catalogue.text("callback_confirmed", language, phone="040 123 4567", window=window, topic="Laskusta"),
            [{"title": catalogue.text("button_cancel_callback", language), "payload": "/cancel_callback"}],
        )
    ]
    assert words in said[0]["text"] and "Laskusta" in said[0]["text"]
    assert store.held_phone("test") is None  # sent: the held number is released

    events, said = run(ActionCancelCallback(store), language=language, callback_id=stored.id)
    assert events == [SlotSet("callback_id", None)]
    assert said == [bot_message(cancelled)] and said[0]["text"] == catalogue.text("callback_cancelled", language)
    assert store.callbacks("satakunta") == []

    events, again = run(ActionCancelCallback(store), language=language, callback_id=stored.id)
    assert events == []
    assert again == [bot_message(nothing)]  # nothing left to cancel
    assert again[0]["text"] == catalogue.text("callback_nothing_to_cancel", language)


def test_a_request_of_another_conversation_cannot_be_cancelled(store) -> None:
    callback_id = store.add_callback(
        sender="someone-else",
        county="paijat-hame",
        phone="+358401234567",
        window="any",
        topic="Laskusta",
        language="fi",
    )
    events, said = run(ActionCancelCallback(store), callback_id=callback_id)
    assert events == [] and said == [bot_message(catalogue.text("callback_nothing_to_cancel", "fi"))]
    assert [c.id for c in store.callbacks("paijat-hame")] == [callback_id]


def test_a_cancelled_form_sends_nothing(store) -> None:
    store.hold_phone("test", "+358401234567")
    events, said = run(ActionSubmitCallback(store), callback_status="cancelled", callback_phone="given")
    assert events == EMPTIED
    assert store.held_phone("test") is None
    assert said == [bot_message(catalogue.text("callback_not_sent", "fi"))] and "ei lähetetty" in said[0]["text"]
    assert store.callbacks("paijat-hame") == []


def test_the_time_window_is_asked_with_buttons_that_need_no_guessing() -> None:
    """The labels' hours ("8–12") once read as an emergency number: a press now names the window itself."""
    events, said = run(ActionAskCallbackWindow(), language="sv")
    labels = {"morning": "På förmiddagen (8–12)", "afternoon": "På eftermiddagen (12–16)", "any": "När som helst"}
    assert events == []
    buttons = [
        {"title": label, "payload": f'/request_callback{{"callback_window": "{window}"}}'}
        for window, label in labels.items()
    ]
    assert said == [bot_message(catalogue.text("callback_ask_window", "sv"), buttons)]


@pytest.mark.parametrize("window", ["morning", "afternoon", "any"])
def test_a_pressed_time_button_is_taken_as_it_is(domain, window: str) -> None:
    tracker = make_tracker(
        f'/request_callback{{"callback_window": "{window}"}}',
        "request_callback",
        entities=[{"entity": "callback_window", "value": window}],
        active_loop="callback_form",
        earlier_user_messages=2,
        slots={"requested_slot": "callback_window", "notice_given": True, "callback_phone": "given"},
    )
    events, said = run_action(ValidateCallbackForm(), tracker, domain)
    assert events == [SlotSet("callback_window", window)] and said == []


def test_a_number_given_before_it_was_asked_answers_the_phone_question(domain, store) -> None:
    """ "040 765 1234" on its own starts a callback request (rules_handoff.yml): it is not asked again."""
    tracker = make_tracker(
        "040 765 1234", "give_phone_number", active_loop="callback_form", slots={"notice_given": True}
    )
    events, said = run_action(ValidateCallbackForm(store), tracker, domain)
    assert events == [SlotSet("callback_phone", "given")] and said == []
    assert store.held_phone("test") == "+358407651234"


def test_a_time_typed_with_its_hours_is_not_taken_for_a_new_number(domain, store) -> None:
    """ "Aamupäivällä (8–12)" typed by hand may read as a phone number to the classifier: it still answers the time."""
    events, said = turn(
        domain,
        "Aamupäivällä (8–12)",
        "callback_window",
        intent="give_phone_number",
        store=store,
        callback_phone="given",
    )
    assert events == [SlotSet("callback_window", "morning")] and said == []
