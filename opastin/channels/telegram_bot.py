"""What the Telegram channel does with an authentic update: reads it, then answers it in the background.

A message goes to the bot (or to the agent during a hand-over). A button press is answered at once
(answerCallbackQuery), its keyboard becomes "✓ <choice>", and its payload goes on as the person's
message; a press on an older keyboard is refused, as the web chat disables old choices. What is not
text (a photo, a sticker) gets a short "I can only read text" in the person's language.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from opastin import catalogue
from opastin.channels.config import api_channel_limit
from opastin.channels.hub import PushHub
from opastin.channels.inbound import RequestError, clean_text, unavailable
from opastin.channels.memory import Seen
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.telegram_api import TelegramApi
from opastin.channels.telegram_output import Chats, TelegramOutput, send
from opastin.channels.telegram_text import CHOSEN, chosen_keyboard, title_of
from opastin.channels.turns import Background, LanguageOf, Said, to_bot_or_agent
from opastin.handoff.queue import HandoffStore
from opastin.language import normalise_code

log = logging.getLogger(__name__)

OnMessage = Callable[[UserMessage], Awaitable[Any]]
CHANNEL = "telegram"
NO_KEYBOARD = 0  # no message's buttons may be pressed now (message ids start at 1)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class TelegramBot:
    def __init__(self, api: TelegramApi, senders: Pseudonyms, store: Callable[[], HandoffStore], hub: PushHub) -> None:
        self.api = api
        self.senders = senders
        self.chats = Chats()
        self.background = Background()
        self.seen = Seen(100_000, 24 * 3600)  # Telegram keeps an undelivered update for 24 hours
        self.per_sender = api_channel_limit()
        self._store = store
        self.hub = hub

    def take(self, update: dict[str, Any], on_new_message: OnMessage, language_of: LanguageOf) -> None:
        """Starts the update's work in the background, once per update_id; private chats only."""
        if not self.seen.first_time(str(update.get("update_id"))):
            return
        message, press = _dict(update.get("message")), _dict(update.get("callback_query"))
        chat = _dict((message or _dict(press.get("message"))).get("chat"))
        if chat.get("type") != "private" or not isinstance(chat.get("id"), int):
            if press:
                self._answer_press(press)
            return  # groups, channels and other updates are no conversation with one person
        chat_id: int = chat["id"]
        sender = self.senders.sender(str(chat_id))
        app_language = normalise_code(_dict((press or message).get("from")).get("language_code"))
        if self.per_sender.wait(sender):
            log.info("telegram: a conversation writes too fast; a message was dropped")
            if press:
                self._answer_press(press)
            return
        said = self._press(press, chat_id, sender, app_language) if press else self._message(message, chat_id, sender)
        if said is None:
            return

        async def work() -> None:
            if isinstance(said, str):
                language = await language_of(sender) or app_language or "fi"
                await send(self.api, self.chats, chat_id, catalogue.text(said, language), [])
            else:
                await self._answer(said, chat_id, on_new_message, language_of, app_language)

        self.background.start(sender, work, "answering a telegram message")

    def _message(self, message: dict[str, Any], chat_id: int, sender: str) -> Said | str:
        """What goes on: the person's words, "/start" as a greeting, or the key of the channel's own reply."""
        self.chats.keyboards.put(str(chat_id), NO_KEYBOARD)  # as in the web chat, a reply ends the choices
        text = message.get("text")
        if not isinstance(text, str):
            return "channel_text_only"
        try:
            text = clean_text(text)
        except RequestError as error:
            return "channel_too_long" if error.status == 413 else "channel_text_only"
        if text.strip().split(" ")[0].split("@")[0] == "/start":
            language = normalise_code(_dict(message.get("from")).get("language_code"))
            return Said(sender, CHANNEL, str(chat_id), "/greet", text, {"language": language} if language else {})
        return Said(sender, CHANNEL, str(chat_id), text, text, {})

    def _answer_press(self, press: dict[str, Any], text: str | None = None) -> None:
        self.background.detach(self.api.answer_callback_query(str(press.get("id")), text), "answering a press")

    def _press(self, press: dict[str, Any], chat_id: int, sender: str, app_language: str | None) -> Said | None:
        data, source = str(press.get("data") or ""), _dict(press.get("message"))
        message_id = source.get("message_id")
        latest = self.chats.keyboards.get(str(chat_id))
        if data == CHOSEN or not isinstance(message_id, int):
            self._answer_press(press)
            return None
        if latest is not None and message_id != latest:  # an older keyboard: its moment has passed
            self._answer_press(press, catalogue.text("channel_choice_expired", app_language or "fi"))
            self.background.detach(self.api.edit_keyboard(chat_id, message_id, []), "removing a keyboard")
            return None
        self._answer_press(press)
        title = title_of(source.get("reply_markup"), data)
        payload = self.chats.buttons.payload(data) or title  # a long payload this process forgot: its title
        self.chats.keyboards.put(str(chat_id), NO_KEYBOARD)  # a double tap finds the choice made
        if title:
            self.background.detach(
                self.api.edit_keyboard(chat_id, message_id, chosen_keyboard(title)), "marking a choice"
            )
        return Said(sender, CHANNEL, str(chat_id), payload, title or payload, {}) if payload else None

    async def _answer(
        self, said: Said, chat_id: int, on_new_message: OnMessage, language_of: LanguageOf, app_language: str | None
    ) -> None:
        output = TelegramOutput(self.api, self.chats, chat_id)
        relayed = await to_bot_or_agent(said, output, on_new_message, self._store(), self.hub)
        if not relayed and not output.sent:  # the assistant could not answer: never a silent nothing
            language = said.metadata.get("language") or await language_of(said.sender)
            await send(self.api, self.chats, chat_id, unavailable(said.shown, language)["text"], [])
