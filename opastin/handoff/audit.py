"""The console's audit log: who logged in (or failed to), and who opened, took, answered, ended or rated
which conversation and saw or finished which callback. Never a person's text or phone number: only
ids, the agent, the county, the time (UTC) and the client's address.

Read it with: python -m opastin.handoff.agents audit [--county paijat-hame] [--since 2026-12-01] [--agent anna]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from opastin.handoff.queue import HandoffStore, utc_now
from opastin.handoff.records import Agent, AuditEntry

# What an entry's action can be: the console's own, then what an administrator did with `make agent-…`.
LOGIN, LOGIN_FAILED, LOGIN_LOCKED, LOGOUT = "login", "login_failed", "login_locked", "logout"
OPEN_CONVERSATION, TAKE, REPLY, RETURN, CLOSE, RATE = "open_conversation", "take", "reply", "return", "close", "rate"
VIEW_CALLBACK, CALLBACK_DONE = "view_callback", "callback_done"
AGENT_ADDED, AGENT_DISABLED, AGENT_ENABLED = "agent_added", "agent_disabled", "agent_enabled"
PASSWORD_RESET, UNLOCKED = "password_reset", "unlocked"


def add(
    session: Session,
    action: str,
    agent: Agent | None = None,
    *,
    target: str | None = None,
    address: str | None = None,
) -> None:
    """An entry in the caller's transaction (so that it is kept exactly when what it records is)."""
    session.add(
        AuditEntry(
            created=utc_now(),
            agent_id=agent.id if agent is not None else None,
            username=agent.username if agent is not None else None,
            county=agent.county if agent is not None else None,
            action=action,
            target=target,
            address=(address or None) and address[:64],
        )
    )


def record(
    store: HandoffStore, action: str, agent: Agent | None, *, target: str | None = None, address: str | None = None
) -> None:
    with store.session() as session, session.begin():
        add(session, action, agent, target=target, address=address)


def record_first_views(
    store: HandoffStore, agent: Agent, action: str, targets: Iterable[str], *, address: str | None = None
) -> None:
    """One entry per target the agent had not been shown before (the queue's callbacks, refreshed often)."""
    wanted = list(targets)
    if not wanted:
        return
    with store.session() as session, session.begin():
        seen = set(
            session.scalars(
                select(AuditEntry.target).where(
                    AuditEntry.agent_id == agent.id, AuditEntry.action == action, AuditEntry.target.in_(wanted)
                )
            )
        )
        for target in wanted:
            if target not in seen:
                add(session, action, agent, target=target, address=address)


def entries(
    store: HandoffStore, *, county: str | None = None, since: datetime | None = None, username: str | None = None
) -> list[AuditEntry]:
    """The log in time order; `since` is UTC."""
    query = select(AuditEntry).order_by(AuditEntry.created, AuditEntry.id)
    if county:
        query = query.where(AuditEntry.county == county)
    if since:
        query = query.where(AuditEntry.created >= since)
    if username:
        query = query.where(AuditEntry.username == username)
    with store.session() as session:
        return list(session.scalars(query))


def line(entry: AuditEntry) -> str:
    """One entry as a line of text: time, county, agent, action, target, address (– when not known)."""
    fields = [
        entry.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        entry.county or "–",
        entry.username or "–",
        entry.action,
        entry.target or "–",
        entry.address or "–",
    ]
    return "\t".join(fields)
