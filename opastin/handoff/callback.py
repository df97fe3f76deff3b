"""Reading what a callback request needs: a Finnish phone number and a time window, in fi, sv or en."""
from __future__ import annotations

import re
from typing import Optional

from opastin.text import fold

_CANDIDATE = re.compile(r"(?:\+|00)?\d[\d\s().-]{4,}\d")
_IDENTITY_CODE = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)

WINDOWS = ("morning", "afternoon", "any")
_WINDOW_WORDS = {
    "any": ("mihin aikaan tahansa", "milloin tahansa", "milloin vain", "ei valia", "kumpi vain", "koska vaan",
            "nar som helst", "spelar ingen roll", "vilken tid som helst", "any time", "anytime", "whenever",
            "does not matter", "doesnt matter", "either"),
    "morning": ("aamupaiva", "aamulla", "aamu", "ennen puoltapaivaa", "8-12", "8–12", "formiddag", "morgon",
                "pa morgonen", "morning", "before noon"),
    "afternoon": ("iltapaiva", "iltapaivalla", "puolenpaivan jalkeen", "12-16", "12–16", "eftermiddag",
                  "afternoon", "after noon"),
}
_CANCEL_WORDS = ("peru", "peruuta", "peruutan", "lopeta", "en halua", "avbryt", "annullera", "inte langre",
                 "cancel", "stop", "never mind", "nevermind")


def phone_number(text: str) -> Optional[str]:
    """The Finnish phone number in the text as +358…, or None (a personal identity code is never one)."""
    if _IDENTITY_CODE.search(text):
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


def time_window(text: str) -> Optional[str]:
    folded = f" {fold(text)} "
    for window in ("any", "afternoon", "morning"):  # "iltapäivä" contains no "aamu"; "any" phrases first
        if any(word in folded for word in _WINDOW_WORDS[window]):
            return window
    return None


def wants_to_cancel(text: str) -> bool:
    folded = f" {fold(text)} "
    return any(f" {word} " in folded or folded.strip() == word for word in _CANCEL_WORDS)
