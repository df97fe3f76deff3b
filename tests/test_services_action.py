"""Service answers as a person sees them: the municipality asked once, then name, phone, hours, address, link."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.directory.client import DirectoryClient
from actions.handoff import ActionOfferHumanContact
from actions.services import ActionShowServices
from tests.conftest import new_handoff_store
from tests.conftest import make_tracker


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


@pytest.fixture
def action(sqlite_client: DirectoryClient) -> ActionShowServices:
    return ActionShowServices(sqlite_client)


def test_unknown_municipality_is_asked_with_town_buttons(action) -> None:
    slots, messages = run(action, make_tracker("hammaslääkäri", "dental_care"))
    assert "Missä kunnassa asut?" in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[0] == "Lahti" and "Sysmä" in titles
    assert slots["pending_topic"] == "dental_care"


def test_the_waiting_question_is_answered_once_the_municipality_is_given(action) -> None:
    tracker = make_tracker('/inform_municipality{"municipality": "Lahti"}', "inform_municipality",
                           slots={"municipality": "Lahti", "pending_topic": "dental_care"})
    slots, messages = run(action, tracker)
    text = "\n".join(m["text"] for m in messages)
    assert "Lahti" in messages[0]["text"]
    assert "hammas" in text.lower()
    assert "Puhelin: 03 555" in text and "Osoite: Esimerkkikatu" in text and "15100 Lahti" in text
    assert "https://paijatha.fi" in text
    assert "esimerkkitietoja" in messages[-1]["text"]
    assert slots["pending_topic"] is None


@pytest.mark.parametrize(
    "language, words",
    [("fi", ["Näistä saat apua (Vantaa)", "Puhelin"]),
     ("sv", ["Här får du hjälp (Vanda)", "Telefon"]),
     ("en", ["Here is where to get help (Vantaa)", "Phone"])],
)
def test_answers_follow_the_language_slot(action, language: str, words: list) -> None:
    _, messages = run(action, make_tracker("x", "family_services", slots={"language": language, "municipality": "Vantaa"}))
    text = "\n".join(m["text"] for m in messages)
    for word in words:
        assert word in text


def test_opening_hours_question_names_todays_hours(action) -> None:
    _, messages = run(action, make_tracker("milloin terveysasema on auki", "opening_hours", slots={"municipality": "Hollola"}))
    text = "\n".join(m["text"] for m in messages)
    assert "Hollola" in text
    assert ("Tänään auki klo" in text) or ("Tänään suljettu" in text)


def test_contact_question_about_a_named_service_finds_that_service(action) -> None:
    _, messages = run(action, make_tracker("hammashoitolan puhelinnumero", "contact_info", slots={"municipality": "Pori"}))
    assert "hammas" in messages[1]["text"].lower()


def test_free_text_search_asks_what_when_it_has_no_words(action) -> None:
    _, messages = run(action, make_tracker("/find_service", "find_service", slots={"municipality": "Lahti"}))
    assert "Mitä palvelua etsit?" in messages[0]["text"]


def test_free_text_search_answers_from_the_directory(action) -> None:
    _, messages = run(action, make_tracker("tarvitsen fysioterapiaa Raumalla", "find_service", slots={"municipality": "Rauma"}))
    assert "Löysin nämä palvelut (Rauma)" in messages[0]["text"]
    assert "fysioterap" in messages[1]["text"].lower()


def test_no_hit_says_so_and_offers_a_person(action) -> None:
    _, messages = run(action, make_tracker("kvanttifysiikka", "find_service", slots={"municipality": "Lahti"}))
    assert "En löytänyt" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/human_handoff"


def test_unrecognised_municipality_is_named_and_asked_again(action) -> None:
    slots, messages = run(action, make_tracker("Atlantis", "inform_municipality",
                                               slots={"municipality_unknown": "Atlantis", "pending_topic": "lab_tests"}))
    assert 'En tunnista kuntaa "Atlantis"' in messages[0]["text"]
    assert "Satakunnan hyvinvointialue" in messages[0]["text"]
    assert messages[0]["buttons"] and slots["pending_topic"] == "lab_tests"


def test_municipality_outside_the_area_gets_national_services(action) -> None:
    _, messages = run(action, make_tracker("Helsinki", "inform_municipality",
                                           slots={"municipality_unknown": "Helsinki", "pending_topic": "prescription_renewal",
                                                  "language": "en"}))
    text = "\n".join(m["text"] for m in messages)
    assert "Helsinki is not in this service's area" in text and "kanta.fi" in text.lower()


def test_urgent_care_shows_the_countys_emergency_clinic_after_116117(action) -> None:
    _, messages = run(action, make_tracker("kuumetta 40", "urgent_care", slots={"municipality": "Kerava"}))
    text = "\n".join(m["text"] for m in messages)
    assert "116117" not in text  # the rule's first message already gave it
    assert "Auki aina" in text


def test_finnish_only_text_is_announced(action) -> None:
    _, messages = run(action, make_tracker("memory", "elderly_services", slots={"language": "en", "municipality": "Lahti"}))
    assert any("only in Finnish" in m["text"] for m in messages)


def test_directory_down_gives_national_numbers_and_a_person() -> None:
    action = ActionShowServices(DirectoryClient("postgresql://nobody@127.0.0.1:1/none"))
    _, messages = run(action, make_tracker("neuvola", "family_services", slots={"municipality": "Lahti", "language": "sv"}))
    assert "116117" in messages[0]["text"] and "112" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/human_handoff"


def test_a_person_is_reached_through_the_customer_guidance_line(sqlite_client, tmp_path) -> None:
    """Where no live chat is possible (this tracker has no web chat channel): the county's line and a callback."""
    action = ActionOfferHumanContact(sqlite_client, store=new_handoff_store(tmp_path))
    _, messages = run(action, make_tracker("ihminen", "human_handoff", slots={"municipality": "Pori"}))
    assert "asiakasohjaukseen" in messages[0]["text"] and messages[0]["buttons"][0]["payload"] == "/request_callback"
    assert "Puhelin: 02 555" in messages[1]["text"]  # Satakunta's area code


def test_a_place_outside_the_area_with_nothing_asked_says_so(action) -> None:
    _, messages = run(action, make_tracker("asun Helsingissä", "inform_municipality",
                                           slots={"municipality_unknown": "Helsingissä"}))
    assert "Helsinki ei kuulu tämän palvelun alueeseen" in messages[0]["text"]
    assert "En tunnista" not in messages[0]["text"]


def test_a_known_municipality_with_nothing_asked_is_acknowledged(action) -> None:
    _, messages = run(action, make_tracker("asun Porissa", "inform_municipality", slots={"municipality": "Pori"}))
    assert messages[0]["text"] == "Selvä, Pori. Mitä palvelua etsit?"
