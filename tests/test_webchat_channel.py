"""The web chat channel's parts that need no server: the message streams and the redacted feedback."""

import asyncio
import json
from pathlib import Path

import pytest

from opastin import figures
from opastin.channels.hub import Hub
from opastin.channels.webchat import RequestError, WebchatInput, WebchatOutput


def test_a_stream_gives_what_a_reloaded_page_missed_in_order() -> None:
    hub = Hub(clock=lambda: 1000.0)
    first = hub.publish("a" * 16, {"text": "m0"})
    for n in range(1, 3):
        hub.publish("a" * 16, {"text": f"m{n}"})
    hub.publish("b" * 16, {"text": "other conversation"})
    assert first == 1_000_000  # the clock in milliseconds, then one by one
    assert [m["text"] for _, m in hub.since("a" * 16, first)] == ["m1", "m2"]
    assert hub.last_seq("a" * 16) == first + 2 and hub.last_seq("c" * 16) == 0


def test_an_open_stream_gets_new_messages_at_once() -> None:
    async def scenario() -> tuple:
        hub = Hub(clock=lambda: 1000.0)
        queue = hub.subscribe("s" * 16)
        hub.publish("s" * 16, {"text": "hello"})
        got = await asyncio.wait_for(queue.get(), 1)
        hub.unsubscribe("s" * 16, queue)
        hub.publish("s" * 16, {"text": "after"})
        return got, queue.qsize()

    (seq, message), left = asyncio.run(scenario())
    assert seq == 1_000_000 and message["text"] == "hello" and left == 0


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = Hub()
    monkeypatch.setattr(Hub, "MAX_CONVERSATIONS", 5)
    for n in range(20):
        hub.publish(f"{n:016d}", {"text": "x"})
    assert len(hub._streams) <= 5
    for n in range(Hub.KEEP + 50):
        hub.publish("k" * 16, {"text": str(n)})
    assert len(hub.since("k" * 16, 0)) == Hub.KEEP


def test_the_output_channel_publishes_text_and_buttons_whole() -> None:
    hub = Hub()
    output = WebchatOutput(hub)
    asyncio.run(
        output.send_response("r" * 16, {"text": "Valitse:\n\n- yksi", "buttons": [{"title": "A", "payload": "/a"}]})
    )
    [(_, message)] = hub.since("r" * 16, 0)
    assert message == {"from": "bot", "text": "Valitse:\n\n- yksi", "buttons": [{"title": "A", "payload": "/a"}]}


class FakeRequest:
    def __init__(self, body: bytes, origin: str = "") -> None:
        self.body = body
        self.headers = {"origin": origin} if origin else {}


@pytest.mark.parametrize(
    "body, status, words",
    [
        (b"not json", 400, "JSON"),
        (b"[1]", 400, "object"),
        (b'{"sender": "x", "message": "hi"}', 400, "sender"),
        (b'{"sender": "abcdefghijklmnop", "message": "  "}', 400, "non-empty"),
        (b'{"sender": "abcdefghijklmnop", "message": "' + b"a" * 2001 + b'"}', 413, "2000"),
    ],
)
def test_bad_requests_get_a_clear_error(body: bytes, status: int, words: str) -> None:
    with pytest.raises(RequestError, match=words) as error:
        WebchatInput._message(FakeRequest(body))
    assert error.value.status == status


def test_only_a_known_language_goes_into_the_metadata() -> None:
    sender, text, metadata = WebchatInput._message(
        FakeRequest(
            b'{"sender": "abcdefghijklmnop", "message": "hej", "metadata": {"language": "sv", "page": "/x?id=1"}}'
        )
    )
    assert metadata == {"language": "sv"}
    _, _, metadata = WebchatInput._message(
        FakeRequest(b'{"sender": "abcdefghijklmnop", "message": "hej", "metadata": {"language": "<b>"}}')
    )
    assert metadata == {}


def test_cors_is_given_only_to_allowed_sites() -> None:
    channel = WebchatInput(allowed_origins=["https://www.paijatha.fi"])
    assert (
        channel.cors(FakeRequest(b"", "https://www.paijatha.fi"))["Access-Control-Allow-Origin"]
        == "https://www.paijatha.fi"
    )
    assert channel.cors(FakeRequest(b"", "https://evil.example")) == {}


@pytest.mark.parametrize(
    "comment, stored",
    [
        ("Hetu 131052-308T ja posti matti@example.fi", "Hetu [HETU] ja posti [EMAIL]"),
        ("Soita 040 123 4567 tai +358 40 123 4567", "Soita [PHONE] tai [PHONE]"),
        ("Palvelu oli hyvä, kiitos! Jonotin 10 min klo 9.30.", "Palvelu oli hyvä, kiitos! Jonotin 10 min klo 9.30."),
    ],
)
def test_feedback_comments_lose_identifiers(tmp_path: Path, comment: str, stored: str) -> None:
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    figures.create_schema(url)
    body = {"sender": "abcdefghijklmnop", "rating": -1, "comment": f" {comment} ", "language": "fi"}
    rating, given, language = WebchatInput._feedback(FakeRequest(json.dumps(body).encode()))
    figures.record_feedback(rating, given, language, url=url)
    [row] = figures.feedback_rows(url)
    assert (row["rating"], row["comment"], row["language"]) == (-1, stored, "fi")
