"""Suggestions after the questionnaire, on a real database (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta

import pytest
from rasa_sdk.events import SlotSet

from actions.directory import db
from actions.directory.client import DirectoryClient, utc_now
from actions.directory.schema import Event, EventText, EventTheme
from actions.survey_results import ActionRecommendWellbeingServices, ActionShowMoreRecommendations
from actions.wellbeing import recommend
from actions.wellbeing.themes import all_themes, by_key
from opastin import catalogue, figures, places
from opastin.figures import wellbeing_counts
from tests.conftest import bot_message, make_tracker, run_action

LAHTI, SYSMA = places.resolve("Lahti"), places.resolve("Sysmä")


def test_a_theme_gets_services_and_events_of_that_theme_in_the_persons_county(client: DirectoryClient) -> None:
    found = recommend.suggestions_for(client, by_key("physical_activity"), LAHTI, "fi")
    assert any(s.is_event for s in found) and any(not s.is_event for s in found)
    for s in found:
        if s.is_event:
            assert s.card.series.startswith("paijat-hame:")  # never another county's groups
        elif not s.card.nationwide:
            assert s.card.id.startswith("paijat-hame:")
    # every suggestion serves the theme: tagged with it in the directory
    assert {s.card.name.value for s in found[:3]} <= {
        "Perheiden luontoretki",
        "Tuolijumppa ikäihmisille",
        "Lauantain luontokävely",
        "Liikuntapalvelut",
        "Luontopolut ja ulkoilureitit",
        "Rentoutus ja hengitys",
        "Vesijumppa ikäihmisille",
    } | {s.card.name.value for s in found if s.is_event}


def test_suggestions_come_nearby_first_then_free_then_low_threshold(client: DirectoryClient) -> None:
    mixed_nearness = mixed_price = 0  # the orderings below were really put to the test
    for theme in all_themes():
        found = recommend.suggestions_for(client, theme, LAHTI, "fi")
        assert found, theme.key
        nearness = [s.nearness for s in found]
        assert nearness == sorted(nearness), theme.key
        mixed_nearness += len(set(nearness)) > 1
        for group in {(s.nearness, s.band) for s in found if s.nearness != recommend.ONLINE}:
            same = [s for s in found if (s.nearness, s.band) == group and s.is_event]
            free = [s.free for s in same]
            assert free == sorted(free, reverse=True), theme.key  # free ones before paid ones, equally near
            mixed_price += len(set(free)) > 1
    assert mixed_nearness and mixed_price


def test_elsewhere_in_the_county_the_nearest_towns_come_first(client: DirectoryClient) -> None:
    ordered = 0
    for town in ("Hartola", "Padasjoki", "Orimattila", "Sysmä"):
        for theme in all_themes():
            found = recommend.suggestions_for(client, theme, places.resolve(town), "fi")
            # Places elsewhere in the county (a county-wide line without a place has no distance to sort by).
            elsewhere = [s for s in found if s.nearness == recommend.COUNTY and s.km is not None]
            bands = [s.band for s in elsewhere]
            assert bands == sorted(bands), (town, theme.key, [(s.card.name.value, round(s.km or 0)) for s in elsewhere])
            ordered += len(set(bands)) > 1
    assert ordered  # some lists really had places at different distances


def test_events_in_the_own_town_come_before_the_same_elsewhere(client: DirectoryClient) -> None:
    page = recommend.suggestions_for(client, by_key("culture"), SYSMA, "fi")[:3]
    assert page[0].nearness == recommend.HERE  # Sysmä's own library


def test_each_group_is_suggested_once_at_its_next_date(client: DirectoryClient) -> None:
    found = recommend.suggestions_for(client, by_key("community"), SYSMA, "fi")
    names = [(s.is_event, s.card.name.value) for s in found]
    assert any(is_event for is_event, _ in names)
    assert len(names) == len(set(names))


def test_past_and_cancelled_events_never_appear(directory_url: str) -> None:
    client = DirectoryClient(directory_url)
    now = utc_now()
    with db.open_session(directory_url) as session:
        for key, start, status in [
            ("past", now - timedelta(hours=1), "EventScheduled"),
            ("cancelled", now + timedelta(days=1), "EventCancelled"),
            ("coming", now + timedelta(days=1), "EventScheduled"),
        ]:
            event = Event(
                id=f"test:{key}",
                super_event_id=f"test:{key}",
                start_time=start,
                end_time=start + timedelta(hours=1),
                event_status=status,
                county_code="satakunta",
                municipality_code="609",
                is_free=True,
            )
            event.texts = [EventText(kind="Name", language="fi", value=f"Testitapahtuma {key}")]
            event.themes = [EventTheme(theme="culture")]
            session.add(event)
        session.commit()
    try:
        names = {c.name.value for c in client.upcoming_events("culture", "satakunta", "fi", limit=100)}
        assert "Testitapahtuma coming" in names
        assert "Testitapahtuma past" not in names and "Testitapahtuma cancelled" not in names
        upcoming = client.upcoming_events("culture", "satakunta", "fi")
        assert upcoming and all(c.start > datetime.now(c.start.tzinfo) for c in upcoming)
    finally:
        with db.open_session(directory_url) as session:
            for key in ("past", "cancelled", "coming"):
                session.delete(session.get(Event, f"test:{key}"))
            session.commit()


def test_without_a_municipality_only_online_and_national_options_are_given(client: DirectoryClient) -> None:
    found = recommend.suggestions_for(client, by_key("sleep"), None, "en")
    assert found and all(s.nearness == recommend.ONLINE for s in found)
    assert "Mielenterveystalo.fi" in found[0].card.name.value


# --------------------------------------------------------------------------- the closing action


def finished_tracker(answers: dict, language: str = "fi", municipality="Lahti", status="running", **slots):
    return make_tracker(
        "x",
        "answer_survey",
        earlier_user_messages=9,
        slots={
            "language": language,
            "municipality": municipality,
            "survey_answers": answers,
            "survey_status": status,
            "notice_given": True,
            **slots,
        },
    )


def all_answers(default: str = "regularly", **overrides: str) -> dict:
    return {t.key: overrides.get(t.key, default) for t in all_themes()}


def more_button(theme: str, language: str) -> dict[str, str]:
    return {
        "title": catalogue.text("button_more_theme", language, theme=by_key(theme).name(language)),
        "payload": f'/more_recommendations{{"survey_theme": "{theme}"}}',
    }


@pytest.fixture
def reporting_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    figures.create_schema(url)
    return url


@pytest.mark.parametrize(
    "language, intro, place, header, next_time",
    [
        ("fi", "Tässä ehdotuksia", "Lahti", "Luonto (vastasit: en nyt)", "Seuraava kerta:"),
        ("sv", "Här är förslag", "Lahtis", "Natur (du svarade: inte nu)", "Nästa gång:"),
        ("en", "Here are suggestions", "Lahti", "Nature (you answered: not now)", "Next time:"),
    ],
)
def test_not_now_themes_get_suggestions_in_the_persons_language(
    sqlite_client, reporting_url, language, intro, place, header, next_time
) -> None:
    action = ActionRecommendWellbeingServices(sqlite_client, reporting_url)
    answers = all_answers(nature="not_now", sleep="sometimes")
    events, said = run_action(action, finished_tracker(answers, language))
    texts = [m["text"] for m in said]
    assert events == [SlotSet("survey_status", "completed"), SlotSet("survey_shown", {"nature": 3, "sleep": 3})]
    assert texts[0] == catalogue.text("survey_results_intro", language, place=place)  # Lahtis in Swedish
    assert intro in texts[0]
    assert texts[1].startswith(header + "\n")  # not now before sometimes
    assert next_time in texts[1]
    assert texts[2].startswith({"fi": "Uni ja lepo", "sv": "Sömn och vila", "en": "Sleep and rest"}[language])
    assert texts[3] == catalogue.text("note_sample_data", language)
    themes = ", ".join(by_key(key).name(language) for key in ("nature", "sleep"))
    assert said[4:] == [
        bot_message(
            catalogue.text("survey_summary", language, themes=themes),
            [more_button("nature", language), more_button("sleep", language)],
        )
    ]


def test_an_event_says_what_when_where_price_and_where_to_find_more(sqlite_client, reporting_url) -> None:
    events, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url), finished_tracker(all_answers(culture="not_now"))
    )
    assert events == [SlotSet("survey_status", "completed"), SlotSet("survey_shown", {"culture": 3})]
    text = said[1]["text"]
    assert text.startswith("Kulttuuri (vastasit: en nyt)\n")
    assert "Seuraava kerta:" in text and " klo " in text  # when
    assert "Paikka:" in text and "Lahti" in text  # where
    assert "Maksuton." in text  # price
    assert "https://paijatha.fi" in text  # a link
    assert said[2] == bot_message(catalogue.text("note_sample_data", "fi"))  # sample data is said to be such


def test_nothing_nearby_is_said_and_the_county_wide_options_are_given(sqlite_client, reporting_url) -> None:
    events, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url),
        finished_tracker(all_answers(eating="not_now"), municipality="Sysmä"),
    )
    assert events[0] == SlotSet("survey_status", "completed")
    assert said[0]["text"] == catalogue.text("survey_results_intro", "fi", place="Sysmä")
    header = "Ruoka ja syöminen (vastasit: en nyt)"
    assert said[1]["text"].startswith(f"{header}\n\n{catalogue.text('survey_nothing_nearby', 'fi')}\n")
    assert "Lähelläsi ei nyt ole" in said[1]["text"]


def test_not_now_for_mood_also_offers_a_person(sqlite_client, reporting_url) -> None:
    _, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url),
        finished_tracker(all_answers(mood="not_now"), language="sv"),
    )
    assert said[-1] == bot_message(
        catalogue.text("survey_offer_person", "sv"), [{"title": "Prata med en människa", "payload": "/human_handoff"}]
    )
    _, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url),
        finished_tracker(all_answers(nature="not_now", mood="sometimes")),
    )
    buttons = [b["payload"] for m in said for b in m["buttons"]]
    assert buttons == [
        '/more_recommendations{"survey_theme": "nature"}',
        '/more_recommendations{"survey_theme": "mood"}',
    ]
    assert "/human_handoff" not in buttons


def test_all_going_well_gets_thanks_and_no_list(sqlite_client, reporting_url) -> None:
    events, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url), finished_tracker(all_answers())
    )
    assert events == [SlotSet("survey_status", "completed")]
    assert said == [
        bot_message(
            catalogue.text("survey_all_good", "fi"),
            [{"title": "Harrastukset ja tapahtumat", "payload": "/wellbeing_activities"}],
        )
    ]
    assert "Kiitos vastauksista" in said[0]["text"]


def test_at_most_four_themes_at_once_and_the_rest_behind_buttons(sqlite_client, reporting_url) -> None:
    events, said = run_action(
        ActionRecommendWellbeingServices(sqlite_client, reporting_url), finished_tracker(all_answers("not_now"))
    )
    first_four = [t.key for t in all_themes()][:4]
    assert events == [SlotSet("survey_status", "completed"), SlotSet("survey_shown", dict.fromkeys(first_four, 3))]
    headers = [m["text"].split("\n", 1)[0] for m in said if "(vastasit:" in m["text"]]
    assert headers == [f"{by_key(key).name('fi')} (vastasit: en nyt)" for key in first_four]
    summary = next(m for m in said if m["text"].startswith("Yhteenveto"))
    rest = ", ".join(t.name("fi") for t in all_themes()[4:])
    assert summary["text"].endswith(" " + catalogue.text("survey_more_themes_left", "fi", themes=rest))
    assert summary["buttons"] == [more_button(t.key, "fi") for t in all_themes()]
    assert len(summary["buttons"]) == len(all_themes())


def test_the_anonymous_figures_are_counted_and_a_stop_counts_nothing(sqlite_client, reporting_url) -> None:
    action = ActionRecommendWellbeingServices(sqlite_client, reporting_url)
    run_action(action, finished_tracker(all_answers(nature="not_now", mood="skip"), status="running"))
    run_action(action, finished_tracker(all_answers(nature="not_now"), status="running"))
    events, said = run_action(action, finished_tracker({"nature": "not_now"}, status="stopped"))
    assert events == [SlotSet("survey_status", "stopped"), SlotSet("survey_answers", None)]
    assert said == [
        bot_message(
            catalogue.text("survey_stopped", "fi"),
            [{"title": "Aloita kysely alusta", "payload": "/start_wellbeing_survey"}],
        )
    ]
    assert "ei tallennettu" in said[0]["text"]
    month = datetime.now().strftime("%Y-%m")
    counts = wellbeing_counts(month, reporting_url)
    assert counts[("398", "nature", "not_now")] == 2
    assert counts[("398", "mood", "skip")] == 1 and counts[("398", "mood", "regularly")] == 1
    assert sum(counts.values()) == 2 * len(all_themes())


def test_more_continues_where_the_first_page_ended(sqlite_client) -> None:
    action = ActionShowMoreRecommendations(sqlite_client)
    first = recommend.suggestions_for(sqlite_client, by_key("community"), LAHTI, "fi")
    assert len(first) > 3  # there is a second page to show
    tracker = make_tracker(
        "lisää yhteisöstä",
        "more_recommendations",
        slots={
            "municipality": "Lahti",
            "survey_answers": all_answers(community="not_now"),
            "survey_status": "completed",
            "survey_shown": {"community": 3},
        },
    )
    events, said = run_action(action, tracker)
    assert events == [SlotSet("survey_shown", {"community": 6})]
    header, listed = said[0]["text"].split("\n\n", 1)
    assert header == "Ystävät ja yhteisö (vastasit: en nyt)"
    assert first[3].card.name.value in listed
    assert first[0].card.name.value not in listed


def test_more_without_a_questionnaire_offers_it(sqlite_client) -> None:
    events, said = run_action(
        ActionShowMoreRecommendations(sqlite_client),
        make_tracker("more", "more_recommendations", slots={"language": "en"}),
    )
    assert events == []
    assert said == [
        bot_message(
            catalogue.text("survey_more_needs_survey", "en", count=len(all_themes())),
            [{"title": "Do the wellbeing check", "payload": "/start_wellbeing_survey"}],
        )
    ]


def test_a_directory_that_is_down_gets_a_clear_answer(reporting_url) -> None:
    down = DirectoryClient("postgresql://nobody@127.0.0.1:1/none")
    events, said = run_action(
        ActionRecommendWellbeingServices(down, reporting_url), finished_tracker(all_answers(nature="not_now"))
    )
    assert events == [SlotSet("survey_status", "completed")]
    assert said == [
        bot_message(catalogue.text("survey_results_intro", "fi", place="Lahti")),
        bot_message(
            catalogue.text("directory_down", "fi"), [{"title": "Puhu ihmisen kanssa", "payload": "/human_handoff"}]
        ),
    ]
    assert "116117" in said[-1]["text"] and "112" in said[-1]["text"]
