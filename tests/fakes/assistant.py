"""What stands for the Rasa server around a channel in tests that need no model: the request a webhook handler
reads, and an assistant that answers (or queues the person for an agent, as the action server would)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

from opastin.handoff.queue import HandoffStore

LONG_PAYLOAD = '/inform_municipality{"municipality": "Lahti", "note": "a payload longer than Telegram\'s 64 bytes"}'
TOWNS = [{"title": "Lahti", "payload": LONG_PAYLOAD}, {"title": "Heinola", "payload": "/inform_municipality_heinola"}]


class Request:
    """The parts of a Sanic request the channels read."""

    def __init__(self, body: bytes, headers: dict[str, str] | None = None, query_string: str = "") -> None:
        self.body = body
        self.headers = {key.lower(): value for key, value in (headers or {}).items()}
        self.query_string = query_string
        self.app = None


def route(blueprint: Blueprint, uri: str) -> Callable[[Request], Awaitable[Any]]:
    handler: Any = next(r.handler for r in blueprint._future_routes if r.uri == uri and "POST" in (r.methods or ()))
    return handler


class Assistant:
    """Answers like the bot: a dentist question asks the town (buttons), a town gives a card, "ihminen" queues."""

    def __init__(self, store: HandoffStore, *, silent: bool = False, delays: dict[str, float] | None = None) -> None:
        self.store = store
        self.silent = silent
        self.delays = delays or {}
        self.heard: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.heard.append(message)
        await asyncio.sleep(self.delays.get(message.text or "", 0))
        if self.silent:  # the action server is down: Rasa logs it and sends nothing
            return
        out, text = message.output_channel, message.text or ""
        if text == "/greet":
            await out.send_response(message.sender_id, {"text": f"Hei! ({message.metadata})"})
        elif "hammas" in text:
            await out.send_response(message.sender_id, {"text": "Missä kunnassa asut?", "buttons": TOWNS})
        elif text in (LONG_PAYLOAD, "/inform_municipality_heinola"):
            town = "Lahti" if text == LONG_PAYLOAD else "Heinola"
            await out.send_response(message.sender_id, {"text": f"Näistä saat apua ({town}):"})
            await out.send_response(message.sender_id, {"text": f"Hammashoitola {town}\n- Puhelin: 03 555 0100"})
        elif text == "pitkä":
            cards = [f"Palvelu {n}\n- Puhelin: 03 555 01{n:02d}\n- Osoite: Esimerkkikatu {n}, Lahti" for n in range(15)]
            for card in cards:
                await out.send_response(message.sender_id, {"text": card})
        elif text == "ihminen":
            queued = self.store.enqueue(
                sender=message.sender_id, county="paijat-hame", language="fi", max_queue=10, transcript=[]
            )
            await out.send_response(message.sender_id, {"text": f"Olet jonossa sijalla {queued.position}."})
        else:
            await out.send_response(message.sender_id, {"text": f"kuulin: {text}"})

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.heard]


def telegram_update(update_id: int, chat_id: int, text: str | None = None, language: str = "fi", **extra: Any) -> bytes:
    author = {"id": chat_id, "is_bot": False, "first_name": "Testi", "language_code": language}
    message: dict[str, Any] = {
        "message_id": update_id,
        "from": author,
        "chat": {"id": chat_id, "first_name": "Testi", "type": "private"},
        "date": 1_765_000_000,
        **extra,
    }
    if text is not None:
        message["text"] = text
    return json.dumps({"update_id": update_id, "message": message}).encode()


def telegram_press(update_id: int, chat_id: int, sent: dict[str, Any], title: str, language: str = "fi") -> bytes:
    """A press of the button titled `title` of a message the bot sent (as the fake API recorded it)."""
    keyboard = sent["reply_markup"]
    data = next(row[0]["callback_data"] for row in keyboard["inline_keyboard"] if row[0]["text"] == title)
    author = {"id": chat_id, "is_bot": False, "first_name": "Testi", "language_code": language}
    query = {
        "id": f"q{update_id}",
        "from": author,
        "message": {
            "message_id": sent["message_id"],
            "from": {"id": 1, "is_bot": True, "first_name": "Opastin"},
            "chat": {"id": chat_id, "type": "private"},
            "date": 1_765_000_000,
            "text": sent["text"],
            "reply_markup": keyboard,
        },
        "chat_instance": "-1",
        "data": data,
    }
    return json.dumps({"update_id": update_id, "callback_query": query}).encode()
