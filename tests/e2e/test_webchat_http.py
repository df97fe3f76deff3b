"""The web chat channel over HTTP on the real server: errors, the push stream, the pages' protection."""

from __future__ import annotations

import json
import uuid

import requests


def url(stack: dict, path: str) -> str:
    return f"{stack['base']}/webhooks/webchat/{path}"


def read_events(response: requests.Response, until: int) -> list[dict]:
    """Events of the stream up to the one numbered `until` (the number a POST reported as the last)."""
    events, data = [], {}
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("id: "):
            data["id"] = int(line[4:])
        elif line.startswith("data: "):
            data["message"] = json.loads(line[6:])
        elif line == "" and "message" in data:
            events.append(data)
            data = {}
            if events[-1]["id"] >= until:
                break
    return events


def test_the_answers_come_through_the_stream_and_again_after_a_reconnect(stack: dict) -> None:
    sender = uuid.uuid4().hex
    posted = requests.post(
        url(stack, "message"),
        data=json.dumps({"sender": sender, "message": "tarvitsen hammaslääkärin", "metadata": {"language": "fi"}}),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
        timeout=60,
    )
    assert posted.json()["ok"] is True and posted.json()["last"] >= 1
    with requests.get(url(stack, "stream"), params={"sender": sender, "since": 0}, stream=True, timeout=10) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        events = read_events(stream, posted.json()["last"])
    assert events[-1]["message"]["buttons"][0]["title"] == "Lahti"
    # a page that saw the first message asks only for what came after it
    first = events[0]["id"]
    with requests.get(url(stack, "stream"), params={"sender": sender, "since": first}, stream=True, timeout=10) as s:
        again = read_events(s, posted.json()["last"])
    assert [e["id"] for e in again] == [e["id"] for e in events[1:]] and len(again) == len(events) - 1


def test_bad_requests_get_a_clear_error_and_nothing_breaks(stack: dict) -> None:
    sender = uuid.uuid4().hex
    cases = [
        ("not json", 400),
        (json.dumps({"sender": "short", "message": "hei"}), 400),
        (json.dumps({"sender": sender, "message": "ä" * 5000}), 413),
        (json.dumps({"sender": sender, "message": "\u202e\u200b hei \U0001f600"}), 200),  # odd but fine
        (json.dumps({"sender": sender, "message": "hei\x00"}), 400),  # NUL: no store can keep it
        (json.dumps({"sender": sender, "message": "hei \ud800"}), 400),  # a lone surrogate (JSON escapes it)
    ]
    for body, status in cases:
        response = requests.post(url(stack, "message"), data=body.encode(), timeout=60)
        assert response.status_code == status, (body[:40], response.text)
        assert "ok" in response.json()
    assert requests.get(url(stack, "stream"), params={"sender": "x"}, timeout=10).status_code == 400


def test_the_pages_run_only_their_own_scripts_and_nothing_else_is_served(stack: dict) -> None:
    page = requests.get(url(stack, ""), timeout=10)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(url(stack, "opastin.js"), timeout=10).headers["Content-Type"].startswith("text/javascript")
    for path in ("..%2Fcredentials.yml", "nothing.html", "opastin.py"):
        assert requests.get(url(stack, path), timeout=10).status_code == 404


def say(stack: dict, sender: str, text: str) -> int:
    reply = requests.post(url(stack, "message"), data=json.dumps({"sender": sender, "message": text}), timeout=60)
    assert reply.status_code == 200
    return reply.json()["last"]


def messages_after(stack: dict, sender: str, since: int, until: int) -> list[str]:
    with requests.get(url(stack, "stream"), params={"sender": sender, "since": since}, stream=True, timeout=10) as s:
        return [e["message"]["text"] for e in read_events(s, until)]


def test_a_person_in_the_queue_can_leave_it_and_the_bot_answers_again(stack: dict) -> None:
    sender = uuid.uuid4().hex
    queued = say(stack, sender, "haluan puhua ihmisen kanssa")
    assert any("jonossa" in text for text in messages_after(stack, sender, 0, queued))
    waiting = say(stack, sender, "tarvitsen hammaslääkärin")
    assert messages_after(stack, sender, queued, waiting) == [
        "Viestisi on välitetty asiakasohjaajalle. Odotathan vastausta."
    ]  # the bot did not answer it
    left = say(stack, sender, "peru")
    assert messages_after(stack, sender, waiting, left) == ["Poistuit jonosta. Voit jatkaa kysymistä minulta."]
    answered = say(stack, sender, "tarvitsen hammaslääkärin")
    assert any("kunnassa" in text for text in messages_after(stack, sender, left, answered))
