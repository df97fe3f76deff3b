"""The web chat channel over HTTP on the real server: its token, errors, the push stream, the pages' protection."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from opastin.channels.session_token import SessionSigner
from opastin.devstack import LOGS, webchat_headers, webchat_session


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


def stream(stack: dict, token: str, since: int) -> requests.Response:
    return requests.get(
        url(stack, "stream"), params={"since": since}, headers=webchat_headers(token), stream=True, timeout=10
    )


def test_the_answers_come_through_the_stream_and_again_after_a_reconnect(stack: dict) -> None:
    token = webchat_session(stack["base"])["token"]
    posted = requests.post(
        url(stack, "message"),
        data=json.dumps({"message": "tarvitsen hammaslääkärin", "metadata": {"language": "fi"}}),
        headers=webchat_headers(token),
        timeout=60,
    )
    assert posted.json()["ok"] is True and posted.json()["last"] >= 1
    with stream(stack, token, 0) as s:
        assert s.headers["Content-Type"].startswith("text/event-stream")
        events = read_events(s, posted.json()["last"])
    assert events[-1]["message"]["buttons"][0]["title"] == "Lahti"
    # a page that saw the first message asks only for what came after it
    first = events[0]["id"]
    with stream(stack, token, first) as s:
        again = read_events(s, posted.json()["last"])
    assert [e["id"] for e in again] == [e["id"] for e in events[1:]] and len(again) == len(events) - 1


def test_bad_requests_get_a_clear_error_and_nothing_breaks(stack: dict) -> None:
    token = webchat_session(stack["base"])["token"]
    cases = [
        ("not json", 400),
        (json.dumps({"message": "ä" * 5000}), 413),
        (json.dumps({"message": "\u202e\u200b hei \U0001f600"}), 200),  # odd but fine
        (json.dumps({"message": "hei\x00"}), 400),  # NUL: no store can keep it
        (json.dumps({"message": "hei \ud800"}), 400),  # a lone surrogate (JSON escapes it)
    ]
    for body, status in cases:
        response = requests.post(url(stack, "message"), data=body.encode(), headers=webchat_headers(token), timeout=60)
        assert response.status_code == status, (body[:40], response.text)
        assert "ok" in response.json()
    refused = requests.get(url(stack, "stream"), params={"since": "x"}, headers=webchat_headers(token), timeout=10)
    assert refused.status_code == 400


def test_without_the_conversations_token_nothing_is_read_or_written(stack: dict) -> None:
    mine = webchat_session(stack["base"])
    said = requests.post(
        url(stack, "message"), data=json.dumps({"message": "hei"}), headers=webchat_headers(mine["token"]), timeout=60
    ).json()["last"]
    # knowing the conversation's id, as anyone who saw the old URLs did, opens nothing
    sender = mine["sender"]
    assert requests.get(url(stack, "stream"), params={"sender": sender, "since": 0}, timeout=10).status_code == 401
    written = requests.post(url(stack, "message"), data=json.dumps({"sender": sender, "message": "x"}), timeout=10)
    assert written.status_code == 401 and "Authorization" in written.json()["error"]
    assert written.headers["WWW-Authenticate"].startswith("Bearer")
    # another conversation's token reads and writes only its own
    other = webchat_session(stack["base"])["token"]
    with requests.get(
        url(stack, "stream"),
        params={"sender": sender, "since": 0},
        headers=webchat_headers(other),
        stream=True,
        timeout=10,
    ) as theirs:
        foreign = requests.post(
            url(stack, "message"),
            data=json.dumps({"sender": sender, "message": "kiitos hei"}),
            headers=webchat_headers(other),
            timeout=60,
        ).json()["last"]
        seen = read_events(theirs, foreign)
    assert seen and all(event["id"] > said for event in seen)  # nothing of mine, though mine came first
    again = say(stack, mine["token"], "tarvitsen hammaslääkärin")
    with stream(stack, mine["token"], said) as s:
        mine_now = read_events(s, again)
    assert any("kunnassa" in event["message"]["text"] for event in mine_now)
    assert all(event["id"] > foreign for event in mine_now)  # the other's message was answered in the other one
    forged = mine["token"][:-1] + ("A" if not mine["token"].endswith("A") else "B")
    assert requests.get(url(stack, "stream"), headers=webchat_headers(forged), timeout=10).status_code == 401


def test_the_server_signs_with_the_persisted_key_and_never_logs_a_token(stack: dict) -> None:
    """The key the running server signs with is the one in var/webchat.key (or OPASTIN_WEBCHAT_SECRET): a
    restarted server, and the other processes of the scaled profile, read the same and accept its tokens."""
    session = webchat_session(stack["base"])
    assert SessionSigner.from_settings().verify(session["token"]).sender == session["sender"]
    renewed = webchat_session(stack["base"], session["token"])
    assert renewed["sender"] == session["sender"]
    requests.post(url(stack, "message"), data="{", headers=webchat_headers(session["token"]), timeout=10)
    logs = "".join(path.read_text(encoding="utf-8", errors="replace") for path in Path(LOGS).glob("e2e*"))
    assert session["token"] not in logs and renewed["token"].rsplit(".", 1)[1] not in logs


def test_the_pages_run_only_their_own_scripts_and_nothing_else_is_served(stack: dict) -> None:
    page = requests.get(url(stack, ""), timeout=10)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert requests.get(url(stack, "opastin.js"), timeout=10).headers["Content-Type"].startswith("text/javascript")
    for path in ("..%2Fcredentials.yml", "nothing.html", "opastin.py"):
        assert requests.get(url(stack, path), timeout=10).status_code == 404


def say(stack: dict, token: str, text: str) -> int:
    reply = requests.post(
        url(stack, "message"), data=json.dumps({"message": text}), headers=webchat_headers(token), timeout=60
    )
    assert reply.status_code == 200
    return reply.json()["last"]


def messages_after(stack: dict, token: str, since: int, until: int) -> list[str]:
    with stream(stack, token, since) as s:
        return [e["message"]["text"] for e in read_events(s, until)]


def test_a_person_in_the_queue_can_leave_it_and_the_bot_answers_again(stack: dict) -> None:
    token = webchat_session(stack["base"])["token"]
    queued = say(stack, token, "haluan puhua ihmisen kanssa")
    assert any("jonossa" in text for text in messages_after(stack, token, 0, queued))
    waiting = say(stack, token, "tarvitsen hammaslääkärin")
    assert messages_after(stack, token, queued, waiting) == [
        "Viestisi on välitetty asiakasohjaajalle. Odotathan vastausta."
    ]  # the bot did not answer it
    left = say(stack, token, "peru")
    assert messages_after(stack, token, waiting, left) == ["Poistuit jonosta. Voit jatkaa kysymistä minulta."]
    answered = say(stack, token, "tarvitsen hammaslääkärin")
    assert any("kunnassa" in text for text in messages_after(stack, token, left, answered))
