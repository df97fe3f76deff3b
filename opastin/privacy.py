"""Removing what identifies a person from free text that is kept (feedback comments)."""

from __future__ import annotations

import re

REMOVED = "[…]"
_PATTERNS = (
    re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE),  # Finnish personal identity code
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail address
    re.compile(r"(?<!\w)(?:\+|00)\d[\d \-]{6,}\d"),  # international phone number
    re.compile(r"(?<!\w)0\d{1,3}[ -]?\d[\d \-]{4,}\d"),  # Finnish phone number
)


def scrub(text: str) -> str:
    """The text with identity codes, e-mail addresses and phone numbers replaced by "[…]"."""
    for pattern in _PATTERNS:
        text = pattern.sub(REMOVED, text)
    return text
