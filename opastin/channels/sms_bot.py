"""What the SMS channel does with an authentic text message: in the background, in order per conversation.

A whole-message STOP / LOPETA / SLUTA ends the conversation and erases it everywhere (as `python -m
opastin.retention erase` does), with one confirmation. LISÄÄ / MER / MORE sends the rest of the last
answer. A number or a choice's title answers the choices just offered ("1", "lahti"). Anything else
goes to the bot (or to the agent during a hand-over), and the bot's messages go out as one SMS.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from opastin import catalogue, retention
from opastin.channels.config import api_channel_limit
from opastin.channels.handover import tell_console
from opastin.channels.hub import PushHub
from opastin.channels.inbound import RequestError, clean_text, unavailable
from opastin.channels.memory import Seen
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.sms_answer import SmsOutput, SmsReplies
from opastin.channels.sms_text import chosen, for_sms
from opastin.channels.turns import Background, LanguageOf, Said, to_bot_or_agent
from opastin.channels.web import blocking
from opastin.handoff.queue import HandoffStore
from opastin.text import fold

log = logging.getLogger(__name__)

OnMessage = Callable[[UserMessage], Awaitable[Any]]
CHANNEL = "sms"
_WORDS = catalogue.words("sms")


def keyword(text: str, kind: str) -> str | None:
    """The language of the keyword (`stop` or `more`) the whole message is, or None."""
    word = fold(text).strip(" .!?")
    return next((language for language, words in _WORDS[kind].items() if word in words), None)


class SmsBot:
    def __init__(
        self,
        replies: SmsReplies,
        senders: Pseudonyms,
        store: Callable[[], HandoffStore],
        hub: PushHub,
        erase: Callable[[str], Any] = retention.erase,
    ) -> None:
        self.replies = replies
        self.senders = senders
        self.background = Background()
        self.seen = Seen(100_000, 24 * 3600)  # the gateway tries a webhook again for minutes, not days
        self.per_sender = api_channel_limit()
        self._store = store
        self.hub = hub
        self._erase = erase

    def take(self, form: dict[str, str], on_new_message: OnMessage, language_of: LanguageOf) -> None:
        """Starts the message's work in the background, once per MessageSid."""
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        address = form.get("From", "").strip()
        if not address or (message_sid and not self.seen.first_time(message_sid)):
            return
        sender = self.senders.sender(address)
        if self.per_sender.wait(sender):
            log.info("sms: a conversation writes too fast; a message was dropped")
            return
        text = form.get("Body", "")

        async def work() -> None:
            await self._handle(sender, address, text, on_new_message, language_of)

        self.background.start(sender, work, "answering an sms")

    async def _handle(
        self, sender: str, address: str, text: str, on_new_message: OnMessage, language_of: LanguageOf
    ) -> None:
        stop = keyword(text, "stop")
        if stop is not None:
            await self._stop(sender, address, await language_of(sender) or stop)
            return
        if keyword(text, "more") is not None and await self.replies.more(sender):
            return
        button = chosen(text, self.replies.take_choices(sender))
        try:
            typed = clean_text(text)
        except RequestError as error:
            key = "channel_too_long" if error.status == 413 else "channel_text_only"  # e.g. a picture alone (MMS)
            language = await language_of(sender) or "fi"
            await self.replies.answer(sender, address, [{"text": catalogue.text(key, language)}], language)
            return
        shown = str(button.get("title")) if button else typed
        said = Said(sender, CHANNEL, address, str(button.get("payload")) if button else typed, shown, {})
        output = SmsOutput()
        if await to_bot_or_agent(said, output, on_new_message, self._store(), self.hub):
            return
        language = await language_of(sender) or "fi"
        messages = output.messages or [unavailable(shown, language)]  # never a silent nothing
        await self.replies.answer(sender, address, messages, language)

    async def _stop(self, sender: str, address: str, language: str) -> None:
        store = self._store()
        handoff = await blocking(store.open_for_sender, sender)
        await blocking(self._erase, sender)
        self.replies.forget(sender)
        if handoff is not None:
            tell_console(self.hub, handoff.county, {"type": "queue"})
        await self.replies.api.send(address, for_sms(catalogue.text("sms_stopped", language)))
