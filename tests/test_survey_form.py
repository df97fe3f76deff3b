"""The questionnaire form as rasa_sdk runs it: each answer, skip, stop, restart, and the safety exits."""
import asyncio
from typing import Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.survey import (
    FORM,
    ActionAskSurveyAnswer,
    ActionAskSurveyPlace,
    ActionStartWellbeingSurvey,
    ValidateWellbeingSurveyForm,
)
from actions.wellbeing.themes import all_themes
from tests.conftest import make_tracker



def answered(count: int, value: str = "not_now") -> dict[str, str]:
    return {t.key: value for t in all_themes()[:count]}


def form_turn(domain, text: str, *, intent: str = "answer_survey", language: str = "fi",
              answers: Optional[dict] = None, requested: str = "survey_answer", entities=None, **slots):
    """One user message while the form asks `requested`; returns the slots set and the messages."""
    tracker = make_tracker(
        text, intent, entities=entities, active_loop=FORM, earlier_user_messages=2,
        slots={"language": language, "requested_slot": requested, "survey_status": "running",
               "survey_answers": answers if answers is not None else {}, "notice_given": True, **slots},
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateWellbeingSurveyForm().run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


@pytest.mark.parametrize(
    "language, text, expected",
    [("fi", "joo kyllä", "regularly"), ("fi", "joskus", "sometimes"), ("fi", "en nyt", "not_now"),
     ("fi", "3 kertaa viikossa", "regularly"), ("fi", "kerran kuussa", "sometimes"),
     ("sv", "ja regelbundet", "regularly"), ("sv", "ibland", "sometimes"), ("sv", "nej inte alls", "not_now"),
     ("sv", "två gånger i veckan", "regularly"),
     ("en", "yes regularly", "regularly"), ("en", "sometimes", "sometimes"), ("en", "not now", "not_now"),
     ("en", "once a month", "sometimes")],
)
def test_a_typed_answer_is_kept_for_its_theme_and_the_text_is_not(domain, language: str, text: str,
                                                                   expected: str) -> None:
    slots, messages = form_turn(domain, text, language=language)
    first = all_themes()[0].key
    assert slots["survey_answers"] == {first: expected}
    assert slots["survey_answer"] is None  # emptied: the form asks the next theme
    # the person's words are not stored in any slot: only the answer's value is
    assert set(slots) <= {"survey_answer", "survey_answers", "requested_slot"}
    assert messages == []


def test_a_button_answers_whatever_its_label_says(domain) -> None:
    slots, _ = form_turn(domain, '/answer_survey{"survey_value": "sometimes"}',
                         entities=[{"entity": "survey_value", "value": "sometimes"}], answers=answered(2))
    assert slots["survey_answers"][all_themes()[2].key] == "sometimes"


def test_the_answer_goes_to_the_theme_being_asked(domain) -> None:
    slots, _ = form_turn(domain, "joskus", answers=answered(3, "regularly"))
    assert slots["survey_answers"] == {**answered(3, "regularly"), all_themes()[3].key: "sometimes"}


@pytest.mark.parametrize("text, language", [("ohita", "fi"), ("hoppa över", "sv"), ("skip", "en"), ("en tiedä", "fi")])
def test_a_question_can_be_skipped(domain, text: str, language: str) -> None:
    slots, _ = form_turn(domain, text, language=language)
    assert slots["survey_answers"] == {all_themes()[0].key: "skip"}


@pytest.mark.parametrize("text, language", [("lopeta", "fi"), ("avbryt", "sv"), ("stop", "en")])
def test_stopping_ends_the_form_at_once(domain, text: str, language: str) -> None:
    slots, _ = form_turn(domain, text, language=language, answers=answered(3))
    assert slots["survey_status"] == "stopped"
    assert slots["requested_slot"] is None  # the form closes; the closing action says so


@pytest.mark.parametrize("text, language, said", [("aloita alusta", "fi", "aloitetaan alusta"),
                                                  ("börja om", "sv", "börjar om"), ("start over", "en", "start again")])
def test_restarting_forgets_the_answers_and_asks_the_first_question_again(domain, text, language, said) -> None:
    slots, messages = form_turn(domain, text, language=language, answers=answered(5))
    assert slots["survey_answers"] == {}
    assert said in messages[0]["text"].lower()


@pytest.mark.parametrize("text, language", [("mikä banaani", "fi"), ("vad kostar det", "sv"), ("purple", "en")])
def test_an_unclear_answer_is_asked_again_with_a_hint(domain, text: str, language: str) -> None:
    slots, messages = form_turn(domain, text, language=language, answers=answered(1))
    assert slots["survey_answer"] is None and "survey_answers" not in slots
    hint = {"fi": "2 kertaa viikossa", "sv": "2 gånger i veckan", "en": "twice a week"}[language]
    assert hint in messages[0]["text"]


@pytest.mark.parametrize("intent, text", [("crisis_support", "en jaksa elää"), ("crisis_support", "I want to die"),
                                          ("emergency", "apua mieheni ei hengitä"), ("human_handoff", "ihminen kiitos")])
def test_a_crisis_or_a_wish_for_a_person_is_not_taken_as_an_answer(domain, intent: str, text: str) -> None:
    """The form sets nothing, so Rasa rejects it and the safety rules answer first."""
    slots, messages = form_turn(domain, text, intent=intent, answers=answered(2))
    assert not {k for k in slots if k != "requested_slot"} and messages == []


def test_after_the_last_theme_the_municipality_is_asked_when_there_is_something_to_suggest(domain) -> None:
    slots, _ = form_turn(domain, "en nyt", answers=answered(len(all_themes()) - 1, "regularly"))
    assert slots["requested_slot"] == "survey_place"


def test_nothing_more_is_asked_when_everything_goes_well(domain) -> None:
    slots, _ = form_turn(domain, "joo kyllä", answers=answered(len(all_themes()) - 1, "regularly"))
    assert slots["requested_slot"] is None


def test_a_known_municipality_is_not_asked_again(domain) -> None:
    slots, _ = form_turn(domain, "en nyt", answers=answered(len(all_themes()) - 1), municipality="Lahti")
    assert slots["requested_slot"] is None


@pytest.mark.parametrize("text, expected", [("Sysmä", "Sysmä"), ("asun Keravalla", "Kerava"), ("i Vanda", "Vantaa")])
def test_the_municipality_is_understood_in_the_form(domain, text: str, expected: str) -> None:
    slots, _ = form_turn(domain, text, intent="nlu_fallback", requested="survey_place",
                         answers=answered(len(all_themes())))
    assert slots["municipality"] == expected
    assert slots["requested_slot"] is None


def test_a_municipality_kept_from_the_message_ends_the_form(domain) -> None:
    """action_validate_slot_mappings already set it from the entity: the form takes it as the answer."""
    slots, _ = form_turn(domain, "Lahti", intent="inform_municipality", requested="survey_place",
                         answers=answered(len(all_themes())), municipality="Lahti")
    assert slots["survey_place"] == "Lahti" and slots["requested_slot"] is None


def test_a_place_outside_the_area_is_asked_again_and_online_only_ends_it(domain) -> None:
    slots, _ = form_turn(domain, "Tampere", requested="survey_place", answers=answered(len(all_themes())))
    assert slots["municipality_unknown"] == "Tampere" and slots["requested_slot"] == "survey_place"
    slots, _ = form_turn(domain, '/answer_survey{"survey_value": "skip"}', requested="survey_place",
                         entities=[{"entity": "survey_value", "value": "skip"}], answers=answered(len(all_themes())))
    assert slots["survey_place_skipped"] is True and slots["requested_slot"] is None


def test_stopping_at_the_place_question_stops(domain) -> None:
    slots, _ = form_turn(domain, "lopeta", requested="survey_place", answers=answered(len(all_themes())))
    assert slots["survey_status"] == "stopped" and slots["requested_slot"] is None


def run_action(action, **slots):
    tracker = make_tracker("x", "answer_survey", active_loop=FORM, slots=slots)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


@pytest.mark.parametrize("language, question, buttons",
                         [("fi", "1/8. Liikutko", ["Kyllä, säännöllisesti", "Joskus", "En nyt", "Ohita", "Lopeta kysely"]),
                          ("sv", "1/8. Rör du", ["Ja, regelbundet", "Ibland", "Inte nu", "Hoppa över", "Avbryt enkäten"]),
                          ("en", "1/8. Do you move", ["Yes, regularly", "Sometimes", "Not now", "Skip", "Stop the survey"])])
def test_each_question_comes_with_its_number_and_answer_buttons(language, question, buttons) -> None:
    _, messages = run_action(ActionAskSurveyAnswer(), language=language, survey_answers={})
    assert messages[0]["text"].startswith(question)
    assert [b["title"] for b in messages[0]["buttons"]] == buttons
    assert messages[0]["buttons"][2]["payload"] == '/answer_survey{"survey_value": "not_now"}'


def test_a_theme_can_have_its_own_answer_labels() -> None:
    sleep_index = [t.key for t in all_themes()].index("sleep")
    _, messages = run_action(ActionAskSurveyAnswer(), language="fi", survey_answers=answered(sleep_index))
    assert [b["title"] for b in messages[0]["buttons"]][:3] == ["Kyllä, yleensä", "Joskus", "En nyt"]


@pytest.mark.parametrize("language, words", [("fi", "nimettömän tilaston"), ("sv", "anonym statistik"),
                                             ("en", "anonymous figures")])
def test_the_privacy_sentence_comes_before_the_first_question(language: str, words: str) -> None:
    slots, messages = run_action(ActionStartWellbeingSurvey(), language=language,
                                 survey_answers={"nature": "not_now"}, survey_status="stopped")
    assert words in messages[-1]["text"]
    assert slots["survey_answers"] == {} and slots["survey_status"] == "running"


def test_the_municipality_question_offers_the_towns_and_an_online_way_out() -> None:
    _, messages = run_action(ActionAskSurveyPlace(), language="sv")
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Lahtis" in titles and titles[-1] == "Visa bara det som finns på nätet"
    _, messages = run_action(ActionAskSurveyPlace(), language="fi", municipality_unknown="Tampere")
    assert messages[0]["text"].startswith("Tampere ei kuulu")
