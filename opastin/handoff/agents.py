"""Staff accounts of the console: salted scrypt password hashes, short-lived login sessions, and
throttling of failed logins.

Failed logins are counted in SQL per username and per client address, so that every server process
sees the same count. After each failure the answer waits a little longer (0.5, 1, 2, 4, 4 … seconds);
after MAX_FAILURES failures within FAILURE_WINDOW the username is locked for LOCK_TIME, even for the
right password (and a client address after ADDRESS_MAX_FAILURES). A right password clears the
username's count. An unknown or disabled username costs the same scrypt work as a known one and gets
the same answer, so the time and the text do not tell which names exist.

Administration (`make agent`, `make agent-disable`, …; the password is asked twice and never shown):

  python -m opastin.handoff.agents add USERNAME --county paijat-hame --name "Anna A."
  python -m opastin.handoff.agents disable USERNAME        # ends their sessions; logging in is refused
  python -m opastin.handoff.agents enable USERNAME
  python -m opastin.handoff.agents reset-password USERNAME # ends their sessions and lifts a lock-out
  python -m opastin.handoff.agents unlock USERNAME         # lifts a lock-out
  python -m opastin.handoff.agents list [--county …]
  python -m opastin.handoff.agents audit [--county …] [--since 2026-12-01] [--agent USERNAME]
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import math
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from opastin.handoff import audit
from opastin.handoff.queue import HandoffStore, shared_store, utc_now
from opastin.handoff.records import Agent, AgentSession, LoginFailure

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
SESSION_HOURS = 10  # one working day; then the agent logs in again
MIN_PASSWORD = 12

# Failed logins (environment variables of the same name with OPASTIN_LOGIN_ in front override them).
MAX_FAILURES = 5  # per username within FAILURE_WINDOW: then it is locked for LOCK_TIME
FAILURE_WINDOW_MINUTES = 15
LOCK_MINUTES = 15
ADDRESS_MAX_FAILURES = 20  # per client address (many names tried from one place) within FAILURE_WINDOW
FIRST_DELAY = 0.5  # seconds before answering the first failure; doubled for each further one …
MAX_DELAY = 4.0  # … up to this


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = MAX_FAILURES
    address_max_failures: int = ADDRESS_MAX_FAILURES
    window: timedelta = timedelta(minutes=FAILURE_WINDOW_MINUTES)
    lock: timedelta = timedelta(minutes=LOCK_MINUTES)
    first_delay: float = FIRST_DELAY
    max_delay: float = MAX_DELAY

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LoginPolicy:
        """The defaults, with OPASTIN_LOGIN_MAX_FAILURES, …_ADDRESS_MAX_FAILURES, …_WINDOW_MINUTES and
        …_LOCK_MINUTES from the environment when set."""
        values = os.environ if env is None else env

        def number(name: str, default: int) -> int:
            raw = values.get(f"OPASTIN_LOGIN_{name}", "").strip()
            if not raw:
                return default
            if not raw.isdigit() or int(raw) < 1:
                raise ValueError(f"OPASTIN_LOGIN_{name} must be a whole number of at least 1, not {raw!r}")
            return int(raw)

        return cls(
            max_failures=number("MAX_FAILURES", MAX_FAILURES),
            address_max_failures=number("ADDRESS_MAX_FAILURES", ADDRESS_MAX_FAILURES),
            window=timedelta(minutes=number("WINDOW_MINUTES", FAILURE_WINDOW_MINUTES)),
            lock=timedelta(minutes=number("LOCK_MINUTES", LOCK_MINUTES)),
        )

    def delay(self, failures: int) -> float:
        """Seconds to wait before answering the `failures`-th failure in a row."""
        return 0.0 if failures < 1 else min(self.first_delay * 2 ** (failures - 1), self.max_delay)


DEFAULT_POLICY = LoginPolicy()


@dataclass(frozen=True)
class LoginResult:
    token: str | None = None  # the new session's token when the login succeeded
    locked_for: int = 0  # seconds until a lock-out ends (nothing was checked, or this failure locked it)
    delay: float = 0.0  # seconds to wait before answering a failure
    failures: int = 0  # failures in the window so far, this one included (the larger of name and address)

    @property
    def ok(self) -> bool:
        return self.token is not None


# ---------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **SCRYPT, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode()
    )


def password_matches(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


@cache
def dummy_hash() -> str:
    """The hash an unknown or disabled username's password is checked against: the same scrypt work as a
    real one. Made once per process (the console makes it when it starts)."""
    return hash_password(secrets.token_urlsafe(24))


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")


# ---------------------------------------------------------------------- accounts


def add_agent(store: HandoffStore, username: str, password: str, county: str, display_name: str) -> Agent:
    _check_length(password)
    with store.session() as session, session.begin():
        agent = Agent(
            username=username,
            display_name=display_name,
            county=county,
            password_hash=hash_password(password),
            active=True,
        )
        session.add(agent)
        session.flush()
        audit.add(session, audit.AGENT_ADDED, agent)
        return agent


def _find(session: Session, username: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.username == username))
    if agent is None:
        raise LookupError(f"no agent {username!r}")
    return agent


def _end_sessions(session: Session, agent_id: int) -> None:
    session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id))


def set_active(store: HandoffStore, username: str, active: bool) -> Agent:
    """Disables an agent (their sessions end at once, logging in is refused) or enables them again."""
    with store.session() as session, session.begin():
        agent = _find(session, username)
        session.execute(update(Agent).where(Agent.id == agent.id).values(active=active))
        if not active:
            _end_sessions(session, agent.id)
        audit.add(session, audit.AGENT_ENABLED if active else audit.AGENT_DISABLED, agent)
        return agent


def reset_password(store: HandoffStore, username: str, password: str) -> Agent:
    """A new password: the agent's sessions end and a lock-out is lifted."""
    _check_length(password)
    with store.session() as session, session.begin():
        agent = _find(session, username)
        session.execute(update(Agent).where(Agent.id == agent.id).values(password_hash=hash_password(password)))
        _end_sessions(session, agent.id)
        session.execute(delete(LoginFailure).where(LoginFailure.key == _user_key(username)))
        audit.add(session, audit.PASSWORD_RESET, agent)
        return agent


def unlock(store: HandoffStore, username: str) -> Agent:
    """Forgets the username's failed logins, which lifts a lock-out."""
    with store.session() as session, session.begin():
        agent = _find(session, username)
        session.execute(delete(LoginFailure).where(LoginFailure.key == _user_key(username)))
        audit.add(session, audit.UNLOCKED, agent)
        return agent


def all_agents(store: HandoffStore, county: str | None = None) -> list[Agent]:
    query = select(Agent).order_by(Agent.county, Agent.username)
    if county:
        query = query.where(Agent.county == county)
    with store.session() as session:
        return list(session.scalars(query))


# ---------------------------------------------------------------------- logging in and out


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_key(username: str) -> str:
    return "user:" + username[:64]


def _address_key(address: str) -> str:
    return "address:" + address[:64]


def _locked_for(session: Session, limits: dict[str, int], now: datetime, policy: LoginPolicy) -> int:
    """Seconds until the longest lock-out of the keys ends: a key is locked for policy.lock after its
    limit-th failure within policy.window."""
    longest = 0
    for key, limit in limits.items():
        times = list(
            session.scalars(
                select(LoginFailure.created)
                .where(LoginFailure.key == key)
                .order_by(LoginFailure.created.desc())
                .limit(limit)
            )
        )
        if len(times) == limit and times[0] - times[-1] <= policy.window:
            left = (times[0] + policy.lock - now).total_seconds()
            longest = max(longest, math.ceil(left))
    return longest


def log_in(
    store: HandoffStore,
    username: str,
    password: str,
    address: str = "",
    policy: LoginPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> LoginResult:
    """A new session for a right username and password, unless the name or the address is locked out.

    The attempt is first written down as a failure (and committed), and only then is the password
    checked: attempts at the same moment, in any process, count each other, so guessing in parallel
    gets no more tries than guessing one by one.
    """
    limits = {_user_key(username): policy.max_failures}
    if address:
        limits[_address_key(address)] = policy.address_max_failures
    now = now or utc_now()  # UTC; given by tests
    with store.session() as session, session.begin():
        session.execute(delete(LoginFailure).where(LoginFailure.created < now - policy.window - policy.lock))
        agent = session.scalar(select(Agent).where(Agent.username == username, Agent.active.is_(True)))
        locked = _locked_for(session, limits, now, policy)
        if locked > 0:  # refused unchecked, and not counted: the lock ends when it was said to
            audit.add(session, audit.LOGIN_LOCKED, agent, address=address)
            return LoginResult(locked_for=locked)
        claims = {key: LoginFailure(key=key, created=now) for key in limits}
        session.add_all(claims.values())
    with store.session() as session, session.begin():
        counts = {
            key: session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == key, LoginFailure.created > now - policy.window)
            )
            for key in limits
        }
        if any(counts[key] > limit for key, limit in limits.items()):  # others took the last tries meanwhile
            audit.add(session, audit.LOGIN_LOCKED, agent, address=address)
            return LoginResult(locked_for=max(_locked_for(session, limits, now, policy), 1))
    # The same scrypt work for every name: an unknown or disabled one is checked against a dummy hash.
    right = password_matches(password, agent.password_hash if agent is not None else dummy_hash())
    with store.session() as session, session.begin():
        if right and agent is not None:
            session.execute(delete(LoginFailure).where(LoginFailure.key == _user_key(username)))
            session.execute(delete(LoginFailure).where(LoginFailure.id.in_([c.id for c in claims.values()])))
            session.execute(delete(AgentSession).where(AgentSession.expires < now))
            token = secrets.token_urlsafe(32)
            session.add(
                AgentSession(
                    token_hash=_token_hash(token), agent_id=agent.id, expires=now + timedelta(hours=SESSION_HOURS)
                )
            )
            audit.add(session, audit.LOGIN, agent, address=address)
            return LoginResult(token=token)
        audit.add(session, audit.LOGIN_FAILED, agent, address=address)
        failures = max(counts.values())
        if any(counts[key] >= limit for key, limit in limits.items()):  # this failure locked it
            return LoginResult(locked_for=max(_locked_for(session, limits, now, policy), 1), failures=failures)
    return LoginResult(delay=policy.delay(failures), failures=failures)


def agent_for(store: HandoffStore, token: str | None) -> Agent | None:
    if not token:
        return None
    with store.session() as session:
        row = session.get(AgentSession, _token_hash(token))
        if row is None or row.expires < utc_now():
            return None
        agent = session.get(Agent, row.agent_id)
        return agent if agent is not None and agent.active else None


def log_out(store: HandoffStore, token: str, address: str = "") -> Agent | None:
    """Deletes the session on the server: a copy of the cookie no longer logs anyone in."""
    with store.session() as session, session.begin():
        row = session.get(AgentSession, _token_hash(token))
        if row is None:
            return None
        agent = session.get(Agent, row.agent_id)
        session.execute(delete(AgentSession).where(AgentSession.token_hash == _token_hash(token)))
        audit.add(session, audit.LOGOUT, agent, address=address)
        return agent


# ---------------------------------------------------------------------- command line


def _since(text: str) -> datetime:
    """A date or a time (ISO 8601); without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date or time: {text!r} (e.g. 2026-12-01 or 2026-12-01T08:00)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Staff accounts of the Opastin console, and its audit log.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an agent (asks the password)")
    add.add_argument("username")
    add.add_argument("--county", required=True, help="paijat-hame | vantaa-kerava | satakunta")
    add.add_argument("--name", required=True, help="the name the person sees, e.g. 'Anna (asiakasohjaus)'")
    for name, text in [
        ("disable", "disable an agent: their sessions end and logging in is refused"),
        ("enable", "enable a disabled agent again"),
        ("reset-password", "set a new password (asks it twice); ends the agent's sessions and lifts a lock-out"),
        ("unlock", "lift a lock-out after too many failed logins"),
    ]:
        commands.add_parser(name, help=text).add_argument("username")
    listing = commands.add_parser("list", help="the agents, whether enabled, and their counties")
    listing.add_argument("--county")
    log = commands.add_parser("audit", help="print the audit log (times in UTC), oldest first")
    log.add_argument("--county")
    log.add_argument("--since", type=_since, help="a date or time, e.g. 2026-12-01 or 2026-12-01T08:00 (UTC)")
    log.add_argument("--agent", help="only this agent's entries")
    return parser


def _new_password(ask: Callable[[str], str]) -> str | None:
    try:
        password = ask("Password: ")
        again = ask("Again: ")
    except (EOFError, KeyboardInterrupt):
        print("\nerror: no password given", file=sys.stderr)
        return None
    if password != again:
        print("error: the passwords differ", file=sys.stderr)
        return None
    return password


def main(
    argv: list[str] | None = None,
    *,
    store: HandoffStore | None = None,
    ask_password: Callable[[str], str] = getpass.getpass,
) -> int:
    args = _parser().parse_args(argv)
    store = store or shared_store()
    try:
        if args.command == "add":
            password = _new_password(ask_password)
            if password is None:
                return 1
            try:
                add_agent(store, args.username, password, args.county, args.name)
            except IntegrityError:
                raise ValueError(f"there already is an agent {args.username!r}") from None
            print(f"agent {args.username} added for {args.county}")
        elif args.command in ("disable", "enable"):
            set_active(store, args.username, args.command == "enable")
            done = "enabled" if args.command == "enable" else "disabled; their sessions ended"
            print(f"agent {args.username} {done}")
        elif args.command == "reset-password":
            password = _new_password(ask_password)
            if password is None:
                return 1
            reset_password(store, args.username, password)
            print(f"agent {args.username}: new password set; their sessions ended")
        elif args.command == "unlock":
            unlock(store, args.username)
            print(f"agent {args.username} can log in again")
        elif args.command == "list":
            for agent in all_agents(store, args.county):
                state = "enabled" if agent.active else "disabled"
                print(f"{agent.username}\t{agent.county}\t{state}\t{agent.display_name}")
        elif args.command == "audit":
            for entry in audit.entries(store, county=args.county, since=args.since, username=args.agent):
                print(audit.line(entry))
    except (ValueError, LookupError) as error:
        print(f"error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
