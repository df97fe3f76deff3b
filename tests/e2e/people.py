"""A person on Telegram or on SMS, as the real Rasa server sees them: webhooks in, the fake API's record out.

`say` and `choose` return what the person got for that message. A Telegram turn is over when Rasa has
stored it (the channel sends every answer before Rasa stores the turn); an SMS turn is one SMS.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import requests

from opastin import catalogue
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.sms_text import for_sms
from opastin.devstack import api_params
from tests.fakes.assistant import telegram_press, telegram_update
from tests.fakes.server import wait_until
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio, inbound, post_webhook

UPDATES = itertools.count(1)
CHATS = itertools.count(700_000_001)
NUMBERS = itertools.count(401_000_001)


@dataclass
class Stack:
    base: str
    key: str
    telegram: FakeTelegram
    telegram_secret: str
    twilio: FakeTwilio
    service_number: str
    sms_url: str
    urls: dict[str, str] = field(default_factory=dict)

    def user_turns(self, sender: str) -> int:
        tracker = requests.get(f"{self.base}/conversations/{sender}/tracker", params=api_params(), timeout=30).json()
        return sum(1 for event in tracker.get("events") or [] if event.get("event") == "user")


class TelegramPerson:
    def __init__(self, stack: Stack, language: str) -> None:
        self.stack, self.language = stack, language
        self.chat = next(CHATS)
        self.sender = Pseudonyms(stack.key, "tg").sender(str(self.chat))
        self.turns = 0

    def _post(self, body: bytes, secret: str | None = None) -> requests.Response:
        headers = {
            "X-Telegram-Bot-Api-Secret-Token": secret or self.stack.telegram_secret,
            "Content-Type": "application/json",
        }
        return requests.post(f"{self.stack.base}/webhooks/telegram/webhook", data=body, headers=headers, timeout=30)

    def sent(self) -> list[dict[str, Any]]:
        return self.stack.telegram.sent(self.chat)

    def inbox(self) -> list[str]:
        return [m["text"] for m in self.sent()]

    def _turn(self, body: bytes) -> list[str]:
        before = len(self.inbox())
        assert self._post(body).status_code == 200
        self.turns += 1
        wait_until(lambda: self.stack.user_turns(self.sender) >= self.turns, 90, "the bot's answer")
        return self.inbox()[before:]

    def write(self, text: str) -> list[str]:
        """A message that goes to an agent, not the bot: waits for what the person is told."""
        before = len(self.inbox())
        assert self._post(telegram_update(next(UPDATES), self.chat, text, self.language)).status_code == 200
        wait_until(lambda: len(self.inbox()) > before, 60, "the answer")
        return self.inbox()[before:]

    def say(self, text: str) -> list[str]:
        return self._turn(telegram_update(next(UPDATES), self.chat, text, self.language))

    def start(self) -> list[str]:
        return self.say("/start")

    def choose(self, choice: str | int) -> list[str]:
        """Presses the button (its title, or its place from 1) under the newest message that has buttons."""
        keyboard = next(m for m in reversed(self.sent()) if m.get("reply_markup"))
        title = self.choices()[choice - 1] if isinstance(choice, int) else choice
        return self._turn(telegram_press(next(UPDATES), self.chat, keyboard, title, self.language))

    def choices(self) -> list[str]:
        keyboard = next(m for m in reversed(self.sent()) if m.get("reply_markup"))
        return [row[0]["text"] for row in keyboard["reply_markup"]["inline_keyboard"]]


class SmsPerson:
    def __init__(self, stack: Stack, language: str) -> None:
        self.stack, self.language = stack, language
        self.number = f"+358{next(NUMBERS)}"
        self.sender = Pseudonyms(stack.key, "sms").sender(self.number)
        self.shown: list[str] = []  # the titles of the choices last offered, in their numbers' order

    def inbox(self) -> list[str]:
        return [m["Body"] for m in self.stack.twilio.sent(self.number)]

    def post(self, text: str, message_sid: str | None = None, auth_token: str | None = None) -> requests.Response:
        form = inbound(self.stack.twilio.account_sid, self.stack.service_number, self.number, text, message_sid)
        return post_webhook(self.stack.sms_url, auth_token or self.stack.twilio.auth_token, form)

    def say(self, text: str) -> list[str]:
        before = len(self.inbox())
        reply = self.post(text)
        assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/xml")
        wait_until(lambda: len(self.inbox()) > before, 90, "the answer by SMS")
        return self.inbox()[before:]

    def write(self, text: str) -> list[str]:
        return self.say(text)

    def start(self) -> list[str]:
        return []  # an SMS conversation starts with the person's own first message

    def choose(self, choice: str | int) -> list[str]:
        """Answers with the number the last SMS gave the choice (its title, or its number)."""
        number = choice if isinstance(choice, int) else self.choices().index(for_sms(choice)) + 1
        return self.say(str(number))

    def choices(self) -> list[str]:
        """The numbered lines right above "Vastaa numerolla." in the last SMS."""
        lines = self.inbox()[-1].split("\n")
        end = lines.index(for_sms(catalogue.text("sms_choose", self.language)))
        found: list[tuple[int, str]] = []
        for line in reversed(lines[:end]):
            match = re.match(r"^(\d+) (.+)$", line)
            if not match:
                break
            found.insert(0, (int(match.group(1)), match.group(2)))
        assert [number for number, _ in found] == list(range(1, len(found) + 1)), lines
        return [title for _, title in found]
