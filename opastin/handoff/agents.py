"""Staff accounts of the console: salted scrypt password hashes and short-lived login sessions.

Add an agent:  python -m opastin.handoff.agents add USERNAME --county paijat-hame --name "Anna A."
(the password is asked twice and never shown; at least 12 characters).
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from datetime import timedelta

from sqlalchemy import delete, select

from opastin.handoff.queue import HandoffStore, shared_store, utc_now
from opastin.handoff.records import Agent, AgentSession

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
SESSION_HOURS = 10  # one working day; then the agent logs in again
MIN_PASSWORD = 12


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


def add_agent(store: HandoffStore, username: str, password: str, county: str, display_name: str) -> Agent:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    with store.session() as session, session.begin():
        agent = Agent(
            username=username,
            display_name=display_name,
            county=county,
            password_hash=hash_password(password),
            active=True,
        )
        session.add(agent)
        return agent


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(store: HandoffStore, username: str, password: str) -> str | None:
    """A new session token for a right username and password, else None (the same for both mistakes)."""
    with store.session() as session, session.begin():
        agent = session.scalar(select(Agent).where(Agent.username == username, Agent.active.is_(True)))
        if agent is None:
            password_matches(password, hash_password("x" * MIN_PASSWORD))  # same time for an unknown name
            return None
        if not password_matches(password, agent.password_hash):
            return None
        session.execute(delete(AgentSession).where(AgentSession.expires < utc_now()))
        token = secrets.token_urlsafe(32)
        session.add(
            AgentSession(
                token_hash=_token_hash(token), agent_id=agent.id, expires=utc_now() + timedelta(hours=SESSION_HOURS)
            )
        )
        return token


def agent_for(store: HandoffStore, token: str | None) -> Agent | None:
    if not token:
        return None
    with store.session() as session:
        row = session.get(AgentSession, _token_hash(token))
        if row is None or row.expires < utc_now():
            return None
        agent = session.get(Agent, row.agent_id)
        return agent if agent is not None and agent.active else None


def log_out(store: HandoffStore, token: str) -> None:
    with store.session() as session, session.begin():
        session.execute(delete(AgentSession).where(AgentSession.token_hash == _token_hash(token)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Staff accounts of the Opastin console.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an agent (asks the password)")
    add.add_argument("username")
    add.add_argument("--county", required=True, help="paijat-hame | vantaa-kerava | satakunta")
    add.add_argument("--name", required=True, help="the name the person sees, e.g. 'Anna (asiakasohjaus)'")
    args = parser.parse_args(argv)
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Again: "):
        print("error: the passwords differ", file=sys.stderr)
        return 1
    try:
        add_agent(shared_store(), args.username, password, args.county, args.name)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"agent {args.username} added for {args.county}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
