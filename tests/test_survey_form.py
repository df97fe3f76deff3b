"""The questionnaire form as rasa_sdk runs it: each answer, skip, stop, restart, and the safety exits."""

import pytest
from rasa_sdk.events import SlotSet

from actions.survey import (
    FORM,
    ActionAskSurveyAnswer,
    ActionAskSurveyPlace,
    ActionStartWellbeingSurvey,
    ValidateWellbeingSurveyForm,
)
from actions.wellbeing.themes import all_themes
from opastin import catalogue
from tests.conftest import ActionRun, bot_message, make_tracker, run_action

VALUES = ["regularly", "sometimes", "not_now", "skip", "stop"]  # what the answer buttons send, in order


def answered(count: int, value: str = "not_now") -> dict[str, str]:
    return {t.key: value for t in all_themes()[:count]}


def form_turn(
    domain,
    text: str,
    *,
    intent: str = "answer_survey",
    language: str = "fi",
    answers: dict | None = None,
    requested: str = "survey_answer",
    entities=None,
    **slots,
) -> ActionRun:
    """One user message while the form asks `requested`: the form validation's events and messages."""
    tracker = make_tracker(
        text,
        intent,
        entities=entities,
        active_loop=FORM,
        earlier_user_messages=2,
        slots={
            "language": language,
            "requested_slot": requested,
            "survey_status": "running",
            "survey_answers": answers if answers is not None else {},
            "notice_given": True,
            **slots,
        },
    )
    return run_action(ValidateWellbeingSurveyForm(), tracker, domain)


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("fi", "joo kyllä", "regularly"),
        ("fi", "joskus", "sometimes"),
        ("fi", "en nyt", "not_now"),
        ("fi", "3 kertaa viikossa", "regularly"),
        ("fi", "kerran kuussa", "sometimes"),
        ("sv", "ja regelbundet", "regularly"),
        ("sv", "ibland", "sometimes"),
        ("sv", "nej inte alls", "not_now"),
        ("sv", "två gånger i veckan", "regularly"),
        ("en", "yes regularly", "regularly"),
        ("en", "sometimes", "sometimes"),
        ("en", "not now", "not_now"),
        ("en", "once a month", "sometimes"),
    ],
)
def test_a_typed_answer_is_kept_for_its_theme_and_the_text_is_not(
    domain, language: str, text: str, expected: str
) -> None:
    events, said = form_turn(domain, text, language=language)
    first = all_themes()[0].key
    # survey_answer is emptied, so the form asks the next theme; the person's words are in no slot
    assert events == [SlotSet("survey_answer", None), SlotSet("survey_answers", {first: expected})]
    assert said == []


def test_a_button_answers_whatever_its_label_says(domain) -> None:
    events, said = form_turn(
        domain,
        '/answer_survey{"survey_value": "sometimes"}',
        entities=[{"entity": "survey_value", "value": "sometimes"}],
        answers=answered(2),
    )
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_answers", {**answered(2), all_themes()[2].key: "sometimes"}),
    ]
    assert said == []


def test_the_answer_goes_to_the_theme_being_asked(domain) -> None:
    events, _ = form_turn(domain, "joskus", answers=answered(3, "regularly"))
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_answers", {**answered(3, "regularly"), all_themes()[3].key: "sometimes"}),
    ]


@pytest.mark.parametrize("text, language", [("ohita", "fi"), ("hoppa över", "sv"), ("skip", "en"), ("en tiedä", "fi")])
def test_a_question_can_be_skipped(domain, text: str, language: str) -> None:
    events, said = form_turn(domain, text, language=language)
    assert events == [SlotSet("survey_answer", None), SlotSet("survey_answers", {all_themes()[0].key: "skip"})]
    assert said == []


@pytest.mark.parametrize("text, language", [("lopeta", "fi"), ("avbryt", "sv"), ("stop", "en")])
def test_stopping_ends_the_form_at_once(domain, text: str, language: str) -> None:
    events, said = form_turn(domain, text, language=language, answers=answered(3))
    # requested_slot None: the form closes; the closing action says so
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_status", "stopped"),
        SlotSet("requested_slot", None),
    ]
    assert said == []


@pytest.mark.parametrize(
    "text, language, said",
    [
        ("aloita alusta", "fi", "aloitetaan alusta"),
        ("börja om", "sv", "börjar om"),
        ("start over", "en", "start again"),
    ],
)
def test_restarting_forgets_the_answers_and_asks_the_first_question_again(domain, text, language, said) -> None:
    events, sent = form_turn(domain, text, language=language, answers=answered(5))
    assert events == [SlotSet("survey_answer", None), SlotSet("survey_answers", {})]
    assert sent == [bot_message(catalogue.text("survey_restarted", language))]
    assert said in sent[0]["text"].lower()


@pytest.mark.parametrize("text, language", [("mikä banaani", "fi"), ("vad kostar det", "sv"), ("purple", "en")])
def test_an_unclear_answer_is_asked_again_with_a_hint(domain, text: str, language: str) -> None:
    events, said = form_turn(domain, text, language=language, answers=answered(1))
    assert events == [SlotSet("survey_answer", None)]  # survey_answers untouched
    assert said == [bot_message(catalogue.text("survey_unclear", language))]
    hint = {"fi": "2 kertaa viikossa", "sv": "2 gånger i veckan", "en": "twice a week"}[language]
    assert hint in said[0]["text"]


@pytest.mark.parametrize(
    "intent, text",
    [
        ("crisis_support", "en jaksa elää"),
        ("crisis_support", "I want to die"),
        ("emergency", "apua mieheni ei hengitä"),
        ("human_handoff", "ihminen kiitos"),
    ],
)
def test_a_crisis_or_a_wish_for_a_person_is_not_taken_as_an_answer(domain, intent: str, text: str) -> None:
    """The form sets nothing, so Rasa rejects it and the safety rules answer first."""
    events, said = form_turn(domain, text, intent=intent, answers=answered(2))
    assert events == [] and said == []


def test_after_the_last_theme_the_municipality_is_asked_when_there_is_something_to_suggest(domain) -> None:
    events, _ = form_turn(domain, "en nyt", answers=answered(len(all_themes()) - 1, "regularly"))
    last = all_themes()[-1].key
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_answers", {**answered(len(all_themes()) - 1, "regularly"), last: "not_now"}),
        SlotSet("requested_slot", "survey_place"),
    ]


def test_nothing_more_is_asked_when_everything_goes_well(domain) -> None:
    events, _ = form_turn(domain, "joo kyllä", answers=answered(len(all_themes()) - 1, "regularly"))
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_answers", answered(len(all_themes()), "regularly")),
        SlotSet("requested_slot", None),
    ]


def test_a_known_municipality_is_not_asked_again(domain) -> None:
    events, _ = form_turn(domain, "en nyt", answers=answered(len(all_themes()) - 1), municipality="Lahti")
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_answers", answered(len(all_themes()))),
        SlotSet("requested_slot", None),
    ]


@pytest.mark.parametrize("text, expected", [("Sysmä", "Sysmä"), ("asun Keravalla", "Kerava"), ("i Vanda", "Vantaa")])
def test_the_municipality_is_understood_in_the_form(domain, text: str, expected: str) -> None:
    events, said = form_turn(
        domain, text, intent="nlu_fallback", requested="survey_place", answers=answered(len(all_themes()))
    )
    assert events == [
        SlotSet("survey_place", expected),
        SlotSet("municipality", expected),
        SlotSet("municipality_unknown", None),
        SlotSet("requested_slot", None),
    ]
    assert said == []


def test_a_municipality_kept_from_the_message_ends_the_form(domain) -> None:
    """action_validate_slot_mappings already set it from the entity: the form takes it as the answer."""
    events, _ = form_turn(
        domain,
        "Lahti",
        intent="inform_municipality",
        requested="survey_place",
        answers=answered(len(all_themes())),
        municipality="Lahti",
    )
    assert events == [
        SlotSet("survey_place", "Lahti"),
        SlotSet("municipality", "Lahti"),
        SlotSet("municipality_unknown", None),
        SlotSet("requested_slot", None),
    ]


def test_a_place_outside_the_area_is_asked_again_and_online_only_ends_it(domain) -> None:
    events, _ = form_turn(domain, "Tampere", requested="survey_place", answers=answered(len(all_themes())))
    assert events == [
        SlotSet("survey_place", None),
        SlotSet("municipality", None),
        SlotSet("municipality_unknown", "Tampere"),
        SlotSet("requested_slot", "survey_place"),
    ]
    events, _ = form_turn(
        domain,
        '/answer_survey{"survey_value": "skip"}',
        requested="survey_place",
        entities=[{"entity": "survey_value", "value": "skip"}],
        answers=answered(len(all_themes())),
    )
    assert events == [
        SlotSet("survey_place", "online"),
        SlotSet("survey_place_skipped", True),
        SlotSet("requested_slot", None),
    ]


def test_stopping_at_the_place_question_stops(domain) -> None:
    events, _ = form_turn(domain, "lopeta", requested="survey_place", answers=answered(len(all_themes())))
    assert events == [
        SlotSet("survey_place", None),
        SlotSet("survey_status", "stopped"),
        SlotSet("requested_slot", None),
    ]


def run(action, **slots) -> ActionRun:
    return run_action(action, make_tracker("x", "answer_survey", active_loop=FORM, slots=slots))


@pytest.mark.parametrize(
    "language, question, buttons",
    [
        ("fi", "1/8. Liikutko", ["Kyllä, säännöllisesti", "Joskus", "En nyt", "Ohita", "Lopeta kysely"]),
        ("sv", "1/8. Rör du", ["Ja, regelbundet", "Ibland", "Inte nu", "Hoppa över", "Avbryt enkäten"]),
        ("en", "1/8. Do you move", ["Yes, regularly", "Sometimes", "Not now", "Skip", "Stop the survey"]),
    ],
)
def test_each_question_comes_with_its_number_and_answer_buttons(language, question, buttons) -> None:
    events, said = run(ActionAskSurveyAnswer(), language=language, survey_answers={})
    assert events == []
    assert said == [
        bot_message(
            f"1/{len(all_themes())}. {all_themes()[0].ask(language)}",
            [
                {"title": title, "payload": f'/answer_survey{{"survey_value": "{value}"}}'}
                for title, value in zip(buttons, VALUES, strict=True)
            ],
        )
    ]
    assert said[0]["text"].startswith(question)
    assert said[0]["buttons"][2]["payload"] == '/answer_survey{"survey_value": "not_now"}'


def test_a_theme_can_have_its_own_answer_labels() -> None:
    sleep_index = [t.key for t in all_themes()].index("sleep")
    events, said = run(ActionAskSurveyAnswer(), language="fi", survey_answers=answered(sleep_index))
    assert events == []
    assert said[0]["text"] == f"{sleep_index + 1}/{len(all_themes())}. {all_themes()[sleep_index].ask('fi')}"
    assert [b["title"] for b in said[0]["buttons"]] == ["Kyllä, yleensä", "Joskus", "En nyt", "Ohita", "Lopeta kysely"]


@pytest.mark.parametrize(
    "language, words", [("fi", "nimettömän tilaston"), ("sv", "anonym statistik"), ("en", "anonymous figures")]
)
def test_the_privacy_sentence_comes_before_the_first_question(language: str, words: str) -> None:
    events, said = run(
        ActionStartWellbeingSurvey(), language=language, survey_answers={"nature": "not_now"}, survey_status="stopped"
    )
    assert said == [
        bot_message(catalogue.text("survey_intro", language, count=len(all_themes()))),
        bot_message(catalogue.text("survey_privacy", language)),
    ]
    assert words in said[-1]["text"]
    assert events == [
        SlotSet("survey_answer", None),
        SlotSet("survey_place", None),
        SlotSet("survey_answers", {}),
        SlotSet("survey_status", "running"),
        SlotSet("survey_shown", None),
        SlotSet("survey_place_skipped", None),
    ]


def test_the_municipality_question_offers_the_towns_and_an_online_way_out() -> None:
    events, said = run(ActionAskSurveyPlace(), language="sv")
    assert events == [SlotSet("municipality_unknown", None)]
    assert said[0]["text"] == catalogue.text("survey_ask_municipality", "sv")
    titles = [b["title"] for b in said[0]["buttons"]]
    assert titles == [
        "Lahtis",
        "Heinola",
        "Hollola",
        "Orimattila",
        "Asikkala",
        "Gustav Adolfs",
        "Itis",
        "Kärkölä",
        "Padasjoki",
        "Sysmä",
        "Visa bara det som finns på nätet",
    ]
    assert said[0]["buttons"][0]["payload"] == '/inform_municipality{"municipality": "Lahti"}'
    assert said[0]["buttons"][-1]["payload"] == '/answer_survey{"survey_value": "skip"}'
    events, said = run(ActionAskSurveyPlace(), language="fi", municipality_unknown="Tampere")
    assert events == [SlotSet("municipality_unknown", None)]
    assert said[0]["text"] == catalogue.text("survey_municipality_outside", "fi", place="Tampere")
    assert said[0]["text"].startswith("Tampere ei kuulu")
