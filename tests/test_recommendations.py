"""Suggestions after the questionnaire, on a real database (SQLite and PostgreSQL)."""
import asyncio
from datetime import datetime, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import db
from actions.directory.client import DirectoryClient, utc_now
from actions.directory.schema import Event, EventText, EventTheme
from opastin import figures
from opastin.figures import wellbeing_counts
from actions.survey_results import ActionRecommendWellbeingServices, ActionShowMoreRecommendations
from actions.wellbeing import recommend
from actions.wellbeing.themes import all_themes, by_key
from opastin import places
from tests.conftest import make_tracker

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
        "Perheiden luontoretki", "Tuolijumppa ikäihmisille", "Lauantain luontokävely", "Liikuntapalvelut",
        "Luontopolut ja ulkoilureitit", "Rentoutus ja hengitys", "Vesijumppa ikäihmisille"} | {
        s.card.name.value for s in found if s.is_event}


def test_suggestions_come_nearby_first_then_free_then_low_threshold(client: DirectoryClient) -> None:
    for theme in all_themes():
        found = recommend.suggestions_for(client, theme, LAHTI, "fi")
        nearness = [s.nearness for s in found]
        assert nearness == sorted(nearness), theme.key
        for group in (recommend.HERE, recommend.COUNTY):
            same = [s for s in found if s.nearness == group and s.is_event]
            free = [s.free for s in same]
            assert free == sorted(free, reverse=True), theme.key  # free ones before paid ones


def test_events_in_the_own_town_come_before_the_same_elsewhere(client: DirectoryClient) -> None:
    page = recommend.suggestions_for(client, by_key("culture"), SYSMA, "fi")[:3]
    assert page[0].nearness == recommend.HERE  # Sysmä's own library


def test_each_group_is_suggested_once_at_its_next_date(client: DirectoryClient) -> None:
    found = recommend.suggestions_for(client, by_key("community"), SYSMA, "fi")
    names = [(s.is_event, s.card.name.value) for s in found]
    assert len(names) == len(set(names))


def test_past_and_cancelled_events_never_appear(directory_url: str) -> None:
    client = DirectoryClient(directory_url)
    now = utc_now()
    with db.open_session(directory_url) as session:
        for key, start, status in [("past", now - timedelta(hours=1), "EventScheduled"),
                                   ("cancelled", now + timedelta(days=1), "EventCancelled"),
                                   ("coming", now + timedelta(days=1), "EventScheduled")]:
            event = Event(id=f"test:{key}", super_event_id=f"test:{key}", start_time=start,
                          end_time=start + timedelta(hours=1), event_status=status, county_code="satakunta",
                          municipality_code="609", is_free=True)
            event.texts = [EventText(kind="Name", language="fi", value=f"Testitapahtuma {key}")]
            event.themes = [EventTheme(theme="culture")]
            session.add(event)
        session.commit()
    try:
        names = {c.name.value for c in client.upcoming_events("culture", "satakunta", "fi", limit=100)}
        assert "Testitapahtuma coming" in names
        assert "Testitapahtuma past" not in names and "Testitapahtuma cancelled" not in names
        assert all(c.start > datetime.now(c.start.tzinfo) for c in client.upcoming_events("culture", "satakunta", "fi"))
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
    return make_tracker("x", "answer_survey", earlier_user_messages=9, slots={
        "language": language, "municipality": municipality, "survey_answers": answers, "survey_status": status,
        "notice_given": True, **slots})


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def all_answers(default: str = "regularly", **overrides: str) -> dict:
    return {t.key: overrides.get(t.key, default) for t in all_themes()}


@pytest.fixture
def reporting_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    figures.create_schema(url)
    return url


@pytest.mark.parametrize("language, intro, header, next_time", [
    ("fi", "Tässä ehdotuksia", "Luonto (vastasit: en nyt)", "Seuraava kerta:"),
    ("sv", "Här är förslag", "Natur (du svarade: inte nu)", "Nästa gång:"),
    ("en", "Here are suggestions", "Nature (you answered: not now)", "Next time:"),
])
def test_not_now_themes_get_suggestions_in_the_persons_language(sqlite_client, reporting_url, language, intro,
                                                                header, next_time) -> None:
    action = ActionRecommendWellbeingServices(sqlite_client, reporting_url)
    answers = all_answers(nature="not_now", sleep="sometimes")
    slots, messages = run(action, finished_tracker(answers, language))
    texts = [m["text"] for m in messages]
    assert intro in texts[0] and "Lahti" in texts[0]  # Lahtis in Swedish
    assert texts[1].startswith(header)  # not now before sometimes
    assert next_time in texts[1]
    assert texts[2].startswith({"fi": "Uni ja lepo", "sv": "Sömn och vila", "en": "Sleep and rest"}[language])
    summary = messages[-1]
    assert [b["payload"] for b in summary["buttons"]] == ['/more_recommendations{"survey_theme": "nature"}',
                                                          '/more_recommendations{"survey_theme": "sleep"}']
    assert slots["survey_shown"] == {"nature": 3, "sleep": 3}


def test_an_event_says_what_when_where_price_and_where_to_find_more(sqlite_client, reporting_url) -> None:
    _, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                      finished_tracker(all_answers(culture="not_now")))
    text = messages[1]["text"]
    assert "Seuraava kerta:" in text and " klo " in text  # when
    assert "Paikka:" in text and "Lahti" in text  # where
    assert "Maksuton." in text  # price
    assert "https://paijatha.fi" in text  # a link
    assert any("esimerkkitietoja" in m["text"] for m in messages)  # sample data is said to be such


def test_nothing_nearby_is_said_and_the_county_wide_options_are_given(sqlite_client, reporting_url) -> None:
    _, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                      finished_tracker(all_answers(eating="not_now"), municipality="Sysmä"))
    assert "Lähelläsi ei nyt ole" in messages[1]["text"]


def test_not_now_for_mood_also_offers_a_person(sqlite_client, reporting_url) -> None:
    _, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                      finished_tracker(all_answers(mood="not_now"), language="sv"))
    assert messages[-1]["buttons"] == [{"title": "Prata med en människa", "payload": "/human_handoff"}]
    _, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                      finished_tracker(all_answers(nature="not_now", mood="sometimes")))
    assert all(b["payload"] != "/human_handoff" for m in messages for b in m.get("buttons", []))


def test_all_going_well_gets_thanks_and_no_list(sqlite_client, reporting_url) -> None:
    slots, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                          finished_tracker(all_answers()))
    assert len(messages) == 1 and "Kiitos vastauksista" in messages[0]["text"]


def test_at_most_four_themes_at_once_and_the_rest_behind_buttons(sqlite_client, reporting_url) -> None:
    _, messages = run(ActionRecommendWellbeingServices(sqlite_client, reporting_url),
                      finished_tracker(all_answers("not_now")))
    headers = [m for m in messages if "(vastasit:" in m["text"]]
    assert len(headers) == 4
    summary = next(m for m in messages if m["text"].startswith("Yhteenveto"))
    assert len(summary["buttons"]) == len(all_themes())


def test_the_anonymous_figures_are_counted_and_a_stop_counts_nothing(sqlite_client, reporting_url) -> None:
    action = ActionRecommendWellbeingServices(sqlite_client, reporting_url)
    run(action, finished_tracker(all_answers(nature="not_now", mood="skip"), status="running"))
    run(action, finished_tracker(all_answers(nature="not_now"), status="running"))
    slots, messages = run(action, finished_tracker({"nature": "not_now"}, status="stopped"))
    assert "ei tallennettu" in messages[0]["text"] and slots["survey_answers"] is None
    month = datetime.now().strftime("%Y-%m")
    counts = wellbeing_counts(month, reporting_url)
    assert counts[("398", "nature", "not_now")] == 2
    assert counts[("398", "mood", "skip")] == 1 and counts[("398", "mood", "regularly")] == 1
    assert sum(counts.values()) == 2 * len(all_themes())


def test_more_continues_where_the_first_page_ended(sqlite_client) -> None:
    action = ActionShowMoreRecommendations(sqlite_client)
    first = recommend.suggestions_for(sqlite_client, by_key("community"), LAHTI, "fi")
    tracker = make_tracker("lisää yhteisöstä", "more_recommendations", slots={
        "municipality": "Lahti", "survey_answers": all_answers(community="not_now"), "survey_status": "completed",
        "survey_shown": {"community": 3}})
    slots, messages = run(action, tracker)
    assert first[3].card.name.value in messages[0]["text"]
    assert first[0].card.name.value not in messages[0]["text"].split("\n\n", 1)[1]
    assert slots["survey_shown"] == {"community": 6}


def test_more_without_a_questionnaire_offers_it(sqlite_client) -> None:
    _, messages = run(ActionShowMoreRecommendations(sqlite_client), make_tracker("more", "more_recommendations",
                                                                                  slots={"language": "en"}))
    assert messages[0]["buttons"][0]["payload"] == "/start_wellbeing_survey"


def test_a_directory_that_is_down_gets_a_clear_answer(reporting_url) -> None:
    down = DirectoryClient("postgresql://nobody@127.0.0.1:1/none")
    _, messages = run(ActionRecommendWellbeingServices(down, reporting_url), finished_tracker(all_answers(nature="not_now")))
    assert "116117" in messages[-1]["text"] and "112" in messages[-1]["text"]
