"""The questionnaire through the REST channel, as a person on the website chat goes through it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions.directory.client import DirectoryClient
from actions.wellbeing.themes import all_themes
from opastin import catalogue, places
from opastin.figures import wellbeing_counts
from tests.conftest import Say


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in replies)


def buttons(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in replies for b in m.get("buttons", [])]


RUNS: dict[str, dict[str, Any]] = {
    "fi": dict(
        start="haluan tehdä hyvinvointikyselyn",
        first="1/8. Liikutko",
        answers=[
            "joo kyllä",
            '/answer_survey{"survey_value": "not_now"}',
            "joskus",
            "3 kertaa viikossa",
            "ohita",
            "en juurikaan",
            "päivittäin",
            "kyllä säännöllisesti",
        ],
        place="Lahti",
        intro="Tässä ehdotuksia",
        header="Luonto (vastasit: en nyt)",
    ),
    "sv": dict(
        start="jag vill göra välmåendeenkäten",
        first="1/8. Rör du",
        answers=[
            "ja regelbundet",
            "nej inte alls",
            "ibland",
            "två gånger i veckan",
            "hoppa över",
            "sällan",
            "varje dag",
            "ja, ofta",
        ],
        place="Vanda",
        intro="Här är förslag",
        header="Natur (du svarade: inte nu)",
    ),
    "en": dict(
        start="i want to do the wellbeing check",
        first="1/8. Do you move",
        answers=[
            "yes regularly",
            "not at all",
            "sometimes",
            "3 times a week",
            "skip",
            "rarely",
            "every day",
            "yes, always",
        ],
        place="Pori",
        intro="Here are suggestions",
        header="Nature (you answered: not now)",
    ),
}


# What each run's answers mean, theme by theme: the same in every language.
MEANT = ["regularly", "not_now", "sometimes", "regularly", "skip", "sometimes", "regularly", "regularly"]
ANSWER_PAYLOADS = [
    f'/answer_survey{{"survey_value": "{value}"}}' for value in ("regularly", "sometimes", "not_now", "skip", "stop")
]


def question(language: str, number: int) -> str:
    """The card's question number `number` (1-based) as the person sees it: "3/8. …"."""
    themes = all_themes()
    return catalogue.text(
        "survey_question", language, number=number, total=len(themes), question=themes[number - 1].ask(language)
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_person_completes_the_questionnaire_and_gets_suggestions_that_exist(
    conversation: Say, stack: dict[str, str], language: str
) -> None:
    run = RUNS[language]
    month = f"{date.today():%Y-%m}"
    before = wellbeing_counts(month, stack["reporting"])
    opening = conversation(run["start"], language=language)
    # the notice (first message), what is asked and what happens to the answers, then the card's first question
    assert [m["text"] for m in opening] == [
        catalogue.text("notice", language),
        catalogue.text("survey_intro", language, count=len(all_themes())),
        catalogue.text("survey_privacy", language),
        question(language, 1),
    ]
    assert run["first"] in texts(opening)
    assert ("anonym" if language != "fi" else "nimettömän") in texts(opening)  # privacy before the first question
    asked = [opening[-1]]
    for answer in run["answers"][:-1]:
        reply = conversation(answer)
        assert len(reply) == 1, (answer, reply)  # each answer is followed by the next question only
        asked.append(reply[0])
    # the server asked every theme of the card once, in the card's order, each with the answer buttons
    assert [m["text"] for m in asked] == [question(language, n) for n in range(1, len(all_themes()) + 1)]
    assert all([b["payload"] for b in m["buttons"]] == ANSWER_PAYLOADS for m in asked)
    after_last = conversation(run["answers"][-1])
    assert "survey_value" not in texts(after_last)
    # something to suggest and no municipality yet: the place is asked, with the towns and an online way out
    assert [m["text"] for m in after_last] == [catalogue.text("survey_ask_municipality", language)]
    assert after_last[0]["buttons"][-1]["payload"] == '/answer_survey{"survey_value": "skip"}'
    final = conversation(run["place"])
    place = places.resolve(run["place"])
    answer = texts(final)
    assert final[0]["text"] == catalogue.text("survey_results_intro", language, place=place.name(language))
    assert run["intro"] in answer and run["header"] in answer
    # what is suggested is in the directory, in the person's county and language
    client = DirectoryClient(stack["directory"])
    names = {
        c.name.value
        for t in ("nature", "culture", "mood")
        for c in client.upcoming_events(t, None, language, limit=200)
    }
    names |= {
        c.name.value
        for t in ("nature", "culture", "mood")
        for c in client.services_for_theme(t, None, language) + client.search("library", None, language)
    }
    first_lines = [m.get("text", "").split("\n", 1)[0] for m in final]  # REST sends each "\n\n" part apart
    assert sum(line in names for line in first_lines) >= 3, first_lines
    assert '/more_recommendations{"survey_theme": "nature"}' in buttons(final)
    more = conversation('/more_recommendations{"survey_theme": "nature"}')
    assert run["header"].split(" (")[0] in texts(more)
    # the anonymous figures grew by one for each theme, with the answer the person's words meant
    after = wellbeing_counts(month, stack["reporting"])
    grown = {key: count - before.get(key, 0) for key, count in after.items() if count != before.get(key, 0)}
    assert grown == {(place.code, theme.key, meant): 1 for theme, meant in zip(all_themes(), MEANT, strict=True)}


def test_stopping_midway_saves_nothing_and_can_restart(conversation: Say, stack: dict[str, str]) -> None:
    month = f"{date.today():%Y-%m}"
    before = wellbeing_counts(month, stack["reporting"])
    conversation("haluan tehdä hyvinvointikyselyn", language="fi")
    conversation("joskus")
    stopped = conversation("lopeta")
    assert [m["text"] for m in stopped] == [catalogue.text("survey_stopped", "fi")]
    assert "Lopetimme kyselyn" in texts(stopped)
    assert buttons(stopped) == ["/start_wellbeing_survey"]
    again = conversation("/start_wellbeing_survey")
    assert [m["text"] for m in again] == [
        catalogue.text("survey_intro", "fi", count=len(all_themes())),
        catalogue.text("survey_privacy", "fi"),
        question("fi", 1),
    ]
    assert "1/8." in texts(again)
    assert wellbeing_counts(month, stack["reporting"]) == before  # nothing of the stopped run was counted


def test_a_crisis_answer_stops_the_questionnaire_and_the_crisis_line_comes_first(conversation: Say) -> None:
    conversation("i want to do the wellbeing check", language="en")
    asked = conversation("sometimes")
    assert [m["text"] for m in asked] == [question("en", 2)]  # the questionnaire is running
    reply = conversation("i want to die")
    assert "09 2525 0113" in reply[0]["text"]
    after = conversation("sometimes")  # the form is over: an answer now is not taken as one
    assert after and "2/8." not in texts(after) and "3/8." not in texts(after)
