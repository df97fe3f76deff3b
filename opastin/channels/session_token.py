"""The web chat's conversation tokens: the server picks each conversation's id and signs it, so that only
the page it was given to can read or write that conversation.

A token is `<sender>.<issued>.<signature>`, e.g. `Zk3…Q.1765000000.pP0…w`:

  sender     the conversation's id in Rasa: 24 random URL-safe characters (secrets.token_urlsafe(18))
  issued     when it was issued, in whole seconds since 1970 (no leading zeros: one token, one spelling)
  signature  HMAC-SHA256 with the signing key over `opastin-webchat-v1|<sender>|<issued>`, URL-safe base64
             without padding; compared in constant time

A token is good for OPASTIN_WEBCHAT_TOKEN_HOURS (24) from `issued`. While it is good, POST /session with it
gives a new one for the same conversation (the widget renews a token past half its life). An expired token
is good for nothing, not even for a renewal: otherwise a copy that leaked would open the conversation for
ever. By then Rasa's own session of the conversation has long ended (60 idle minutes, domain.yml session_config), so
the widget starts a new conversation and says so.

The signing key is OPASTIN_WEBCHAT_SECRET (at least 32 characters) when it is set, else the file
var/webchat.key: 32 random bytes in hex, made with mode 0600 by `make databases` or on first use. It is
made atomically (written aside, then linked into place; a process that loses the race reads the winner's),
so the two Rasa processes of the scaled profile, started together from the same folder, sign alike. A key
file others can read is refused. A new key ends every web chat conversation (their widgets start new ones).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY_FILE = ROOT / "var" / "webchat.key"
SECRET_SETTING = "OPASTIN_WEBCHAT_SECRET"
HOURS_SETTING = "OPASTIN_WEBCHAT_TOKEN_HOURS"
DEFAULT_HOURS = 24.0
MIN_SECRET = 32  # characters of OPASTIN_WEBCHAT_SECRET: anything shorter could be guessed from one token
KEY_BYTES = 32
CLOCK_SKEW = 300  # seconds a token may seem to be issued in the future (another machine's clock)
PURPOSE = b"opastin-webchat-v1"  # a signature of this key means nothing anywhere else
TOKEN = re.compile(r"^([A-Za-z0-9_-]{16,64})\.(0|[1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$")
MAX_TOKEN = 160  # characters; longer is refused before any work


class TokenError(ValueError):
    """A token that opens nothing. `reason` ("missing", "invalid", "expired") may be told to the client."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Session:
    """A conversation the holder of `token` may read and write until `expires` (seconds since 1970)."""

    sender: str
    issued: int
    expires: int
    token: str


def new_sender() -> str:
    """A conversation id nobody can guess: 144 random bits."""
    return secrets.token_urlsafe(18)


class SessionSigner:
    """Issues and checks the tokens of one signing key."""

    def __init__(
        self, key: bytes, lifetime_seconds: int = int(DEFAULT_HOURS * 3600), clock: Callable[[], float] = time.time
    ) -> None:
        if len(key) < 16:
            raise ValueError("the web chat's signing key is too short")
        if lifetime_seconds < 60:
            raise ValueError("a web chat token must be good for at least a minute")
        self._key = key
        self.lifetime = lifetime_seconds
        self._clock = clock

    @classmethod
    def from_settings(cls, environ: Mapping[str, str] = os.environ) -> SessionSigner:
        """The key and lifetime the servers use (OPASTIN_WEBCHAT_SECRET or var/webchat.key, the token hours)."""
        hours = float(environ.get(HOURS_SETTING) or DEFAULT_HOURS)
        return cls(signing_key(environ=environ), lifetime_seconds=int(hours * 3600))

    def issue(self, sender: str | None = None) -> Session:
        """A token for `sender` (a renewal) or for a new conversation."""
        sender = sender or new_sender()
        issued = str(int(self._clock()))
        token = f"{sender}.{issued}.{self._sign(sender, issued)}"
        return Session(sender, int(issued), int(issued) + self.lifetime, token)

    def verify(self, token: str | None) -> Session:
        """The conversation the token opens, or TokenError. The signature is checked before anything else."""
        if not token:
            raise TokenError("missing", "this needs the conversation's token: Authorization: Bearer <token>")
        match = TOKEN.match(token) if len(token) <= MAX_TOKEN else None
        if match is None:
            raise TokenError("invalid", "the conversation's token is not valid")
        sender, issued, signature = match.groups()
        if not hmac.compare_digest(self._sign(sender, issued), signature):
            raise TokenError("invalid", "the conversation's token is not valid")
        now = self._clock()
        if int(issued) > now + CLOCK_SKEW:
            raise TokenError("invalid", "the conversation's token is not valid")
        if now >= int(issued) + self.lifetime:
            raise TokenError("expired", "the conversation's token has expired: start a new conversation")
        return Session(sender, int(issued), int(issued) + self.lifetime, token)

    def _sign(self, sender: str, issued: str) -> str:
        message = b"|".join((PURPOSE, sender.encode("ascii"), issued.encode("ascii")))
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def signing_key(path: Path | None = None, environ: Mapping[str, str] = os.environ) -> bytes:
    """OPASTIN_WEBCHAT_SECRET when set, else the key file (var/webchat.key unless `path`; made when missing)."""
    secret = environ.get(SECRET_SETTING)
    if secret:
        if len(secret) < MIN_SECRET:
            raise ValueError(f"{SECRET_SETTING} must be at least {MIN_SECRET} characters (e.g. `openssl rand -hex 32`)")
        return secret.encode("utf-8")
    return key_file(path or KEY_FILE)


def key_file(path: Path) -> bytes:
    """The key in `path`; made first when missing, with mode 0600, so that all processes agree on it."""
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _create_key_file(path: Path) -> None:
    """Writes a new key aside and links it into place: a file that exists is always whole, and a second
    process that gets here at the same moment keeps the first one's key (link refuses to replace a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process was first: its key is the one
    finally:
        aside.unlink(missing_ok=True)


def _read_key_file(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} may be read or changed by others: run `chmod 600 {path}`")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        key = b""
    if len(key) < KEY_BYTES:
        raise ValueError(f"{path} does not hold a key of {KEY_BYTES} bytes in hex: delete it to make a new one")
    return key
