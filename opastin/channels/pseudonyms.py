"""A Telegram or SMS conversation's id: a keyed hash of the chat id or phone number, never the number itself.

The tracker store, the queue and the logs see only "tg-<32 hex>" or "sms-<32 hex>". The key
(OPASTIN_PSEUDONYM_KEY) stays with the Rasa server, so the stored ids cannot be turned back into
numbers by hashing every possible number, as a plain hash could. The same number always gives the
same id, so a person can go on with a conversation and "STOP" can erase it. Changing the key starts
every conversation anew (the old ones expire with their lifetime).
"""

from __future__ import annotations

import hashlib
import hmac

DIGITS = 32  # 128 bits of the HMAC-SHA256: no two people will share an id


class Pseudonyms:
    def __init__(self, key: str, prefix: str) -> None:
        self._key = key.encode("utf-8")
        self.prefix = prefix

    def sender(self, address: str) -> str:
        """The conversation id for a chat id or an E.164 phone number of this channel."""
        digest = hmac.new(self._key, f"{self.prefix}\n{address}".encode(), hashlib.sha256).hexdigest()
        return f"{self.prefix}-{digest[:DIGITS]}"
