"""Service answers as a person sees them: the municipality asked once, then name, phone, hours, address, link."""

import pytest
from rasa_sdk.events import SlotSet

from actions.directory.client import DirectoryClient
from actions.handoff import ActionOfferHumanContact
from actions.services import ActionShowServices
from opastin import catalogue
from tests.conftest import bot_message, make_tracker, new_handoff_store, run_action

# The deployment's county (OPASTIN_COUNTY, Päijät-Häme by default): its towns, main town first, are the buttons.
PAIJAT_HAME = [
    "Lahti",
    "Heinola",
    "Hollola",
    "Orimattila",
    "Asikkala",
    "Hartola",
    "Iitti",
    "Kärkölä",
    "Padasjoki",
    "Sysmä",
]
TOWN_BUTTONS = [{"title": town, "payload": f'/inform_municipality{{"municipality": "{town}"}}'} for town in PAIJAT_HAME]
CLEARED = [SlotSet("pending_topic", None), SlotSet("pending_query", None)]


def human_button(language: str) -> dict[str, str]:
    return {"title": catalogue.text("button_human", language), "payload": "/human_handoff"}


@pytest.fixture
def action(sqlite_client: DirectoryClient) -> ActionShowServices:
    return ActionShowServices(sqlite_client)


def test_unknown_municipality_is_asked_with_town_buttons(action) -> None:
    events, said = run_action(action, make_tracker("hammaslääkäri", "dental_care"))
    assert said == [bot_message("Missä kunnassa asut? Valitse tai kirjoita kunnan nimi.", TOWN_BUTTONS)]
    assert said[0]["text"] == catalogue.text("ask_municipality", "fi")
    assert events == [
        SlotSet("municipality_unknown", None),
        SlotSet("pending_topic", "dental_care"),
        SlotSet("pending_query", None),
    ]


def test_the_waiting_question_is_answered_once_the_municipality_is_given(action) -> None:
    tracker = make_tracker(
        '/inform_municipality{"municipality": "Lahti"}',
        "inform_municipality",
        slots={"municipality": "Lahti", "pending_topic": "dental_care"},
    )
    events, said = run_action(action, tracker)
    texts = [m["text"] for m in said]
    assert events == CLEARED
    assert texts[0] == catalogue.text("services_intro", "fi", place="Lahti")
    assert texts[1].startswith("Hammashoito ja suun terveydenhuolto\n")
    text = "\n".join(texts)
    assert "Puhelin: 03 555" in text and "Osoite: Esimerkkikatu" in text and "15100 Lahti" in text
    assert "https://paijatha.fi" in text
    assert texts[-1] == catalogue.text("note_sample_data", "fi")
    assert all(m["buttons"] == [] for m in said)


@pytest.mark.parametrize(
    "language, place, words",
    [
        ("fi", "Vantaa", ["Näistä saat apua (Vantaa)", "Puhelin"]),
        ("sv", "Vanda", ["Här får du hjälp (Vanda)", "Telefon"]),
        ("en", "Vantaa", ["Here is where to get help (Vantaa)", "Phone"]),
    ],
)
def test_answers_follow_the_language_slot(action, language: str, place: str, words: list) -> None:
    events, said = run_action(
        action, make_tracker("x", "family_services", slots={"language": language, "municipality": "Vantaa"})
    )
    texts = [m["text"] for m in said]
    assert events == CLEARED
    assert texts[0] == catalogue.text("services_intro", language, place=place)
    assert texts[-1] == catalogue.text("note_sample_data", language)
    for word in words:
        assert word in "\n".join(texts)


def test_opening_hours_question_names_todays_hours(action) -> None:
    events, said = run_action(
        action, make_tracker("milloin terveysasema on auki", "opening_hours", slots={"municipality": "Hollola"})
    )
    texts = [m["text"] for m in said]
    assert events == CLEARED
    assert texts[0] == catalogue.text("services_intro", "fi", place="Hollola")
    assert texts[1].startswith("Terveysaseman vastaanotto\n") and "Hollola" in texts[1]
    assert ("Tänään auki klo" in texts[1]) or ("Tänään suljettu" in texts[1])


def test_contact_question_about_a_named_service_finds_that_service(action) -> None:
    events, said = run_action(
        action, make_tracker("hammashoitolan puhelinnumero", "contact_info", slots={"municipality": "Pori"})
    )
    assert events == CLEARED
    assert said[0]["text"] == catalogue.text("services_intro", "fi", place="Pori")
    assert "hammas" in said[1]["text"].lower()
    assert said[1]["text"].startswith("Hammashoito ja suun terveydenhuolto\n")
    assert "Puhelin: 02 555" in said[1]["text"]


def test_free_text_search_asks_what_when_it_has_no_words(action) -> None:
    events, said = run_action(action, make_tracker("/find_service", "find_service", slots={"municipality": "Lahti"}))
    assert events == []
    assert said == [bot_message(catalogue.text("ask_service_query", "fi"))]
    assert said[0]["text"].startswith("Mitä palvelua etsit?")


def test_free_text_search_answers_from_the_directory(action) -> None:
    events, said = run_action(
        action, make_tracker("tarvitsen fysioterapiaa Raumalla", "find_service", slots={"municipality": "Rauma"})
    )
    assert events == CLEARED
    assert said[0]["text"] == catalogue.text("search_intro", "fi", place="Rauma") == "Löysin nämä palvelut (Rauma):"
    assert said[1]["text"].startswith("Fysioterapia\n") and "Rauma" in said[1]["text"]


def test_no_hit_says_so_and_offers_a_person(action) -> None:
    events, said = run_action(action, make_tracker("kvanttifysiikka", "find_service", slots={"municipality": "Lahti"}))
    assert events == CLEARED
    assert said == [bot_message(catalogue.text("no_services", "fi", place="Lahti"), [human_button("fi")])]
    assert said[0]["text"].startswith("En löytänyt")
    assert said[0]["buttons"][0]["payload"] == "/human_handoff"


def test_unrecognised_municipality_is_named_and_asked_again(action) -> None:
    events, said = run_action(
        action,
        make_tracker(
            "Atlantis", "inform_municipality", slots={"municipality_unknown": "Atlantis", "pending_topic": "lab_tests"}
        ),
    )
    counties = "Päijät-Hämeen hyvinvointialue, Satakunnan hyvinvointialue, Vantaan ja Keravan hyvinvointialue"
    assert said == [
        bot_message(catalogue.text("municipality_unknown", "fi", name="Atlantis", counties=counties), TOWN_BUTTONS)
    ]
    assert said[0]["text"].startswith('En tunnista kuntaa "Atlantis"')
    assert events == [
        SlotSet("municipality_unknown", None),
        SlotSet("pending_topic", "lab_tests"),
        SlotSet("pending_query", None),
    ]


def test_municipality_outside_the_area_gets_national_services(action) -> None:
    events, said = run_action(
        action,
        make_tracker(
            "Helsinki",
            "inform_municipality",
            slots={"municipality_unknown": "Helsinki", "pending_topic": "prescription_renewal", "language": "en"},
        ),
    )
    assert events == [SlotSet("municipality_unknown", None), *CLEARED]
    assert said[0] == bot_message(catalogue.text("municipality_outside", "en", place="Helsinki"))
    assert said[0]["text"].startswith("Helsinki is not in this service's area")
    assert len(said) == 2 and "kanta.fi" in said[1]["text"].lower()  # national: no sample-data note


def test_urgent_care_shows_the_countys_emergency_clinic_after_116117(action) -> None:
    events, said = run_action(action, make_tracker("kuumetta 40", "urgent_care", slots={"municipality": "Kerava"}))
    texts = [m["text"] for m in said]
    assert events == CLEARED
    assert texts[0] == catalogue.text("services_intro", "fi", place="Kerava")
    assert "116117" not in "\n".join(texts)  # the rule's first message already gave it
    assert "Auki aina" in "\n".join(texts)
    assert texts[-1] == catalogue.text("note_sample_data", "fi")


def test_finnish_only_text_is_announced(action) -> None:
    events, said = run_action(
        action, make_tracker("memory", "elderly_services", slots={"language": "en", "municipality": "Lahti"})
    )
    texts = [m["text"] for m in said]
    assert events == CLEARED
    assert texts[0] == "Here is where to get help (Lahti):"
    assert texts[-2:] == [catalogue.text("note_finnish_only", "en"), catalogue.text("note_sample_data", "en")]
    assert texts[-2] == "Some of this information is only in Finnish."


def test_directory_down_gives_national_numbers_and_a_person() -> None:
    action = ActionShowServices(DirectoryClient("postgresql://nobody@127.0.0.1:1/none"))
    events, said = run_action(
        action, make_tracker("neuvola", "family_services", slots={"municipality": "Lahti", "language": "sv"})
    )
    assert events == []
    assert said == [bot_message(catalogue.text("directory_down", "sv"), [human_button("sv")])]
    assert "116117" in said[0]["text"] and "112" in said[0]["text"]
    assert said[0]["buttons"][0]["payload"] == "/human_handoff"


def test_a_person_is_reached_through_the_customer_guidance_line(sqlite_client, tmp_path) -> None:
    """Where no live chat is possible (this tracker has no web chat channel): the county's line and a callback."""
    action = ActionOfferHumanContact(sqlite_client, store=new_handoff_store(tmp_path))
    events, said = run_action(action, make_tracker("ihminen", "human_handoff", slots={"municipality": "Pori"}))
    assert events == []
    assert said[0] == bot_message(
        catalogue.text("handoff_other_channel", "fi"), [{"title": "Jätä soittopyyntö", "payload": "/request_callback"}]
    )
    assert "asiakasohjaukseen" in said[0]["text"]
    assert said[1]["text"].startswith("Sosiaali- ja terveyspalvelujen asiakasohjaus\n")
    assert "Puhelin: 02 555" in said[1]["text"]  # Satakunta's area code
    assert said[2:] == [bot_message(catalogue.text("note_sample_data", "fi"))]


def test_a_place_outside_the_area_with_nothing_asked_says_so(action) -> None:
    events, said = run_action(
        action, make_tracker("asun Helsingissä", "inform_municipality", slots={"municipality_unknown": "Helsingissä"})
    )
    assert events == [SlotSet("municipality_unknown", None), *CLEARED]
    assert said == [bot_message(catalogue.text("municipality_outside_nothing", "fi", place="Helsinki"), TOWN_BUTTONS)]
    assert said[0]["text"].startswith("Helsinki ei kuulu tämän palvelun alueeseen")
    assert "En tunnista" not in said[0]["text"]


def test_a_known_municipality_with_nothing_asked_is_acknowledged(action) -> None:
    events, said = run_action(
        action, make_tracker("asun Porissa", "inform_municipality", slots={"municipality": "Pori"})
    )
    assert events == []
    assert said == [bot_message("Selvä, Pori. Mitä palvelua etsit?")]
