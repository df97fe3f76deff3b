"""The channels' doors: REST only with its token, the web chat only with its conversation's token, bad text
refused, and never a silent nothing.

The routes run in-process with the request a client would send; `on_new_message` stands for the
Rasa server's processor, which sends nothing back when the action server is down.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

from opastin import catalogue
from opastin.channels import client_key
from opastin.channels.hub import Hub
from opastin.channels.limits import RateLimit, StreamSlots
from opastin.channels.ordering import CONVERSATIONS
from opastin.channels.rest import RestInput
from opastin.channels.session_token import SessionSigner
from opastin.channels.webchat import WebchatInput

SIGNER = SessionSigner(b"k" * 32)
CONVERSATION = SIGNER.issue()
SENDER = CONVERSATION.sender
WEB = {"Authorization": f"Bearer {CONVERSATION.token}"}  # what the widget sends with each request


class Request:
    """The parts of a Sanic request the channels read."""

    def __init__(self, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> None:
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.headers = {key.lower(): value for key, value in (headers or {}).items()}
        self.args: dict[str, str] = {}
        self.method = "POST"
        self.host = "127.0.0.1:5005"
        self.ip = "203.0.113.7"


def route(blueprint: Blueprint, uri: str) -> Callable[[Request], Awaitable[Any]]:
    handler: Any = next(r.handler for r in blueprint._future_routes if r.uri == uri and "POST" in (r.methods or ()))
    return handler


def webchat(**options: Any) -> WebchatInput:
    return WebchatInput(**{"hub": Hub(), "handoffs": NoHandoffs(), "signer": SIGNER, **options})


async def answers_nothing(message: UserMessage) -> None:
    """Rasa when the action server is down: the failing action is logged, nothing is sent."""


async def answers(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, f"kuulin: {message.input_channel}")


def post(channel: RestInput, body: dict[str, Any] | bytes, token: str | None = "s3cret", on_new=answers) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return asyncio.run(route(channel.blueprint(on_new), "/webhook")(Request(body, headers)))


def payload(result: Any) -> Any:
    return json.loads(result.body)


@pytest.mark.parametrize("token", [None, "wrong"])
def test_rest_is_closed_without_its_token(token: str | None) -> None:
    result = post(RestInput("s3cret"), {"sender": "x", "message": "hei"}, token=token)
    assert result.status == 403
    assert "token" in payload(result)["error"]


def test_rest_with_no_token_configured_refuses_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPASTIN_REST_TOKEN", raising=False)
    result = post(RestInput(None), {"sender": "x", "message": "hei"}, token="")
    assert result.status == 403


def test_a_rest_caller_cannot_pose_as_the_web_chat() -> None:
    result = post(RestInput("s3cret"), {"sender": "x", "message": "hei", "input_channel": "webchat"})
    assert result.status == 200
    assert payload(result) == [{"recipient_id": "x", "text": "kuulin: rest"}]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_rest_says_the_assistant_is_down_with_a_real_error_status(language: str) -> None:
    body = {"sender": "x", "message": "hello there", "metadata": {"language": language}}
    result = post(RestInput("s3cret"), body, on_new=answers_nothing)
    assert result.status == 503
    assert payload(result) == [{"recipient_id": "x", "text": catalogue.text("assistant_unavailable", language)}]
    assert payload(result)[0]["text"].index("112") < payload(result)[0]["text"].index("116117")


@pytest.mark.parametrize(
    "message, status, words",
    [
        ("hei\x00", 400, "control character"),
        ("hei \ud800", 400, "surrogate"),
        ("a" * 2001, 413, "2000"),
        ("   ", 400, "non-empty"),
    ],
)
def test_bad_text_is_refused_by_both_channels(message: str, status: int, words: str) -> None:
    body = json.dumps({"sender": SENDER, "message": message}).encode()
    rest = post(RestInput("s3cret"), body)
    web: Any = asyncio.run(route(webchat().blueprint(answers), "/message")(Request(body, WEB)))
    for result in (rest, web):
        assert result.status == status
        assert words in payload(result)["error"]


def test_a_huge_body_is_refused_before_it_is_read() -> None:
    body = json.dumps({"sender": SENDER, "message": "x" * 20000}).encode()
    assert post(RestInput("s3cret"), body).status == 413


def test_the_web_chat_never_leaves_the_person_with_nothing() -> None:
    hub = Hub()
    channel = webchat(hub=hub)
    body = {"message": "var finns tandvården", "metadata": {"language": "sv"}}
    result: Any = asyncio.run(route(channel.blueprint(answers_nothing), "/message")(Request(body, WEB)))
    assert result.status == 200
    assert [message for _, message in hub.since(SENDER, 0)] == [
        {"from": "bot", "text": catalogue.text("assistant_unavailable", "sv")}
    ]


class NoHandoffs:
    """A hand-over store in which nobody waits for an agent."""

    def open_for_sender(self, sender: str) -> None:
        return None


def test_messages_of_one_conversation_are_answered_one_at_a_time_in_order() -> None:
    handled: list[str] = []
    running: list[str] = []

    async def slow_rasa(message: UserMessage) -> None:
        running.append(message.text)
        assert len(running) == 1, f"two messages of one conversation at once: {running}"
        await asyncio.sleep(0.01 * (5 - int(message.text)))  # the first takes longest
        handled.append(message.text)
        running.remove(message.text)
        await message.output_channel.send_text_message(message.sender_id, f"vastaus {message.text}")

    async def burst() -> list[Any]:
        handler = route(RestInput("s3cret").blueprint(slow_rasa), "/webhook")
        headers = {"Authorization": "Bearer s3cret"}
        requests_ = [Request({"sender": "burst", "message": str(n)}, headers) for n in range(5)]
        return await asyncio.gather(*(handler(r) for r in requests_))

    results = asyncio.run(burst())
    assert handled == ["0", "1", "2", "3", "4"]
    assert [payload(r)[0]["text"] for r in results] == [f"vastaus {n}" for n in range(5)]
    assert len(CONVERSATIONS) == 0  # nothing kept once the conversation is quiet


@pytest.mark.parametrize(
    "allowed, origin, status",
    [
        ([], "https://evil.example", 403),  # an empty list means nobody, not everybody
        ([], "http://chat.example:5005", 200),  # the server's own pages
        (["https://www.paijatha.fi"], "https://www.paijatha.fi", 200),
        (["https://www.paijatha.fi"], "https://evil.example", 403),
        (["*"], "https://evil.example", 200),
        ([], None, 200),  # not a browser: no Origin to check
    ],
)
def test_web_chat_writes_check_the_origin(allowed: list[str], origin: str | None, status: int) -> None:
    request = Request({"message": "hei"}, {**WEB, **({"Origin": origin} if origin else {})})
    request.host = "chat.example:5005"
    channel = webchat(allowed_origins=allowed)
    result: Any = asyncio.run(route(channel.blueprint(answers), "/message")(request))
    assert result.status == status
    if status == 403:
        assert "allowed_origins" in payload(result)["error"]
    new = Request(b"", {"Origin": origin} if origin else {})
    new.host = "chat.example:5005"
    started: Any = asyncio.run(route(channel.blueprint(answers), "/session")(new))
    assert started.status == status  # nor may such a page start a conversation


def test_the_web_chat_takes_no_message_without_its_conversations_token() -> None:
    handler = route(webchat().blueprint(answers), "/message")
    stranger = SessionSigner(b"another key of 32 bytes.........").issue().token
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {stranger}"}, {"Authorization": "x"}):
        result: Any = asyncio.run(handler(Request({"sender": SENDER, "message": "hei"}, headers)))
        assert result.status == 401, headers
        assert result.headers["WWW-Authenticate"].startswith("Bearer")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_rate_limit_allows_a_burst_then_the_average() -> None:
    clock = Clock()
    limit = RateLimit(per_minute=30, burst=3, clock=clock)
    assert [limit.wait("a") for _ in range(4)] == [0, 0, 0, 2]  # the fourth waits 2 s (one every 2 s)
    assert limit.wait("b") == 0  # another client is not affected
    clock.now += 2
    assert limit.wait("a") == 0 and limit.wait("a") == 2


def test_a_flood_from_one_conversation_gets_429_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPASTIN_RATE_PER_SENDER", "6")
    channel = webchat(allowed_origins=[])
    handler = route(channel.blueprint(answers), "/message")
    statuses: list[int] = [asyncio.run(handler(Request({"message": "hei"}, WEB))).status for _ in range(10)]
    assert statuses == [200] * 8 + [429, 429]  # a burst of 8, then one every 10 s
    refused: Any = asyncio.run(handler(Request({"message": "hei"}, WEB)))
    assert refused.headers["Retry-After"] == "10" and "too many messages" in payload(refused)["error"]
    other = {"Authorization": f"Bearer {SIGNER.issue().token}"}
    assert asyncio.run(handler(Request({"message": "hei"}, other))).status == 200  # another conversation goes on


def test_one_address_cannot_start_thousands_of_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPASTIN_SESSIONS_PER_ADDRESS", "30")
    handler = route(webchat().blueprint(answers), "/session")
    statuses: list[int] = [asyncio.run(handler(Request(b""))).status for _ in range(12)]
    assert statuses == [200] * 10 + [429, 429]  # a burst of 10, then one every 2 s
    refused: Any = asyncio.run(handler(Request(b"")))
    assert refused.headers["Retry-After"] == "2" and "too many new conversations" in payload(refused)["error"]
    elsewhere = Request(b"")
    elsewhere.ip = "198.51.100.9"
    assert asyncio.run(handler(elsewhere)).status == 200  # another address is not held up


def test_open_streams_are_capped_per_conversation_and_per_server() -> None:
    slots = StreamSlots(total=3, per_sender=2)
    assert [slots.take("a"), slots.take("a"), slots.take("a")] == [True, True, False]
    assert slots.take("b") is True and slots.take("c") is False  # the server is full
    slots.give_back("a")
    assert slots.take("c") is True


@pytest.mark.parametrize("trusted, limited", [(True, "198.51.100.9"), (False, "203.0.113.7")])
def test_behind_a_trusted_proxy_the_limits_count_the_clients_address(trusted: bool, limited: str) -> None:
    channel = webchat(trust_proxy=trusted)
    request = Request(b"", {"X-Forwarded-For": "10.9.9.9, 198.51.100.9"})  # the proxy added the last one
    assert channel.client_address(request) == limited  # without trust, anyone could name any address


def test_the_proxy_setting_comes_from_credentials_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPASTIN_WEBCHAT_SECRET", "s" * 32)
    monkeypatch.delenv("OPASTIN_TRUST_PROXY", raising=False)
    assert WebchatInput.from_credentials({"trust_proxy": True}).trust_proxy is True
    assert WebchatInput.from_credentials({"allowed_origins": []}).trust_proxy is False
    monkeypatch.setenv("OPASTIN_TRUST_PROXY", "1")
    assert WebchatInput.from_credentials(None).trust_proxy is True


def test_the_shipped_settings_let_no_other_site_write_and_a_deployment_can_name_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPASTIN_WEBCHAT_SECRET", "s" * 32)
    monkeypatch.delenv("OPASTIN_ALLOWED_ORIGINS", raising=False)
    shipped = yaml.safe_load((Path(__file__).parents[1] / "credentials.yml").read_text(encoding="utf-8"))
    channel = WebchatInput.from_credentials(shipped["opastin.channels.webchat.WebchatInput"])
    assert channel.allowed_origins == []
    monkeypatch.setenv("OPASTIN_ALLOWED_ORIGINS", " https://www.paijatha.fi, https://www.lahti.fi ,")
    channel = WebchatInput.from_credentials({"allowed_origins": ["https://hyvinvointialue.fi"]})
    assert channel.allowed_origins == ["https://hyvinvointialue.fi", "https://www.paijatha.fi", "https://www.lahti.fi"]


# --------------------------------------------------------------------------- which client: a key, never the address


@pytest.fixture
def deployment_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The web chat's signing key of a test deployment, from which client keys are derived."""
    monkeypatch.setenv("OPASTIN_WEBCHAT_SECRET", "d" * 40)
    client_key.client_secret.cache_clear()
    yield
    client_key.client_secret.cache_clear()


def metadata_sent(request: Request, **options: Any) -> dict[str, Any]:
    """The metadata the web chat hands to Rasa (and so to the action server) with the message."""
    sent: list[dict[str, Any]] = []

    async def rasa(message: UserMessage) -> None:
        sent.append(message.metadata)
        await answers(message)

    result: Any = asyncio.run(route(webchat(**options).blueprint(rasa), "/message")(request))
    assert result.status == 200
    return sent[0]


def from_address(ip: str, headers: dict[str, str] | None = None, **metadata: str) -> Request:
    """A message of a new conversation (its own token) from `ip`."""
    token = {"Authorization": f"Bearer {SIGNER.issue().token}"}
    request = Request({"message": "haluan puhua ihmiselle", "metadata": metadata}, {**token, **(headers or {})})
    request.ip = ip
    return request


def test_the_web_chat_names_the_client_by_a_key_never_by_its_address(deployment_key: None) -> None:
    sent = metadata_sent(from_address("203.0.113.7", language="fi", client_key="chosen-by-the-page"))
    key = sent["client_key"]
    assert sent == {"language": "fi", "client_key": key}  # what the page claimed is replaced
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert "203.0.113.7" not in json.dumps(sent)
    assert key not in (hashlib.sha256(b"203.0.113.7").hexdigest()[:32], hashlib.md5(b"203.0.113.7").hexdigest())
    assert metadata_sent(from_address("203.0.113.7"))["client_key"] == key  # another conversation, the same client
    assert metadata_sent(from_address("203.0.113.8"))["client_key"] != key


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_added(deployment_key: None) -> None:
    forwarded = {"X-Forwarded-For": "198.51.100.1, 192.0.2.9"}  # the client claimed the first; nginx added the last
    untrusted = metadata_sent(from_address("127.0.0.1", forwarded))["client_key"]
    trusted = metadata_sent(from_address("127.0.0.1", forwarded), trust_proxy=True)["client_key"]
    assert untrusted == client_key.key_of("127.0.0.1", client_key.client_secret())  # anyone could send the header
    assert trusted == client_key.key_of("192.0.2.9", client_key.client_secret())


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("2001:db8:1:2::5", "2001:db8:1:2:ffff:0:0:9", True),  # one home's /64: one client
        ("2001:db8:1:2::5", "2001:db8:1:3::5", False),
        ("::ffff:203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "203.0.113.8", False),
    ],
)
def test_an_ipv6_client_is_its_64_network(one: str, other: str, same: bool) -> None:
    secret = b"s" * 32
    assert (client_key.key_of(one, secret) == client_key.key_of(other, secret)) is same


def test_the_client_keys_secret_is_the_deployments_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both Rasa processes of a deployment share the web chat's key, and so key a client alike; another
    deployment's keys differ, and the derived secret is not the signing key itself."""
    secrets_ = []
    for signing in ("a" * 40, "a" * 40, "b" * 40):
        monkeypatch.setenv("OPASTIN_WEBCHAT_SECRET", signing)
        client_key.client_secret.cache_clear()
        secrets_.append(client_key.client_secret())
    client_key.client_secret.cache_clear()
    assert secrets_[0] == secrets_[1] != secrets_[2] and b"a" * 40 not in secrets_
