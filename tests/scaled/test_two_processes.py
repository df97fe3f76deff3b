"""The scaled profile on real services: 2 Rasa processes + 1 action server behind nginx (tests/scaled/conftest.py).

A conversation goes on whichever process gets its next message (PostgreSQL tracker store), a web
chat stream held by one process receives the answer to a message posted to the other (Redis push
hub), and the events reach RabbitMQ redacted.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from sqlalchemy import text

from opastin.db import engine_for
from opastin.devstack import rest_headers, webchat_headers, webchat_session
from opastin.scaled import Scaled

PHONE = "040 765 4321"


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
    """Also: a web chat token one process issued is accepted by the other (they share var/webchat.key)."""
    first, second = scaled.rasa
    token = webchat_session(first)["token"]
    received: list[dict[str, Any]] = []
    opened = threading.Event()

    def listen() -> None:
        with requests.get(
            f"{first}/webhooks/webchat/stream",
            params={"since": 0},
            headers=webchat_headers(token),
            stream=True,
            timeout=60,
        ) as stream:
            assert stream.status_code == 200
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
        data=json.dumps({"message": "hei", "metadata": {"language": "fi"}}),
        headers=webchat_headers(token),
        timeout=60,
    )
    assert posted.status_code == 200
    listener.join(30)
    assert received and received[0]["from"] == "bot" and received[0]["text"]


def test_the_web_chat_goes_on_through_nginx_with_a_renewed_token(scaled: Scaled) -> None:
    started = webchat_session(scaled.base)
    asked = requests.post(
        f"{scaled.base}/webhooks/webchat/message",
        data=json.dumps({"message": "tarvitsen hammaslääkärin", "metadata": {"language": "fi"}}),
        headers=webchat_headers(started["token"]),
        timeout=60,
    )
    assert asked.status_code == 200
    time.sleep(1.1)  # a renewal issued in a later second is another token of the same conversation
    renewed = webchat_session(scaled.base, started["token"])
    assert renewed["sender"] == started["sender"] and renewed["token"] != started["token"]
    answered = requests.post(
        f"{scaled.base}/webhooks/webchat/message",
        data=json.dumps({"message": "Lahti", "metadata": {"language": "fi"}}),
        headers=webchat_headers(renewed["token"]),
        timeout=60,
    )
    assert answered.status_code == 200
    with requests.get(
        f"{scaled.base}/webhooks/webchat/stream",
        params={"since": asked.json()["last"]},
        headers=webchat_headers(renewed["token"]),
        stream=True,
        timeout=30,
    ) as stream:
        texts, seq = [], 0
        for line in stream.iter_lines(decode_unicode=True):
            seq = int(line[4:]) if line.startswith("id: ") else seq
            if line.startswith("data: "):
                texts.append(json.loads(line[6:])["text"])
                if seq >= answered.json()["last"]:
                    break
    assert any("Lahti" in text and "hammas" in text.lower() for text in texts)  # the same conversation went on


def test_nginx_serves_the_chat_and_the_events_reach_rabbitmq_redacted(scaled: Scaled) -> None:
    sender = f"scaled-{uuid.uuid4().hex[:8]}"
    answered = say(scaled.base, sender, f"soittakaa minulle numeroon {PHONE}")
    assert answered
    with ThreadPoolExecutor(1) as pool:  # its own event loop: the browser tests may have left one running here
        bodies = pool.submit(asyncio.run, drain(scaled.events_queue)).result(timeout=60)
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


def web_say(base: str, token: str, text: str) -> int:
    answer = requests.post(
        f"{base}/webhooks/webchat/message",
        data=json.dumps({"message": text, "metadata": {"language": "fi"}}),
        headers=webchat_headers(token),
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["last"]


def test_a_killed_process_loses_no_turn_and_doubles_none(scaled: Scaled) -> None:
    """Last of all (tests/scaled/conftest.py): it kills one of the two Rasa processes. Web chat conversations go
    on in the other with the tokens they have (both processes read the same key): the person notices nothing."""
    senders = [f"scaled-kill-{n}-{uuid.uuid4().hex[:6]}" for n in range(4)]  # some hash to each process
    web = [webchat_session(scaled.base) for _ in range(4)]
    for sender in senders:
        assert "Missä kunnassa asut?" in texts(say(scaled.base, sender, "tarvitsen hammaslääkärin"))
    for conversation in web:
        web_say(scaled.base, conversation["token"], "tarvitsen hammaslääkärin")
    scaled.processes[0].kill()  # no goodbye: as when a machine dies
    scaled.processes[0].wait(timeout=30)
    for sender in senders:
        answered = say(scaled.base, sender, "Lahti")
        assert "Lahti" in texts(answered) and "hammas" in texts(answered).lower()
    for conversation in web:
        web_say(scaled.base, conversation["token"], "Lahti")
    with engine_for(scaled.env["TRACKER_URL"]).connect() as connection:
        for sender in senders + [conversation["sender"] for conversation in web]:
            said = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
            )
            assert [json.loads(row.data)["text"] for row in said] == ["tarvitsen hammaslääkärin", "Lahti"]
