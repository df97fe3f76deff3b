"""A person on Telegram and on SMS, against the real Rasa and action servers and fake Bot API and Twilio servers:
a service question, the 112 safety net, the questionnaire and a callback request in fi, sv and en; forged
webhooks; live chat with an agent in the console; and SMS's STOP, MORE and duplicates. One stack for the module."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from actions.directory.client import DirectoryClient
from actions.wellbeing.themes import all_themes
from opastin import catalogue, places
from opastin.channels.sms_text import for_sms, segments
from opastin.devstack import free_port, servers
from opastin.handoff import agents
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import Callback
from tests.conftest import stack_stores
from tests.e2e.people import SmsPerson, Stack, TelegramPerson
from tests.fakes.server import serving, wait_until
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

PASSWORD = "pitkä-ja-hyvä-salasana"
CONSOLE = {"X-Opastin-Console": "1"}
People = type[TelegramPerson] | type[SmsPerson]
CHANNELS = {"telegram": TelegramPerson, "sms": SmsPerson}

SAID: dict[str, dict[str, Any]] = {
    "fi": dict(
        service="tarvitsen hammaslääkärin",
        emergency="apua mieheni ei hengitä",
        survey="haluan tehdä hyvinvointikyselyn",
        answers=[1, "joskus", 3, "3 kertaa viikossa", "ohita", "en juurikaan", "päivittäin", 1],
        place="Lahti",
        callback="voisiko joku soittaa minulle takaisin",
        phone="numeroni on 040 123 4567",  # in a sentence: today's model reads a bare number as an emergency
        topic="Kysyisin kotihoidon asiakasmaksusta",
        human="haluan puhua oikean ihmisen kanssa",
    ),
    "sv": dict(
        service="jag har tandvärk och behöver en tandläkare",
        emergency="hjälp min man andas inte",
        survey="jag vill göra välmåendeenkäten",
        answers=[1, "ibland", 3, "två gånger i veckan", "hoppa över", "sällan", "varje dag", 1],
        place="Vanda",
        callback="kan någon ringa upp mig",
        phone="mitt nummer är 050 555 1234",
        topic="Jag har en fråga om min faktura",
        human="jag vill prata med en riktig människa",
    ),
    "en": dict(
        service="i need a dentist",
        emergency="help my husband is not breathing",
        survey="i want to do the wellbeing check",
        answers=[1, "sometimes", 3, "3 times a week", "skip", "rarely", "every day", 1],
        place="Pori",
        callback="can someone call me back",
        phone="you can call me on 040 123 4567",
        topic="I need help with home care fees",
        human="i want to talk to a real person",
    ),
}
CASES = [pytest.param(CHANNELS[c], lang, id=f"{c}-{lang}") for c in CHANNELS for lang in SAID]


@pytest.fixture(scope="module")
def channels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stores = stack_stores(tmp_path_factory.mktemp("channels"), max_queue=50)
    urls = {kind: stores[f"{kind.upper()}_URL"] for kind in ("directory", "reporting", "handoff", "tracker")}
    telegram = FakeTelegram(f"{secrets.randbelow(10**9)}:{secrets.token_urlsafe(20)}")
    twilio = FakeTwilio("AC" + uuid.uuid4().hex, secrets.token_hex(16))
    port, key, secret, service = free_port(), secrets.token_urlsafe(32), secrets.token_urlsafe(24), "+358451234567"
    sms_url = f"http://127.0.0.1:{port}/webhooks/sms/webhook"
    with serving(telegram.app()) as telegram_api, serving(twilio.app()) as twilio_api:
        env = {
            **stores,
            "OPASTIN_PSEUDONYM_KEY": key,
            "OPASTIN_TELEGRAM_TOKEN": telegram.token,
            "OPASTIN_TELEGRAM_SECRET": secret,
            "OPASTIN_TELEGRAM_API": telegram_api,
            "OPASTIN_SMS_ACCOUNT_SID": twilio.account_sid,
            "OPASTIN_SMS_AUTH_TOKEN": twilio.auth_token,
            "OPASTIN_SMS_FROM": service,
            "OPASTIN_SMS_API": twilio_api,
            "OPASTIN_SMS_WEBHOOK_URL": sms_url,
        }
        with servers(env=env, rasa_port=port, name="e2e-channels") as base:
            yield Stack(base, key, telegram, secret, twilio, service, sms_url, urls)


def joined(replies: list[str]) -> str:
    return "\n".join(replies)


@pytest.mark.parametrize("person_of, language", CASES)
def test_a_service_question_is_answered_from_the_directory_after_the_town_is_chosen(
    channels: Stack, person_of: People, language: str
) -> None:
    person = person_of(channels, language)
    greeting = person.start()  # Telegram's /start greets in the app's language; an SMS starts with the question
    asked = person.say(SAID[language]["service"])
    notice = (
        for_sms(catalogue.text("notice", language)) if person_of is SmsPerson else catalogue.text("notice", language)
    )
    assert notice in joined(greeting or asked)
    towns = person.choices()
    assert towns[:2] == [places.resolve("Lahti").name(language), places.resolve("Heinola").name(language)]
    answer = joined(person.choose(1))
    town = places.resolve(towns[0])
    assert town is not None
    assert catalogue.text("services_intro", language, place=town.name(language)) in answer
    [dental, *_] = DirectoryClient(channels.urls["directory"]).services_for_topic("dental_care", town.code, language)
    assert dental.name.value in answer and "116117" in answer
    assert "/inform_municipality" not in answer and "{" not in answer


@pytest.mark.parametrize("person_of, language", CASES)
def test_an_emergency_gets_112_first(channels: Stack, person_of: People, language: str) -> None:
    person = person_of(channels, language)
    first, *_ = person.say(SAID[language]["emergency"])
    assert "112" in first.split(".")[0] or "112" in first.split(".")[1]  # in the first sentence or two
    assert first.index("112") < min((first.index(n) for n in ("116117", "0800") if n in first), default=len(first))


@pytest.mark.parametrize("person_of, language", CASES)
def test_the_questionnaire_is_completed_with_buttons_numbers_and_words(
    channels: Stack, person_of: People, language: str
) -> None:
    person, said, themes = person_of(channels, language), SAID[language], all_themes()
    opening = joined(person.say(said["survey"]))
    assert "1/8." in opening and (for_sms(themes[0].ask(language)) in opening or themes[0].ask(language) in opening)
    for number, answer in enumerate(said["answers"][:-1], start=2):
        reply = joined(person.choose(answer) if isinstance(answer, int) else person.say(answer))
        assert f"{number}/8." in reply, (answer, reply)
    assert catalogue.text("survey_ask_municipality", language) in joined(person.choose(said["answers"][-1]))
    results = person.say(said["place"])
    place = places.resolve(said["place"])
    assert place is not None
    intro = catalogue.text("survey_results_intro", language, place=place.name(language))
    if person_of is SmsPerson:  # one SMS of at most 4 segments, then the rest on "LISÄÄ" / "MER" / "MORE"
        [first] = results
        more = for_sms(catalogue.text("sms_more", language))
        assert first.startswith(for_sms(intro)) and first.endswith(more) and segments(first) <= 4
        word = {"fi": "lisää", "sv": "MER", "en": "more"}[language]
        [rest] = person.say(word)
        assert rest and rest != first and not rest.startswith(for_sms(intro)) and segments(rest) <= 4
    else:
        assert results[0] == intro and len(results) > 3


@pytest.mark.parametrize("person_of, language", CASES)
def test_a_callback_request_is_sent_and_confirmed(channels: Stack, person_of: People, language: str) -> None:
    person, said = person_of(channels, language), SAID[language]
    assert catalogue.text("callback_ask_phone", language).split("?")[0] in joined(person.say(said["callback"]))
    assert catalogue.text("callback_ask_window", language) in joined(person.say(said["phone"]))
    assert catalogue.text("callback_ask_topic", language).split(".")[0] in joined(person.choose(2))
    confirmation = joined(person.say(said["topic"]))
    phone = "050 555 1234" if language == "sv" else "040 123 4567"
    expected = catalogue.text(
        "callback_confirmed",
        language,
        phone=phone,
        window=catalogue.text("callback_window_text_afternoon", language),
        topic=said["topic"],
    )
    assert (for_sms(expected) if person_of is SmsPerson else expected) in confirmation
    store = HandoffStore(channels.urls["handoff"])
    with store.session() as session:
        [callback] = session.query(Callback).filter(Callback.sender == person.sender).all()
    assert callback.phone == "+358" + phone.replace(" ", "")[1:] and callback.window == "afternoon"
    assert callback.language == language and callback.status == "waiting"


def test_forged_webhooks_get_403_and_reach_no_bot(channels: Stack) -> None:
    telegram, sms = TelegramPerson(channels, "fi"), SmsPerson(channels, "fi")
    forged = [
        telegram._post(b'{"update_id": 1, "message": {"text": "hei"}}', secret="arvattu-salaisuus").status_code,
        requests.post(f"{channels.base}/webhooks/telegram/webhook", json={"update_id": 2}, timeout=10).status_code,
        sms.post("hei", auth_token="someone-elses-token").status_code,
        requests.post(
            channels.sms_url, data={"From": sms.number, "Body": "hei", "MessageSid": "SM1"}, timeout=10
        ).status_code,
    ]
    assert forged == [403, 403, 403, 403]
    assert channels.user_turns(telegram.sender) == 0 and channels.user_turns(sms.sender) == 0
    assert telegram.inbox() == [] and sms.inbox() == []


def test_the_same_message_sid_is_answered_once(channels: Stack) -> None:
    person = SmsPerson(channels, "fi")
    assert [person.post("hei", message_sid="SM" + "d" * 32).status_code for _ in range(3)] == [200, 200, 200]
    wait_until(lambda: person.inbox(), 60, "the answer")
    wait_until(lambda: channels.user_turns(person.sender) == 1, 30, "the turn stored")
    person.say("kiitos")  # a later message is answered after it: the repeats were not
    assert len(person.inbox()) == 2 and channels.user_turns(person.sender) == 2


@pytest.mark.parametrize("word, language", [("STOP", "en"), ("Lopeta", "fi"), ("sluta", "sv")])
def test_stop_ends_the_conversation_erases_it_and_confirms_once(channels: Stack, word: str, language: str) -> None:
    person = SmsPerson(channels, language)
    person.say(SAID[language]["service"])
    assert channels.user_turns(person.sender) == 1
    assert person.say(word) == [for_sms(catalogue.text("sms_stopped", language))]
    assert channels.user_turns(person.sender) == 0  # nothing of it is left in the tracker store


def console(channels: Stack, username: str) -> requests.Session:
    session = requests.Session()
    login = session.post(
        f"{channels.base}/webhooks/console/api/login",
        data=json.dumps({"username": username, "password": PASSWORD}),
        headers=CONSOLE,
        timeout=30,
    )
    assert login.status_code == 200
    return session


@pytest.mark.parametrize("person_of", [TelegramPerson, SmsPerson], ids=["telegram", "sms"])
def test_live_chat_the_agent_and_the_person_reach_each_other(channels: Stack, person_of: People) -> None:
    person = person_of(channels, "fi")
    username = f"agent-{uuid.uuid4().hex[:8]}"
    agents.add_agent(HandoffStore(channels.urls["handoff"]), username, PASSWORD, "paijat-hame", "Anna")
    agent = console(channels, username)
    assert "jonossa" in joined(person.say(SAID["fi"]["human"]))
    handoff = HandoffStore(channels.urls["handoff"]).open_for_sender(person.sender)
    assert handoff is not None
    api = f"{channels.base}/webhooks/console/api/conversations/{handoff.id}"
    assert person.write("Kysyisin kotihoidon laskusta") == [catalogue.text("handoff_waiting_note", "fi")]
    messages = agent.get(api, timeout=30).json()["messages"]
    assert [m["text"] for m in messages] == ["Kysyisin kotihoidon laskusta"]  # the person's words reach the agent
    told: list[str] = []
    for verb, body in (
        ("take", {}),
        ("messages", {"text": "Hei, Anna tässä. Katsotaan laskua yhdessä."}),
        ("close", {}),
    ):
        before = len(person.inbox())
        assert agent.post(f"{api}/{verb}", data=json.dumps(body), headers=CONSOLE, timeout=30).status_code == 200

        def news(since: int = before) -> list[str]:
            return person.inbox()[since:]

        told += wait_until(news, 60, f"what '{verb}' tells the person")
    assert told == [
        catalogue.text("handoff_taken", "fi", agent="Anna"),
        "Asiakasohjaaja: Hei, Anna tässä. Katsotaan laskua yhdessä.",
        catalogue.text("handoff_closed_plain", "fi"),
    ]
    assert channels.user_turns(person.sender) == 1  # nothing of the live chat went to the bot
    assert person.say("kiitos paljon") and channels.user_turns(person.sender) == 2  # the bot answers again
