"""A turn's answer as one SMS: every message of the bot in one text, choices numbered, at most N segments.

What does not fit in `max_segments` (a setting, 4 by default: 612 GSM-7 characters) is kept for the
conversation, and the SMS ends with "Jatkuu: vastaa LISÄÄ" in the person's language; "LISÄÄ", "MER"
or "MORE" sends the next part. The rest and the choices are kept in this process's memory only, for an
hour (the session's length), and the phone number with them: an SMS conversation's id is a keyed hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import OutputChannel

from opastin import catalogue
from opastin.channels.memory import Recent
from opastin.channels.plain_text import cut
from opastin.channels.sms_text import for_sms, numbered, segments
from opastin.channels.twilio_api import TwilioApi

Message = dict[str, Any]


class SmsOutput(OutputChannel):
    """Collects the bot's messages of one turn: they go out together, as one SMS, after it."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    @classmethod
    def name(cls) -> str:
        return "sms"

    async def send_response(self, recipient_id: str, message: Message) -> None:
        if message.get("text") or message.get("buttons"):
            self.messages.append(message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


def compose(messages: Sequence[Message], language: str) -> tuple[str, list[Message]]:
    """The messages' texts, paragraph by paragraph, then every choice offered, numbered; and those choices."""
    texts = [for_sms(str(m.get("text") or "")) for m in messages]
    buttons: list[Message] = []
    for message in messages:
        for button in message.get("buttons") or message.get("quick_replies") or []:
            if button.get("payload") not in [b.get("payload") for b in buttons]:
                buttons.append(button)
    body = "\n\n".join(text for text in texts if text)
    if buttons:
        body = f"{body}\n\n{for_sms(numbered(buttons, language))}".strip()
    return body, buttons


def first_part(text: str, max_segments: int, language: str) -> tuple[str, str]:
    """What fits in max_segments, with the "reply MORE" line when something is left; and what is left."""
    if segments(text) <= max_segments:
        return text, ""
    hint = for_sms(catalogue.text("sms_more", language))
    head, rest = cut(text, lambda part: segments(f"{part}\n{hint}") <= max_segments)
    return f"{head}\n{hint}", rest


@dataclass
class Pending:
    address: str
    language: str
    rest: str = ""
    choices: list[Message] = field(default_factory=list)


class SmsReplies:
    def __init__(self, api: TwilioApi, max_segments: int) -> None:
        self.api = api
        self.max_segments = max_segments
        self.pending: Recent[Pending] = Recent(100_000, 3600)

    async def answer(self, sender: str, address: str, messages: Sequence[Message], language: str) -> bool:
        """Sends the answer's first part; keeps its rest and its choices for the conversation's next message."""
        body, choices = compose(messages, language)
        if not body:
            return False
        self.pending.put(sender, Pending(address, language, choices=choices))
        return await self._send_part(sender, body)

    async def more(self, sender: str) -> bool:
        """The next part of the last answer; False when nothing is left (the word then goes to the bot)."""
        pending = self.pending.get(sender)
        if pending is None or not pending.rest:
            return False
        return await self._send_part(sender, pending.rest)

    async def _send_part(self, sender: str, text: str) -> bool:
        pending = self.pending.get(sender)
        if pending is None:
            return False
        part, pending.rest = first_part(text, self.max_segments, pending.language)
        return await self.api.send(pending.address, part) is not None

    def take_choices(self, sender: str) -> list[Message]:
        """The choices just offered: they answer only the very next message (as in the web chat)."""
        pending = self.pending.get(sender)
        if pending is None:
            return []
        choices, pending.choices = pending.choices, []
        return choices

    def forget(self, sender: str) -> None:
        self.pending.pop(sender)
