"""The web chat's conversation tokens: only the server can make one, a changed or old one opens nothing,
and every process of one installation signs with the same persisted key."""

from __future__ import annotations

import hmac
import multiprocessing
import stat
from pathlib import Path

import pytest

from opastin import setup_databases
from opastin.channels import session_token
from opastin.channels.session_token import (
    SessionSigner,
    TokenError,
    bearer_token,
    key_file,
    signing_key,
)

KEY = b"k" * 32
DAY = 24 * 3600


class Clock:
    def __init__(self, now: float = 1_765_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def reason(signer: SessionSigner, token: str | None) -> str:
    with pytest.raises(TokenError) as refused:
        signer.verify(token)
    return refused.value.reason


def test_a_token_opens_the_conversation_it_was_issued_for() -> None:
    signer = SessionSigner(KEY)
    first, second = signer.issue(), signer.issue()
    assert first.sender != second.sender and len(first.sender) == 24  # 144 random bits, chosen by the server
    assert signer.verify(first.token).sender == first.sender
    assert signer.verify(second.token).sender == second.sender
    assert first.expires - first.issued == DAY
    renewed = signer.issue(first.sender)
    assert signer.verify(renewed.token).sender == first.sender


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def test_a_changed_token_opens_nothing() -> None:
    signer = SessionSigner(KEY)
    token = signer.issue().token
    sender, issued, signature = token.split(".")
    other = signer.issue().sender
    tampered = [
        f"{other}.{issued}.{signature}",  # another conversation with this one's signature
        f"{sender}.{int(issued) + 3600}.{signature}",  # a later issue time, to live longer
        f"{sender}.{issued}.{_flip(signature, 0)}",
        f"{sender}.{issued}.{_flip(signature, 42)}",  # the last character, whose low bits base64 leaves over
        f"{_flip(sender, 5)}.{issued}.{signature}",
        f"{sender}.0{issued}.{signature}",  # the same time spelt otherwise
        f"{sender}.{issued}.{signature}=",
        f"{sender}.{issued}.{signature}.x",
        f"{sender}.{issued}",
        "x" * 10_000,
        "ä" * 80,
    ]
    for bad in tampered:
        assert reason(signer, bad) == "invalid", bad
    assert reason(SessionSigner(b"another key of 32 bytes........."), token) == "invalid"
    assert reason(signer, None) == reason(signer, "") == "missing"


def test_the_signature_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    signer = SessionSigner(KEY)
    token = signer.issue().token
    signer.verify(token)
    assert compared == [(token.rsplit(".", 1)[1], token.rsplit(".", 1)[1])]


def test_a_token_expires_and_cannot_come_from_the_future() -> None:
    clock = Clock()
    signer = SessionSigner(KEY, lifetime_seconds=DAY, clock=clock)
    token = signer.issue().token
    clock.now += DAY - 1
    assert signer.verify(token)
    clock.now += 1
    assert reason(signer, token) == "expired"
    ahead = SessionSigner(KEY, clock=Clock(clock.now + 3600)).issue().token  # a clock an hour fast
    assert reason(signer, ahead) == "invalid"
    slightly = SessionSigner(KEY, clock=Clock(clock.now + 60)).issue().token  # a minute: clocks differ a little
    assert signer.verify(slightly)


def test_the_lifetime_is_a_setting(tmp_path: Path) -> None:
    signer = SessionSigner.from_settings({"OPASTIN_WEBCHAT_SECRET": "s" * 32, "OPASTIN_WEBCHAT_TOKEN_HOURS": "2"})
    assert signer.lifetime == 2 * 3600


@pytest.mark.parametrize(
    "header, token",
    [
        ("Bearer abc.1.x", "abc.1.x"),
        ("bearer   abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_the_token_is_read_from_the_authorization_header(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_the_key_file_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "webchat.key"
    key = key_file(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_file(path) == key
    token = SessionSigner(key).issue().token
    assert SessionSigner(key_file(path)).verify(token)  # what a restarted server reads still opens it
    assert [p.name for p in path.parent.iterdir()] == ["webchat.key"]  # nothing left aside


def _read_key(path: str, start: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue) -> None:
    start.wait()
    out.put(key_file(Path(path)).hex())


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "webchat.key"
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_read_key, args=(str(path), start, out)) for _ in range(4)]
    for process in processes:
        process.start()
    keys = {out.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(30)
    assert len(keys) == 1 and bytes.fromhex(keys.pop()) == key_file(path)


def test_a_key_file_others_can_read_or_a_broken_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "webchat.key"
    key_file(path)
    path.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        key_file(path)
    path.chmod(0o600)
    path.write_text("not hex\n", encoding="ascii")
    with pytest.raises(ValueError, match="delete it"):
        key_file(path)


def test_the_secret_setting_wins_and_must_be_long(tmp_path: Path) -> None:
    path = tmp_path / "webchat.key"
    assert signing_key(path, {"OPASTIN_WEBCHAT_SECRET": "s" * 32}) == b"s" * 32
    assert not path.exists()  # no file is made when the secret comes from the environment
    with pytest.raises(ValueError, match="at least 32"):
        signing_key(path, {"OPASTIN_WEBCHAT_SECRET": "password123"})
    assert signing_key(path, {}) == key_file(path)


def test_make_databases_makes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "var" / "webchat.key"
    monkeypatch.setattr(session_token, "KEY_FILE", path)
    monkeypatch.delenv("OPASTIN_WEBCHAT_SECRET", raising=False)
    urls = [f"sqlite:///{tmp_path / name}.db" for name in ("handoff", "reporting", "tracker")]
    monkeypatch.setattr(
        "sys.argv", ["setup_databases", "--handoff-url", urls[0], "--reporting-url", urls[1], "--tracker-url", urls[2]]
    )
    setup_databases.main()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key_file(path)) == 32
