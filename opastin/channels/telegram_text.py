"""Answers as Telegram messages: plain text in pieces of at most 4096 characters, buttons as an inline keyboard.

Plain text (no parse mode), so a "<", "*" or "_" in a service's name or an agent's reply is shown as
written and never breaks a message. Telegram links web addresses itself and international numbers
("+358 …"); national ones ("09 2525 0111", "116117") are sent whole on their line, never cut between
two messages. A button's callback_data (at most 64 bytes) is its payload when that fits, else a short
id that this process remembers for a day; after a restart a press of such a button is read by its title.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from opastin.channels.memory import Recent
from opastin.channels.plain_text import split, strip_markdown
from opastin.channels.telegram_api import MAX_CALLBACK_DATA, MAX_TEXT

Keyboard = list[list[dict[str, str]]]
CHOSEN = "-"  # the callback_data of the "✓ Lahti" button left in place of a keyboard once a choice was made
SHORT = "~"  # starts a short id that stands for a long payload


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pieces(text: str) -> list[str]:
    return split(strip_markdown(text), lambda piece: utf16_length(piece) <= MAX_TEXT)


def chosen_keyboard(title: str) -> Keyboard:
    return [[{"text": f"✓ {title}", "callback_data": CHOSEN}]]


class ButtonPayloads:
    def __init__(self, max_items: int = 50_000, seconds: float = 24 * 3600) -> None:
        self._long: Recent[str] = Recent(max_items, seconds)

    def data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA and not payload.startswith((SHORT, CHOSEN)):
            return payload
        short = SHORT + secrets.token_urlsafe(12)
        self._long.put(short, payload)
        return short

    def payload(self, data: str) -> str | None:
        """The payload a press stands for; None for a short id this process does not know (or the ✓ button)."""
        if data == CHOSEN:
            return None
        if data.startswith(SHORT):
            return self._long.get(data)
        return data

    def keyboard(self, buttons: Sequence[dict[str, Any]]) -> Keyboard:
        """One button a row: titles are sentences ("Puhu ihmisen kanssa"), and a wide button is easy to hit."""
        return [
            [
                {
                    "text": str(b.get("title") or b.get("payload") or "")[:64],
                    "callback_data": self.data(str(b.get("payload") or "")),
                }
            ]
            for b in buttons
        ]


def title_of(keyboard: Any, data: str) -> str | None:
    """The title of the pressed button, from the message Telegram sends back with the press."""
    rows = keyboard.get("inline_keyboard") if isinstance(keyboard, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                text = button.get("text")
                return text if isinstance(text, str) else None
    return None
