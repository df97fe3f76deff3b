"""The SMS channel in this process against a fake Twilio: signed webhooks only, one SMS an answer with numbered
choices, MORE, STOP that erases, a MessageSid answered once, and live chat. The assistant stands in for Rasa."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from opastin import catalogue, retention, setup_databases
from opastin.channels import delivery
from opastin.channels.api_client import ApiClient
from opastin.channels.console_work import ConversationWork
from opastin.channels.hub import Hub
from opastin.channels.sms import EMPTY_TWIML, SmsInput, SmsSettings
from opastin.channels.sms_text import for_sms, segments
from opastin.channels.twilio_api import TwilioApi
from opastin.handoff import agents, routes
from opastin.handoff.queue import HandoffStore
from tests.fakes.assistant import LONG_PAYLOAD, Assistant, Request, route
from tests.fakes.server import serving
from tests.fakes.twilio_api import FakeTwilio, inbound

ACCOUNT = "AC" + "0" * 32
AUTH = "twilio-auth-token-for-tests"
SERVICE = "+358451234567"
PERSON = "+358401234567"
PUBLIC_URL = "https://opastin.example.fi/webhooks/sms/webhook"
KEY = "pseudonym-key-for-tests-0123456789abcdef"


@pytest.fixture
def fake() -> Iterator[tuple[FakeTwilio, str]]:
    twilio = FakeTwilio(ACCOUNT, AUTH)
    with serving(twilio.app()) as base:
        yield twilio, base
    delivery.unregister("sms")


@pytest.fixture
def urls(tmp_path: Path) -> dict[str, str]:
    found = {name: f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")}
    setup_databases.create_all(found["handoff"], found["reporting"], found["tracker"])
    return found


@pytest.fixture
def store(urls: dict[str, str]) -> HandoffStore:
    return HandoffStore(urls["handoff"])


class Harness:
    def __init__(
        self, base: str, store: HandoffStore, assistant: Assistant, urls: dict[str, str], language: str = "fi"
    ):
        async def language_of(sender: str) -> str | None:
            return language

        self.erased: list[str] = []

        def erase(sender: str) -> int:  # the test's databases, not the environment's
            self.erased.append(sender)
            return retention.erase(sender, tracker=urls["tracker"], handoff=urls["handoff"])

        settings = SmsSettings(ACCOUNT, AUTH, SERVICE, PUBLIC_URL, base, 4, KEY)
        self.channel = SmsInput(settings, store=store, hub=Hub(), language_of=language_of, erase=erase)
        assert self.channel.bot is not None
        self.bot = self.channel.bot
        self.webhook = route(self.channel.blueprint(assistant), "/webhook")

    async def text(
        self, body: str, *, sid: str | None = None, signature: str | None = None, url: str = PUBLIC_URL
    ) -> Any:
        form = inbound(ACCOUNT, SERVICE, PERSON, body, sid)
        given = RequestValidator(AUTH).compute_signature(url, form) if signature is None else signature
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": given}
        reply = await self.webhook(Request(urlencode(form).encode(), headers))
        await self.bot.background.drain()
        return reply

    async def close(self) -> None:
        await self.bot.replies.api.client.close()


def bodies(twilio: FakeTwilio) -> list[str]:
    return [m["Body"] for m in twilio.sent(PERSON)]


def test_a_forged_or_unsigned_webhook_gets_403_and_reaches_no_bot(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str]
) -> None:
    twilio, base = fake
    assistant = Assistant(store)

    async def scenario() -> list[int]:
        harness = Harness(base, store, assistant, urls)
        forged = RequestValidator("someone-elses-token").compute_signature(
            PUBLIC_URL, inbound(ACCOUNT, SERVICE, PERSON, "x")
        )
        statuses = [
            (await harness.text("hei", signature="")).status,
            (await harness.text("hei", signature=forged)).status,
            (await harness.text("hei", url="http://127.0.0.1:5005/webhooks/sms/webhook")).status,  # not the public URL
        ]
        await harness.close()
        return statuses

    assert asyncio.run(scenario()) == [403, 403, 403]
    assert assistant.heard == [] and twilio.sent() == []


def test_an_answer_is_one_sms_with_numbered_choices_and_a_number_chooses(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str]
) -> None:
    twilio, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant, urls)
        reply = await harness.text("tarvitsen hammaslääkärin", sid="SM1")
        assert reply.status == 200 and reply.body.decode() == EMPTY_TWIML
        assert reply.content_type.startswith("text/xml")
        await harness.text("tarvitsen hammaslääkärin", sid="SM1")  # the gateway sent it again
        await harness.text("1")
        await harness.text("heinola")  # no choices now: the bot reads it
        await harness.close()

    asyncio.run(scenario())
    assert assistant.texts() == ["tarvitsen hammaslääkärin", LONG_PAYLOAD, "heinola"]
    assert assistant.heard[0].sender_id.startswith("sms-") and "401234567" not in assistant.heard[0].sender_id
    first, card, _ = bodies(twilio)
    assert first == f"Missä kunnassa asut?\n\n1 Lahti\n2 Heinola\n{catalogue.text('sms_choose', 'fi')}"
    assert "/" not in first and "{" not in first  # no payload reaches the person
    assert card == "Näistä saat apua (Lahti):\n\nHammashoitola Lahti\n- Puhelin: 03 555 0100"
    assert all(m["From"] == SERVICE for m in twilio.sent(PERSON))


@pytest.mark.parametrize("language, more", [("fi", "LISÄÄ"), ("sv", "mer"), ("en", "More")])
def test_a_long_answer_is_capped_and_more_gives_the_rest(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str], language: str, more: str
) -> None:
    twilio, base = fake
    assistant = Assistant(store)

    hint = for_sms(catalogue.text("sms_more", language))

    async def scenario() -> None:
        harness = Harness(base, store, assistant, urls, language=language)
        await harness.text("pitkä")
        while bodies(twilio)[-1].endswith(hint):
            await harness.text(more)
        await harness.text(more)  # nothing is left now
        await harness.close()

    asyncio.run(scenario())
    sent = bodies(twilio)
    assert len(sent) >= 3
    assert all(segments(body) <= 4 for body in sent)
    assert sent[0].endswith(hint) and "Palvelu 0\n" in sent[0]
    parts = [body.removesuffix(hint).strip() for body in sent if not body.startswith("kuulin")]
    assert "\n\n".join(parts) == "\n\n".join(
        f"Palvelu {n}\n- Puhelin: 03 555 01{n:02d}\n- Osoite: Esimerkkikatu {n}, Lahti" for n in range(15)
    )
    assert sent[-1] == f"kuulin: {more}"  # nothing left: the word went to the bot
    assert assistant.texts() == ["pitkä", more]


@pytest.mark.parametrize("word, language", [("STOP", "en"), ("lopeta", "fi"), ("Sluta", "sv")])
def test_stop_erases_the_conversation_and_confirms_once(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str], word: str, language: str
) -> None:
    twilio, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant, urls, language=language)
        await harness.text("ihminen")
        sender = assistant.heard[0].sender_id
        store.hold_phone(sender, PERSON)
        await harness.text(word)
        assert harness.erased == [sender]
        assert store.open_for_sender(sender) is None and store.held_phone(sender) is None
        assert routes.route_for(store, sender) is None
        await harness.close()

    asyncio.run(scenario())
    assert assistant.texts() == ["ihminen"]  # STOP never reached the bot (nor the agent)
    assert bodies(twilio)[-1] == for_sms(catalogue.text("sms_stopped", language))


def test_the_assistant_failing_still_sends_112(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str]
) -> None:
    twilio, base = fake

    async def scenario() -> None:
        harness = Harness(base, store, Assistant(store, silent=True), urls, language="sv")
        await harness.text("var finns hälsostationen i Vanda")
        await harness.close()

    asyncio.run(scenario())
    [body] = bodies(twilio)
    assert body == for_sms(catalogue.text("assistant_unavailable", "sv")) and body.index("112") < body.index("116117")


def test_live_chat_over_sms(fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str]) -> None:
    twilio, base = fake
    assistant = Assistant(store)
    agent = agents.add_agent(store, "ville", "pitkä-ja-hyvä-salasana", "paijat-hame", "Ville")

    async def scenario() -> None:
        harness = Harness(base, store, assistant, urls)
        await harness.text("ihminen")
        sender = assistant.heard[0].sender_id
        await harness.text("Kysyisin kotihoidosta")
        handoff = store.open_for_sender(sender)
        assert [m.text for m in store.messages(handoff.id)] == ["Kysyisin kotihoidosta"]
        work = ConversationWork(harness.bot.hub, store)
        await work.take(agent, handoff, {})
        await work.reply(agent, store.get(handoff.id), {"text": "Hei! Soitan sinulle **huomenna** – sopiiko?"})
        await work.hand_back(agent, store.get(handoff.id), {})
        await harness.close()

    asyncio.run(scenario())
    assert bodies(twilio) == [
        "Olet jonossa sijalla 1.",
        for_sms(catalogue.text("handoff_waiting_note", "fi")),
        for_sms(catalogue.text("handoff_taken", "fi", agent="Ville")),
        "Asiakasohjaaja: Hei! Soitan sinulle huomenna - sopiiko?",
        for_sms(catalogue.text("handoff_returned", "fi")),
    ]
    assert assistant.texts() == ["ihminen"]


def test_twilio_429_is_tried_again_after_its_retry_after(fake: tuple[FakeTwilio, str]) -> None:
    twilio, base = fake
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async def scenario() -> str | None:
        api = TwilioApi(ACCOUNT, AUTH, SERVICE, base, ApiClient("twilio", sleep=no_wait))
        twilio.fail_next(429, retry_after=2)
        sid = await api.send(PERSON, "Soita 112.")
        wrong = await TwilioApi(ACCOUNT, "wrong-token", SERVICE, base, ApiClient("twilio", sleep=no_wait)).send(
            PERSON, "x"
        )
        await api.client.close()
        assert wrong is None
        return sid

    sid = asyncio.run(scenario())
    assert sid is not None and sid.startswith("SM") and waits == [2.0]
    assert [m["Body"] for m in twilio.sent(PERSON) if "sid" in m] == ["Soita 112."]


def test_a_conversation_that_writes_like_a_script_is_cut_off(
    fake: tuple[FakeTwilio, str], store: HandoffStore, urls: dict[str, str]
) -> None:
    twilio, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant, urls)
        for n in range(25):
            await harness.text(f"viesti {n}")
        await harness.close()

    asyncio.run(scenario())
    assert len(assistant.heard) == 20 and len(bodies(twilio)) == 20  # a burst of 20, then one a second
