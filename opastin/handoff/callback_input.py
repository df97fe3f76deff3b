"""Reading what a callback request needs: a Finnish phone number and a time window, in fi, sv or en."""

from __future__ import annotations

import re

from opastin import catalogue
from opastin.redaction import has_identity_code
from opastin.text import fold

_CANDIDATE = re.compile(r"(?:\+|00)?\d[\d\s().-]{4,}\d")

WINDOWS = ("morning", "afternoon", "any")
_WORDS = catalogue.words("callback")
_WINDOW_WORDS: dict[str, tuple[str, ...]] = {window: tuple(_WORDS["windows"][window]) for window in WINDOWS}
_CANCEL_WORDS: tuple[str, ...] = tuple(_WORDS["cancel"])


def phone_number(text: str) -> str | None:
    """The Finnish phone number in the text as +358…, or None (a personal identity code is never one)."""
    if has_identity_code(text):
        return None
    for match in _CANDIDATE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("+") or raw.startswith("00"):
            digits = digits[2:] if raw.startswith("00") else digits
            if not digits.startswith("358"):
                continue  # only Finnish numbers: staff call from a Finnish line
            national = digits[3:].lstrip("0")
        elif digits.startswith("0"):
            national = digits[1:]
        else:
            continue
        if 6 <= len(national) <= 11 and national[0] != "0":
            return "+358" + national
    return None


def display_phone(e164: str) -> str:
    """+358401234567 → 040 123 4567, as people read their own number."""
    national = "0" + e164.removeprefix("+358")
    if national.startswith(("04", "050")):  # mobile: 040 123 4567
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    return f"{national[:2]} {national[2:]}"  # landline: area code, then the number


def time_window(text: str) -> str | None:
    folded = f" {fold(text)} "
    for window in ("any", "afternoon", "morning"):  # "iltapäivä" contains no "aamu"; "any" phrases first
        if any(word in folded for word in _WINDOW_WORDS[window]):
            return window
    return None


def wants_to_cancel(text: str) -> bool:
    folded = f" {fold(text)} "
    return any(f" {word} " in folded or folded.strip() == word for word in _CANCEL_WORDS)
