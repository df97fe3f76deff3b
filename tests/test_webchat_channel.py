"""The web chat channel: the message streams, the redacted feedback, and its doors over real HTTP in this
process (tests/sanic_server.py: Rasa's CORS layer included) — the conversation's token, CORS and the stream."""

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from opastin import figures
from opastin.channels.hub import Hub
from opastin.channels.session_token import SessionSigner
from opastin.channels.webchat import RequestError, WebchatInput, WebchatOutput
from tests.sanic_server import serving


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
        (b'{"message": 5}', 400, "non-empty"),
        (b'{"message": "  "}', 400, "non-empty"),
        (b'{"message": "' + b"a" * 2001 + b'"}', 413, "2000"),
    ],
)
def test_bad_requests_get_a_clear_error(body: bytes, status: int, words: str) -> None:
    with pytest.raises(RequestError, match=words) as error:
        WebchatInput._message(FakeRequest(body))
    assert error.value.status == status


def test_only_a_known_language_goes_into_the_metadata() -> None:
    text, metadata = WebchatInput._message(
        FakeRequest(b'{"message": "hej", "metadata": {"language": "sv", "page": "/x?id=1"}}')
    )
    assert (text, metadata) == ("hej", {"language": "sv"})
    _, metadata = WebchatInput._message(FakeRequest(b'{"message": "hej", "metadata": {"language": "<b>"}}'))
    assert metadata == {}


def test_cors_is_given_only_to_allowed_sites() -> None:
    channel = WebchatInput(allowed_origins=["https://www.paijatha.fi"])
    assert (
        channel.cors(FakeRequest(b"", "https://www.paijatha.fi"))["Access-Control-Allow-Origin"]
        == "https://www.paijatha.fi"
    )
    assert channel.cors(FakeRequest(b"", "https://evil.example")) == {"Vary": "Origin"}


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
    body = {"rating": -1, "comment": f" {comment} ", "language": "fi"}
    rating, given, language = WebchatInput._feedback(FakeRequest(json.dumps(body).encode()))
    figures.record_feedback(rating, given, language, url=url)
    [row] = figures.feedback_rows(url)
    assert (row["rating"], row["comment"], row["language"]) == (-1, stored, "fi")


# --------------------------------------------------------------------------- over HTTP: the conversation's token

KEY = b"k" * 32
SITE = "https://www.paijatha.fi"  # the county's own site, in allowed_origins
DAY = 24 * 3600


class NoHandoffs:
    """A hand-over store in which nobody waits for an agent."""

    def open_for_sender(self, sender: str) -> None:
        return None


async def echo(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, f"kuulin: {message.text}")


@contextmanager
def chat_server(signer: SessionSigner) -> Iterator[str]:
    """The web chat channel on a real Sanic server with Rasa's CORS layer; yields /webhooks/webchat/'s URL."""
    channel = WebchatInput(allowed_origins=[SITE], hub=Hub(), handoffs=NoHandoffs(), signer=signer)
    with serving(channel, echo) as base:
        yield f"{base}/webhooks/webchat/"


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps started in one process
    with chat_server(SessionSigner(KEY)) as url:
        yield url


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start(chat: str, **headers: str) -> dict:
    answer = requests.post(chat + "session", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def say(chat: str, token: str, text: str, **body: object) -> int:
    answer = requests.post(
        chat + "message", data=json.dumps({"message": text, **body}), headers=bearer(token), timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["last"]


def heard(chat: str, token: str, until: int, query: str = "since=0") -> list[str]:
    """The texts of the token's stream up to the message numbered `until`."""
    texts: list[str] = []
    with requests.get(f"{chat}stream?{query}", headers=bearer(token), stream=True, timeout=10) as stream:
        assert stream.status_code == 200, stream.text
        seq = 0
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("id: "):
                seq = int(line[4:])
            elif line.startswith("data: "):
                texts.append(json.loads(line[6:])["text"])
                if seq >= until:
                    break
    return texts


def test_the_server_chooses_the_conversation_and_signs_it(chat: str) -> None:
    answer = requests.post(
        chat + "session?sender=mine-mine-mine-mine", data=json.dumps({"sender": "mine-mine-mine-mine"}), timeout=10
    )
    first, second = answer.json(), start(chat)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert first["sender"] != "mine-mine-mine-mine" and first["sender"] != second["sender"]
    assert first["token"].startswith(first["sender"] + ".") and first["expires_in"] == DAY
    assert SessionSigner(KEY).verify(first["token"]).sender == first["sender"]


@pytest.mark.parametrize(
    "method, path, body",
    [("GET", "stream?since=0", None), ("POST", "message", {"message": "hei"}), ("POST", "feedback", {"rating": 1})],
)
def test_nothing_is_read_or_written_without_the_token(chat: str, method: str, path: str, body: dict | None) -> None:
    sender = start(chat)["sender"]
    data = json.dumps({**(body or {}), "sender": sender}) if body else None  # knowing the id is not enough
    answer = requests.request(method, f"{chat}{path}&sender={sender}" if "?" in path else chat + path, data=data)
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error": "this needs the conversation's token: Authorization: Bearer <token>"}
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="opastin-webchat"'


def _tampered(token: str) -> str:
    sender, issued, signature = token.split(".")
    return f"{sender}.{int(issued) + DAY}.{signature}"  # the same conversation, made to live a day longer


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: SessionSigner(b"another key of 32 bytes.........").issue().token, "not valid"),
        (lambda: _tampered(SessionSigner(KEY).issue().token), "not valid"),
        (lambda: SessionSigner(KEY, clock=lambda: time.time() - DAY - 1).issue().token, "expired"),
    ],
    ids=["forged", "tampered", "expired"],
)
def test_a_forged_tampered_or_expired_token_opens_nothing(chat: str, make: Callable[[], str], words: str) -> None:
    token = make()
    answers = [
        requests.get(chat + "stream?since=0", headers=bearer(token), timeout=10),
        requests.post(chat + "message", data='{"message": "hei"}', headers=bearer(token), timeout=10),
        requests.post(chat + "feedback", data='{"rating": 1}', headers=bearer(token), timeout=10),
        requests.post(chat + "session", headers=bearer(token), timeout=10),  # nor renews it
    ]
    for answer in answers:
        assert answer.status_code == 401 and words in answer.json()["error"], answer.request.url
        assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_one_conversations_token_cannot_read_or_write_another(chat: str) -> None:
    mine, theirs = start(chat), start(chat)
    said = say(chat, mine["token"], "minun asiani")
    # the other one names my conversation in the body and in the URL: the token decides
    wrote = say(chat, theirs["token"], "sinun asiasi", sender=mine["sender"])
    read = heard(chat, theirs["token"], wrote, f"since=0&sender={mine['sender']}")
    assert read == ["kuulin: sinun asiasi"]
    again = say(chat, mine["token"], "toinen")
    assert heard(chat, mine["token"], again) == ["kuulin: minun asiani", "kuulin: toinen"]
    assert said < again


def test_a_good_token_is_renewed_for_the_same_conversation(chat: str) -> None:
    first = start(chat)
    said = say(chat, first["token"], "hei")
    renewed = start(chat, **bearer(first["token"]))
    assert renewed["sender"] == first["sender"]
    assert heard(chat, renewed["token"], said) == ["kuulin: hei"]  # the same conversation goes on


def test_a_stream_ends_when_its_token_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    with chat_server(SessionSigner(KEY, lifetime_seconds=60)) as chat:
        token = SessionSigner(KEY, lifetime_seconds=60, clock=lambda: time.time() - 58).issue().token
        began = time.monotonic()
        with requests.get(chat + "stream?since=0", headers=bearer(token), stream=True, timeout=10) as stream:
            assert stream.status_code == 200
            lines = list(stream.iter_lines(decode_unicode=True))  # to its end
        assert time.monotonic() - began < 8 and lines[0] == "retry: 2000"
        assert requests.get(chat + "stream?since=0", headers=bearer(token), timeout=10).status_code == 401


@pytest.mark.parametrize(
    "path, method", [("session", "POST"), ("message", "POST"), ("stream", "GET"), ("feedback", "POST")]
)
def test_a_preflight_is_answered_for_the_countys_site_only(chat: str, path: str, method: str) -> None:
    asked = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization"}
    allowed = requests.options(chat + path, headers={"Origin": SITE, **asked}, timeout=10)
    assert allowed.status_code in (200, 204)
    assert allowed.headers["Access-Control-Allow-Origin"] == SITE
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert method in allowed.headers["Access-Control-Allow-Methods"]
    assert allowed.headers["Vary"] == "Origin"
    other = requests.options(chat + path, headers={"Origin": "https://evil.example", **asked}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Headers" not in other.headers and other.headers["Vary"] == "Origin"


def test_the_countys_site_may_talk_across_origins_and_another_may_not(chat: str) -> None:
    session = requests.post(chat + "session", headers={"Origin": SITE}, timeout=10)
    assert session.status_code == 200 and session.headers["Access-Control-Allow-Origin"] == SITE
    token = session.json()["token"]
    said = requests.post(chat + "message", data='{"message": "hej"}', headers={"Origin": SITE, **bearer(token)})
    assert said.status_code == 200 and said.headers["Access-Control-Allow-Origin"] == SITE
    for path in ("session", "message"):
        refused = requests.post(
            chat + path, data='{"message": "hej"}', headers={"Origin": "https://evil.example", **bearer(token)}
        )
        assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_a_reconnecting_stream_resumes_after_the_last_event_id(chat: str) -> None:
    token = start(chat)["token"]
    first = say(chat, token, "yksi")
    second = say(chat, token, "kaksi")
    headers = {**bearer(token), "Last-Event-ID": str(first)}
    with requests.get(chat + "stream", headers=headers, stream=True, timeout=10) as stream:
        line = next(line for line in stream.iter_lines(decode_unicode=True) if line.startswith("data: "))
    texts = [json.loads(line[6:])["text"]]
    assert texts == ["kuulin: kaksi"] and second > first
