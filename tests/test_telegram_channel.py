"""The Telegram channel in this process against a fake Bot API server: the webhook's doors, answers, buttons,
order, and live chat with an agent. The assistant stands in for Rasa (tests/fakes/assistant.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from opastin import catalogue
from opastin.channels import delivery
from opastin.channels.console_work import ConversationWork
from opastin.channels.hub import Hub
from opastin.channels.telegram import TelegramInput, TelegramSettings
from opastin.handoff import agents, routes
from opastin.handoff.queue import HandoffStore
from tests.conftest import new_handoff_store
from tests.fakes.assistant import LONG_PAYLOAD, Assistant, Request, route, telegram_press, telegram_update
from tests.fakes.server import serving
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:ABC-test-token"
SECRET = "s3cret-token_OK"
KEY = "pseudonym-key-for-tests-0123456789abcdef"
CHAT = 555000111


@pytest.fixture
def fake() -> Iterator[tuple[FakeTelegram, str]]:
    telegram = FakeTelegram(TOKEN)
    with serving(telegram.app()) as base:
        yield telegram, base
    delivery.unregister("telegram")


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    return new_handoff_store(tmp_path)


class Harness:
    """The channel's webhook as Rasa serves it, and what the person saw."""

    def __init__(self, base: str, store: HandoffStore, assistant: Assistant, languages: dict[str, str] | None = None):
        async def language_of(sender: str) -> str | None:
            return (languages or {}).get(sender)

        settings = TelegramSettings(TOKEN, SECRET, base, None, KEY)
        self.channel = TelegramInput(settings, store=store, hub=Hub(), language_of=language_of)
        self.webhook = route(self.channel.blueprint(assistant), "/webhook")
        assert self.channel.bot is not None
        self.bot = self.channel.bot

    async def post(self, body: bytes, secret: str | None = SECRET) -> Any:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        reply = await self.webhook(Request(body, headers))
        await self.bot.background.drain()
        return reply

    async def close(self) -> None:
        await self.bot.api.client.close()


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(scenario())


def test_a_forged_webhook_gets_403_and_reaches_no_bot(fake: tuple[FakeTelegram, str], store: HandoffStore) -> None:
    telegram, base = fake
    assistant = Assistant(store)

    async def scenario() -> list[int]:
        harness = Harness(base, store, assistant)
        statuses = [(await harness.post(telegram_update(1, CHAT, "hei"), secret=s)).status for s in ("wrong", "", None)]
        statuses.append((await harness.post(b"{not json", secret=SECRET)).status)
        await harness.close()
        return statuses

    assert run(scenario) == [403, 403, 403, 400]
    assert assistant.heard == [] and telegram.calls == []


def test_the_channel_is_off_without_a_token(store: HandoffStore) -> None:
    off = TelegramInput(None, store=store, hub=Hub())
    reply: Any = asyncio.run(route(off.blueprint(Assistant(store)), "/webhook")(Request(b"{}", {})))
    assert reply.status == 404 and off.bot is None


def test_a_message_is_answered_once_with_its_buttons_and_an_id_that_is_no_chat_id(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        reply = await harness.post(telegram_update(7, CHAT, "tarvitsen hammaslääkärin"))
        assert reply.status == 200
        await harness.post(telegram_update(7, CHAT, "tarvitsen hammaslääkärin"))  # Telegram sent it again
        await harness.close()

    run(scenario)
    [message] = assistant.heard
    assert message.input_channel == "telegram" and message.sender_id.startswith("tg-")
    assert str(CHAT) not in message.sender_id
    [sent] = telegram.sent(CHAT)
    assert sent["text"] == "Missä kunnassa asut?" and "parse_mode" not in sent
    keyboard = sent["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Lahti", "Heinola"]
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)  # the long payload is mapped


def test_a_button_press_is_answered_marked_and_its_payload_goes_to_the_bot(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        await harness.post(telegram_update(1, CHAT, "hammaslääkäri"))
        first = telegram.sent(CHAT)[-1]
        await harness.post(telegram_update(2, CHAT, "hammas taas"))
        second = telegram.sent(CHAT)[-1]
        await harness.post(telegram_press(3, CHAT, first, "Heinola"))  # an older keyboard: refused
        await harness.post(telegram_press(4, CHAT, second, "Lahti"))
        await harness.post(telegram_press(5, CHAT, second, "Lahti"))  # pressed again: its moment has passed
        await harness.close()

    run(scenario)
    assert assistant.texts() == ["hammaslääkäri", "hammas taas", LONG_PAYLOAD]
    answers = telegram.of("answerCallbackQuery")
    assert [a["callback_query_id"] for a in answers] == ["q3", "q4", "q5"]  # every press is answered
    assert answers[0]["text"] == catalogue.text("channel_choice_expired", "fi") and "text" not in answers[1]
    edits = telegram.of("editMessageReplyMarkup")
    assert edits[0]["reply_markup"] == {"inline_keyboard": []}
    assert edits[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "✓ Lahti"
    assert [m["text"] for m in telegram.sent(CHAT)[-2:]] == [
        "Näistä saat apua (Lahti):",
        "Hammashoitola Lahti\n- Puhelin: 03 555 0100",
    ]


def test_start_greets_in_the_apps_language_and_other_messages_carry_none(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        await harness.post(telegram_update(1, CHAT, "/start", language="sv-FI"))
        await harness.post(telegram_update(2, CHAT, "hej", language="sv"))
        await harness.post(telegram_update(3, CHAT + 1, "/start", language="de"))
        await harness.close()

    run(scenario)
    assert [(m.text, m.metadata) for m in assistant.heard] == [
        ("/greet", {"language": "sv"}),
        ("hej", {}),
        ("/greet", {}),  # German: the conversation starts in Finnish and follows what the person writes
    ]


def test_what_is_not_text_gets_a_plain_answer_in_the_persons_language(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store)

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        await harness.post(telegram_update(1, CHAT, None, language="en", sticker={"file_id": "x"}))
        await harness.post(telegram_update(2, CHAT, "a" * 3000, language="en"))
        await harness.close()

    run(scenario)
    assert assistant.heard == []
    assert [m["text"] for m in telegram.sent(CHAT)] == [
        catalogue.text("channel_text_only", "en"),
        catalogue.text("channel_too_long", "en"),
    ]


def test_groups_are_not_answered(fake: tuple[FakeTelegram, str], store: HandoffStore) -> None:
    telegram, base = fake
    assistant = Assistant(store)
    group = telegram_update(1, -100123, "hei").replace(b'"type": "private"', b'"type": "group"')

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        await harness.post(group)
        await harness.close()

    run(scenario)
    assert assistant.heard == [] and telegram.sent() == []


def test_messages_are_answered_in_the_order_they_came_even_when_the_first_is_slow(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store, delays={"yksi": 0.3, "kaksi": 0.1})

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        replies = [
            await harness.webhook(Request(telegram_update(n, CHAT, w), headers))
            for n, w in enumerate(["yksi", "kaksi", "kolme"])
        ]
        assert [r.status for r in replies] == [200, 200, 200]  # answered before any was handled
        assert assistant.heard == []
        await harness.bot.background.drain()
        await harness.close()

    run(scenario)
    assert [m["text"] for m in telegram.sent(CHAT)] == ["kuulin: yksi", "kuulin: kaksi", "kuulin: kolme"]


def test_when_the_assistant_cannot_answer_the_person_gets_112_first(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake

    async def scenario() -> None:
        harness = Harness(base, store, Assistant(store, silent=True))
        await harness.post(telegram_update(1, CHAT, "where is the health station"))
        await harness.close()

    run(scenario)
    [sent] = telegram.sent(CHAT)
    assert sent["text"] == catalogue.text("assistant_unavailable", "en") and sent["text"].index("112") < sent[
        "text"
    ].index("116117")


def test_live_chat_the_agents_replies_reach_telegram_and_the_persons_messages_reach_the_agent(
    fake: tuple[FakeTelegram, str], store: HandoffStore
) -> None:
    telegram, base = fake
    assistant = Assistant(store)
    agent = agents.add_agent(store, "anna", "pitkä-ja-hyvä-salasana", "paijat-hame", "Anna")

    async def scenario() -> None:
        harness = Harness(base, store, assistant)
        await harness.post(telegram_update(1, CHAT, "ihminen"))
        sender = assistant.heard[0].sender_id
        assert routes.route_for(store, sender) == routes.Route(
            "telegram", str(CHAT)
        )  # kept while the hand-over is open
        await harness.post(telegram_update(2, CHAT, "Kysyisin laskusta"))
        await harness.post(telegram_update(3, CHAT, "apua hän ei hengitä"))
        handoff = store.open_for_sender(sender)
        work = ConversationWork(harness.bot.hub, store)
        assert (await work.take(agent, handoff, {})).status == 200
        assert (
            await work.reply(agent, store.get(handoff.id), {"text": "Hei, <b>Anna</b> tässä. Miten voin auttaa?"})
        ).status == 200
        assert (await work.close(agent, store.get(handoff.id), {})).status == 200
        assert routes.route_for(store, sender) is None  # forgotten once the hand-over ended
        await harness.post(telegram_update(4, CHAT, "kiitos"))  # back with the bot
        await harness.close()

    run(scenario)
    assert assistant.texts() == ["ihminen", "kiitos"]  # nothing written during the hand-over reached the bot
    handoff_messages = [m["text"] for m in telegram.sent(CHAT)]
    assert handoff_messages == [
        "Olet jonossa sijalla 1.",
        catalogue.text("handoff_waiting_note", "fi"),
        catalogue.text("handoff_emergency", "fi"),
        catalogue.text("handoff_taken", "fi", agent="Anna"),
        catalogue.text("channel_agent_says", "fi", text="Hei, <b>Anna</b> tässä. Miten voin auttaa?"),
        catalogue.text("handoff_closed_plain", "fi"),
        "kuulin: kiitos",
    ]
