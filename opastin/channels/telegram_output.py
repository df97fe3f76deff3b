"""What Opastin sends to a person on Telegram: the bot's answers during a turn, a hand-over's messages any time."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel

from opastin import catalogue
from opastin.channels.memory import Recent
from opastin.channels.telegram_api import TelegramApi
from opastin.channels.telegram_text import ButtonPayloads, pieces
from opastin.handoff.records import Handoff

Message = dict[str, Any]


class Chats:
    """What the channel remembers per chat: the message whose keyboard is the one to answer (as the web chat,
    only the newest choices can be chosen)."""

    def __init__(self) -> None:
        self.buttons = ButtonPayloads()
        self.keyboards: Recent[int] = Recent(100_000, 24 * 3600)


async def send(api: TelegramApi, chats: Chats, chat_id: int | str, text: str, buttons: list[dict[str, Any]]) -> int:
    """The text in as many messages as it needs, the keyboard under the last; returns how many were sent."""
    parts = pieces(text) or (["…"] if buttons else [])
    sent = 0
    for number, part in enumerate(parts, start=1):
        keyboard = chats.buttons.keyboard(buttons) if buttons and number == len(parts) else None
        message_id = await api.send_message(chat_id, part, keyboard)
        if message_id is None:
            continue
        sent += 1
        if keyboard:
            chats.keyboards.put(str(chat_id), message_id)
    return sent


class TelegramOutput(OutputChannel):
    """The bot's answers of one turn, each sent as it comes (a service card a message, as on the web)."""

    def __init__(self, api: TelegramApi, chats: Chats, chat_id: int) -> None:
        self._api = api
        self._chats = chats
        self._chat_id = chat_id
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_response(self, recipient_id: str, message: Message) -> None:
        buttons = list(message.get("buttons") or message.get("quick_replies") or [])
        self.sent += await send(self._api, self._chats, self._chat_id, str(message.get("text") or ""), buttons)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class TelegramOutbound:
    """A hand-over's messages to a Telegram chat (opastin/channels/delivery.py): an agent's reply says it is one."""

    def __init__(self, api: TelegramApi, chats: Chats) -> None:
        self._api = api
        self._chats = chats

    async def deliver(self, address: str, handoff: Handoff, message: Message) -> bool:
        text = str(message.get("text") or "")
        if (message.get("custom") or {}).get("feedback"):  # the web chat asks for feedback here; Telegram cannot
            text = catalogue.text("handoff_closed_plain", handoff.language)
        elif message.get("from") == "agent":
            text = catalogue.text("channel_agent_says", handoff.language, text=text)
        return await send(self._api, self._chats, address, text, []) > 0
