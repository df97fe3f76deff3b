"""Every door of the production core, tried over HTTP against running servers started as `make run` starts
them: the shipped credentials.yml (no other site allowed), the shipped per-client limits, the action server
behind a token. Each test names the hole it tries. The web chat's tokens are tried in test_webchat_http.py
and the staff console's doors in test_console_http.py (on the shared test stack); the rest is here.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from opastin.devstack import (
    ACTION_TOKEN,
    LOGS,
    api_params,
    free_port,
    rest_headers,
    servers,
    webchat_headers,
    webchat_session,
)
from tests.conftest import stack_stores

NAME = "security"
PERSONAL = "soita minulle 040 123 4567, hetu 131052-308T"  # must reach no log
FOREIGN = "https://evil.example"
ISSUED: list[str] = []


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Both servers with the shipped limits and origins; only the databases are the test's own."""
    stores = stack_stores(tmp_path_factory.mktemp("security"))
    action_port = free_port()
    env = {**stores, ACTION_TOKEN: uuid.uuid4().hex}
    with servers(env=env, name=NAME, action_port=action_port) as base:
        yield {
            "base": base,
            "actions": f"http://127.0.0.1:{action_port}",
            "action_token": env[ACTION_TOKEN],
            "tracker": stores["TRACKER_URL"],
        }


def new_token(stack: dict[str, str]) -> str:
    """A new web chat conversation's token (kept, to look for it in the logs at the end)."""
    ISSUED.append(webchat_session(stack["base"])["token"])
    return ISSUED[-1]


def webchat(stack: dict[str, str], path: str) -> str:
    return f"{stack['base']}/webhooks/webchat/{path}"


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for `port`, from the kernel's own table (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(socket.inet_ntop(socket.AF_INET if len(address) == 8 else socket.AF_INET6, _raw(address)))
    return found


def _raw(address: str) -> bytes:
    """/proc/net/tcp writes each 32-bit word of the address in the machine's (little-endian) order."""
    words = [bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, len(address), 8)]
    return b"".join(words)


def test_both_servers_listen_on_loopback_only(stack: dict[str, str]) -> None:
    for base in (stack["base"], stack["actions"]):
        assert listening_addresses(int(base.rsplit(":", 1)[1])) == {"127.0.0.1"}, base


def test_the_action_server_answers_only_the_rasa_server_and_never_echoes_a_tracker(stack: dict[str, str]) -> None:
    call = {"next_action": "action_show_services", "tracker": {"sender_id": "x", "latest_message": PERSONAL}}
    for token in (None, "wrong"):
        params = {"token": token} if token else {}
        refused = requests.post(f"{stack['actions']}/webhook", json=call, params=params, timeout=10)
        assert refused.status_code == 403, token
    failed = requests.post(
        f"{stack['actions']}/webhook", json=call, params={"token": stack["action_token"]}, timeout=10
    )
    assert failed.status_code == 500 and failed.json() == {"error": "the action failed"}
    # the real conversation works: Rasa sends the token
    reply = requests.post(
        f"{stack['base']}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": "tarvitsen hammaslääkärin Lahdessa"},
        headers=rest_headers(),
        timeout=60,
    )
    assert reply.status_code == 200 and any("Lahti" in m.get("text", "") for m in reply.json())


def test_rasas_own_http_api_needs_its_token(stack: dict[str, str]) -> None:
    """Rasa's API would hand out every conversation; `make run` does not start it, tests start it with a token."""
    sender = uuid.uuid4().hex
    for path in (f"conversations/{sender}/tracker", "model/parse", "status"):
        assert requests.get(f"{stack['base']}/{path}", timeout=10).status_code in (401, 403, 405), path
    assert requests.get(f"{stack['base']}/status", params=api_params(), timeout=10).status_code == 200


def test_no_other_site_may_open_write_or_read_a_conversation(stack: dict[str, str]) -> None:
    foreign = {"Origin": FOREIGN}
    assert requests.post(webchat(stack, "session"), headers=foreign, timeout=10).status_code == 403
    token = new_token(stack)
    body = json.dumps({"message": "hei"})
    wrote = requests.post(
        webchat(stack, "message"), data=body, headers={**webchat_headers(token), **foreign}, timeout=10
    )
    assert wrote.status_code == 403 and "allowed_origins" in wrote.json()["error"]
    preflight = requests.options(
        webchat(stack, "message"),
        headers={**foreign, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"},
        timeout=10,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") in (None, "")
    # the server's own pages may
    own = {"Origin": stack["base"]}
    assert requests.post(webchat(stack, "message"), data=body, headers={**webchat_headers(token), **own}, timeout=60).ok


def test_a_rest_caller_needs_the_token_and_cannot_pose_as_the_web_chat(stack: dict[str, str]) -> None:
    url = f"{stack['base']}/webhooks/rest/webhook"
    sender = uuid.uuid4().hex
    body = {"sender": sender, "message": "hei", "input_channel": "webchat"}
    assert requests.post(url, json=body, timeout=10).status_code == 403
    assert requests.post(url, json=body, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 403
    assert requests.post(url, json=body, headers=rest_headers(), timeout=60).status_code == 200
    database = sqlite3.connect(stack["tracker"].removeprefix("sqlite:///"))
    rows = database.execute("select data from events where sender_id = ? and type_name = 'user'", (sender,))
    assert [json.loads(data)["input_channel"] for (data,) in rows] == ["rest"]


def test_huge_bodies_are_refused_before_they_are_read(stack: dict[str, str]) -> None:
    token = new_token(stack)
    huge = b'{"message": "' + b"a" * 1_000_000 + b'"}'
    for url, headers in (
        (webchat(stack, "message"), webchat_headers(token)),
        (f"{stack['base']}/webhooks/rest/webhook", rest_headers()),
        (f"{stack['base']}/webhooks/console/api/login", {"X-Opastin-Console": "1"}),
    ):
        answer = requests.post(url, data=huge, headers=headers, timeout=30)
        assert answer.status_code == 413, url


@pytest.mark.parametrize("text", ["hei\x00", "hei \ud800"])
def test_nul_bytes_and_lone_surrogates_get_a_clear_400(stack: dict[str, str], text: str) -> None:
    body = json.dumps({"sender": uuid.uuid4().hex, "message": text}).encode()
    token = new_token(stack)
    for url, headers in (
        (webchat(stack, "message"), webchat_headers(token)),
        (f"{stack['base']}/webhooks/rest/webhook", rest_headers()),
    ):
        answer = requests.post(url, data=body, headers=headers, timeout=30)
        assert answer.status_code == 400 and answer.json()["error"], url


def test_one_conversation_cannot_flood_the_assistant(stack: dict[str, str]) -> None:
    token = new_token(stack)

    def send(_: int) -> requests.Response:
        body = json.dumps({"message": "hei"})
        return requests.post(webchat(stack, "message"), data=body, headers=webchat_headers(token), timeout=120)

    with ThreadPoolExecutor(max_workers=12) as pool:  # all at once, as a script would
        statuses = list(pool.map(send, range(12)))
    assert sorted(s.status_code for s in statuses) == [200] * 8 + [429] * 4  # the burst; then 20 a minute
    assert all(int(s.headers["Retry-After"]) > 0 for s in statuses if s.status_code == 429)


def test_one_conversation_cannot_hold_many_streams(stack: dict[str, str]) -> None:
    token = new_token(stack)
    opened: list[requests.Response] = []
    try:
        for _ in range(4):
            opened.append(
                requests.get(webchat(stack, "stream"), headers=webchat_headers(token), stream=True, timeout=10)
            )
        assert all(s.status_code == 200 for s in opened)
        fifth = requests.get(webchat(stack, "stream"), headers=webchat_headers(token), stream=True, timeout=10)
        assert fifth.status_code == 429
        fifth.close()
    finally:
        for response in opened:
            response.close()


def test_nothing_personal_and_no_token_reaches_the_logs(stack: dict[str, str]) -> None:
    """After everything above has been said to both servers."""
    requests.post(
        f"{stack['base']}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": PERSONAL},
        headers=rest_headers(),
        timeout=60,
    )
    logs = "".join(path.read_text(encoding="utf-8", errors="replace") for path in LOGS.glob(f"{NAME}*"))
    assert logs, "the servers wrote no log at all"
    for secret in ("040 123 4567", "131052-308T", stack["action_token"], *ISSUED):
        assert secret not in logs


def test_one_client_cannot_open_conversations_without_end(stack: dict[str, str]) -> None:
    """Last: it uses up this address's conversations for a while."""
    answers = [requests.post(webchat(stack, "session"), timeout=10) for _ in range(12)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and all(int(a.headers["Retry-After"]) > 0 for a in refused)
    assert all(a.status_code == 200 for a in answers[: len(answers) - len(refused)])
