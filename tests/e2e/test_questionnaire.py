"""The questionnaire through the REST channel, as a person on the website chat goes through it."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions.directory.client import DirectoryClient
from opastin.figures import wellbeing_counts
from actions.wellbeing.themes import all_themes
from opastin import places
from tests.conftest import Say


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


RUNS = {
    "fi": dict(start="haluan tehdä hyvinvointikyselyn", first="1/8. Liikutko",
               answers=["joo kyllä", "/answer_survey{\"survey_value\": \"not_now\"}", "joskus", "3 kertaa viikossa",
                        "ohita", "en juurikaan", "päivittäin", "kyllä säännöllisesti"],
               place="Lahti", intro="Tässä ehdotuksia", header="Luonto (vastasit: en nyt)"),
    "sv": dict(start="jag vill göra välmåendeenkäten", first="1/8. Rör du",
               answers=["ja regelbundet", "nej inte alls", "ibland", "två gånger i veckan", "hoppa över",
                        "sällan", "varje dag", "ja, ofta"],
               place="Vanda", intro="Här är förslag", header="Natur (du svarade: inte nu)"),
    "en": dict(start="i want to do the wellbeing check", first="1/8. Do you move",
               answers=["yes regularly", "not at all", "sometimes", "3 times a week", "skip", "rarely",
                        "every day", "yes, always"],
               place="Pori", intro="Here are suggestions", header="Nature (you answered: not now)"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_person_completes_the_questionnaire_and_gets_suggestions_that_exist(
        conversation: Say, stack: dict[str, str], language: str) -> None:
    run = RUNS[language]
    opening = conversation(run["start"], language=language)
    assert run["first"] in texts(opening)
    assert ("anonym" if language != "fi" else "nimettömän") in texts(opening)  # privacy before the first question
    turns = 1
    for number, answer in enumerate(run["answers"], start=2):
        reply = conversation(answer)
        turns += 1
        if number <= len(all_themes()):
            assert f"{number}/{len(all_themes())}." in texts(reply), (answer, reply)
    assert "survey_value" not in texts(reply)
    final = conversation(run["place"])
    turns += 1
    assert turns == len(all_themes()) + 2  # start, one answer a theme, the place
    answer = texts(final)
    assert run["intro"] in answer and run["header"] in answer
    # what is suggested is in the directory, in the person's county and language
    client = DirectoryClient(stack["directory"])
    names = {c.name.value for t in ("nature", "culture", "mood")
             for c in client.upcoming_events(t, None, language, limit=200)}
    names |= {c.name.value for t in ("nature", "culture", "mood")
              for c in client.services_for_theme(t, None, language) + client.search("library", None, language)}
    first_lines = [m.get("text", "").split("\n", 1)[0] for m in final]
    assert sum(line in names for line in first_lines) >= 3, first_lines
    assert '/more_recommendations{"survey_theme": "nature"}' in buttons(final)
    more = conversation('/more_recommendations{"survey_theme": "nature"}')
    assert run["header"].split(" (")[0] in texts(more)
    code = places.resolve(run["place"]).code
    counts = wellbeing_counts(f"{date.today():%Y-%m}", stack["reporting"])
    assert counts[(code, "nature", "not_now")] >= 1 and counts[(code, "physical_activity", "regularly")] >= 1


def test_stopping_midway_saves_nothing_and_can_restart(conversation: Say, stack: dict[str, str]) -> None:
    conversation("haluan tehdä hyvinvointikyselyn", language="fi")
    conversation("joskus")
    stopped = conversation("lopeta")
    assert "Lopetimme kyselyn" in texts(stopped)
    assert "/start_wellbeing_survey" in buttons(stopped)
    again = conversation("/start_wellbeing_survey")
    assert "1/8." in texts(again)


def test_a_crisis_answer_stops_the_questionnaire_and_the_crisis_line_comes_first(conversation: Say) -> None:
    conversation("i want to do the wellbeing check", language="en")
    conversation("sometimes")
    reply = conversation("i want to die")
    assert "09 2525 0113" in reply[0]["text"]
    after = conversation("sometimes")  # the form is over: an answer now is not taken as one
    assert "2/8." not in texts(after) and "3/8." not in texts(after)
