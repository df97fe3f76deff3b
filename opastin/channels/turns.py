"""One message of a person in Telegram or SMS, after its webhook has been answered.

Telegram and Twilio wait only a few seconds for a webhook's answer and send it again when it is late,
so the webhook answers at once and the message is handled here, in the background: in the order the
messages came, one at a time per conversation (the same per-conversation lock as the web chat,
opastin/channels/ordering.py). While a hand-over is open the message goes to the agent and never to
the bot (as in the web chat); when the bot has just queued the person, the channel remembers where
the agent's replies go (opastin/handoff/routes.py) and tells the console at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from opastin.channels.handover import relay_to_agent, tell_console
from opastin.channels.hub import PushHub
from opastin.channels.ordering import CONVERSATIONS
from opastin.channels.web import blocking
from opastin.handoff import routes
from opastin.handoff.queue import HandoffStore
from opastin.language import normalise_code

log = logging.getLogger(__name__)


class Background:
    """Work started by webhooks, kept until done; each conversation's in the order it was started."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def start(self, sender: str, work: Callable[[], Awaitable[None]], what: str) -> None:
        # The task's first step is to queue for the conversation's turn, so tasks started in order run in order.
        task = asyncio.get_running_loop().create_task(self._run(sender, work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def detach(self, work: Awaitable[Any], what: str) -> None:
        """Work outside any turn (answering a Telegram button press at once)."""

        async def run() -> None:
            try:
                await work
            except Exception:  # noqa: BLE001 - logged without the words; the turn goes on
                log.error("%s failed", what, exc_info=True)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(sender: str, work: Callable[[], Awaitable[None]], what: str) -> None:
        try:
            async with CONVERSATIONS.turn(sender):
                await work()
        except Exception:  # noqa: BLE001 - logged without the words; the next message is handled as usual
            log.error("%s failed", what, exc_info=True)

    async def drain(self, seconds: float | None = None) -> None:
        """Waits until everything started so far (and what it started) is done, or `seconds` have passed: tests,
        and a server stopping (its webhooks were answered already, so what is still unfinished then goes unanswered)."""

        async def all_done() -> None:
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

        try:
            await asyncio.wait_for(all_done(), seconds)
        except asyncio.TimeoutError:
            log.warning("stopping with %d channel messages unfinished", len(self._tasks))


@dataclass(frozen=True)
class Said:
    """A message as the channel read it: `text` goes to the bot (a button's payload), `shown` to an agent."""

    sender: str
    channel: str
    address: str  # the chat id or phone number, to reply with; never stored but as a hand-over's route
    text: str
    shown: str
    metadata: dict[str, Any]


async def to_bot_or_agent(
    said: Said,
    output: OutputChannel,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    store: HandoffStore,
    hub: PushHub,
) -> bool:
    """Relays to the agent while a hand-over is open (True), else asks the bot (False)."""
    handoff = await blocking(store.open_for_sender, said.sender)
    if handoff is not None:
        if await blocking(routes.route_for, store, said.sender) is None:  # e.g. queued by another way
            await blocking(routes.remember, store, said.sender, said.channel, said.address)
        await relay_to_agent(store, hub, handoff, said.shown)
        return True
    try:
        message = UserMessage(said.text, output, said.sender, input_channel=said.channel, metadata=said.metadata)
        await on_new_message(message)
    except Exception:  # noqa: BLE001 - the channel answers the person whatever failed; the log names no words
        log.error("answering a %s message failed", said.channel, exc_info=True)
    queued = await blocking(store.open_for_sender, said.sender)
    if queued is not None:  # the bot has just queued the person: the agent's replies must find them
        await blocking(routes.remember, store, said.sender, said.channel, said.address)
        tell_console(hub, queued.county, {"type": "queue"})
    return False


LanguageOf = Callable[[str], Awaitable[str | None]]


def tracker_language(app: Any) -> LanguageOf:
    """The conversation's language slot as Rasa keeps it (None before the first answer or without a tracker)."""

    async def language_of(sender: str) -> str | None:
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(sender)
        return normalise_code(tracker.get_slot("language")) if tracker is not None else None

    return language_of
