"""The scaled profile on the machine's real services: 2 Rasa processes + 1 action server behind nginx.

A conversation goes on whichever process gets its next message (PostgreSQL tracker store), a web
chat stream held by one process receives the answer to a message posted to the other (Redis push
hub), and the events reach RabbitMQ redacted.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import text

from opastin.db import engine_for
from opastin.devstack import rest_headers
from opastin.scaled import Scaled, scaled_servers

PHONE = "040 765 4321"


@pytest.fixture(scope="module")
def scaled() -> Iterator[Scaled]:
    with scaled_servers(prefix=f"opastin_test_{uuid.uuid4().hex[:6]}") as stack:
        yield stack


def say(base: str, sender: str, text: str) -> list[dict[str, Any]]:
    answer = requests.post(
        f"{base}/webhooks/rest/webhook",
        params={"sender": sender},
        json={"sender": sender, "message": text, "metadata": {"language": "fi"}},
        headers=rest_headers(),
        timeout=60,
    )
    answer.raise_for_status()
    return answer.json()


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_a_conversation_goes_on_in_the_other_process(scaled: Scaled) -> None:
    first, second = scaled.rasa
    sender = f"scaled-{uuid.uuid4().hex[:8]}"
    asked = say(first, sender, "tarvitsen hammaslääkärin")
    assert "Missä kunnassa asut?" in texts(asked)
    answered = say(second, sender, "Lahti")  # the other process knows what was asked
    assert "Lahti" in texts(answered) and "hammas" in texts(answered).lower()


def test_a_stream_held_by_one_process_gets_the_answer_posted_to_the_other(scaled: Scaled) -> None:
    first, second = scaled.rasa
    sender = uuid.uuid4().hex
    received: list[dict[str, Any]] = []
    opened = threading.Event()

    def listen() -> None:
        with requests.get(
            f"{first}/webhooks/webchat/stream", params={"sender": sender, "since": 0}, stream=True, timeout=60
        ) as stream:
            opened.set()
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    received.append(json.loads(line[6:]))
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert opened.wait(30)
    posted = requests.post(
        f"{second}/webhooks/webchat/message",
        data=json.dumps({"sender": sender, "message": "hei", "metadata": {"language": "fi"}}),
        timeout=60,
    )
    assert posted.status_code == 200
    listener.join(30)
    assert received and received[0]["from"] == "bot" and received[0]["text"]


def test_nginx_serves_the_chat_and_the_events_reach_rabbitmq_redacted(scaled: Scaled) -> None:
    sender = f"scaled-{uuid.uuid4().hex[:8]}"
    answered = say(scaled.base, sender, f"soittakaa minulle numeroon {PHONE}")
    assert answered
    with ThreadPoolExecutor(1) as pool:  # its own event loop: the browser tests may have left one running here
        bodies = pool.submit(asyncio.run, drain("opastin_events")).result(timeout=60)
    mine = [body for body in bodies if body.get("sender_id") == sender]
    assert any(body.get("event") == "user" for body in mine)
    assert PHONE not in json.dumps(mine, ensure_ascii=False)
    assert "[PHONE]" in json.dumps(mine, ensure_ascii=False)


async def drain(queue_name: str) -> list[dict[str, Any]]:
    import aio_pika

    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1/")
    bodies: list[dict[str, Any]] = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True, passive=True)
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            bodies.append(json.loads(message.body))
    return bodies


def test_a_killed_process_loses_no_turn_and_doubles_none(scaled: Scaled) -> None:
    """Last in this file: it kills one of the two Rasa processes."""
    senders = [f"scaled-kill-{n}-{uuid.uuid4().hex[:6]}" for n in range(4)]  # some hash to each process
    for sender in senders:
        assert "Missä kunnassa asut?" in texts(say(scaled.base, sender, "tarvitsen hammaslääkärin"))
    scaled.processes[0].kill()  # no goodbye: as when a machine dies
    scaled.processes[0].wait(timeout=30)
    for sender in senders:
        answered = say(scaled.base, sender, "Lahti")
        assert "Lahti" in texts(answered) and "hammas" in texts(answered).lower()
    with engine_for(scaled.env["TRACKER_URL"]).connect() as connection:
        for sender in senders:
            said = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
            )
            assert [json.loads(row.data)["text"] for row in said] == ["tarvitsen hammaslääkärin", "Lahti"]
