"""A hand-over's messages to a person on SMS (opastin/channels/delivery.py): one SMS each, capped as answers are."""

from __future__ import annotations

from typing import Any

from opastin import catalogue
from opastin.channels.sms_answer import SmsReplies
from opastin.handoff.records import Handoff


class SmsOutbound:
    def __init__(self, replies: SmsReplies) -> None:
        self._replies = replies

    async def deliver(self, address: str, handoff: Handoff, message: dict[str, Any]) -> bool:
        text = str(message.get("text") or "")
        if (message.get("custom") or {}).get("feedback"):  # the web chat asks for feedback here; SMS does not
            text = catalogue.text("handoff_closed_plain", handoff.language)
        elif message.get("from") == "agent":
            text = catalogue.text("channel_agent_says", handoff.language, text=text)
        return await self._replies.answer(handoff.sender, address, [{"text": text}], handoff.language)
