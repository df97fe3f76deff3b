"""Answers as plain text for channels that show no formatting of ours (Telegram as sent, SMS), cut where it reads well.

Markdown marks are dropped ("**tärkeä**" → "tärkeä") and a link becomes its text and address
("[Omakanta](https://www.kanta.fi)" → "Omakanta: https://www.kanta.fi"), so a phone shows the
address itself, which it links. A long text is cut at a paragraph, then a line, then a sentence,
then a space, and never between the digit groups of a phone number ("09 2525 0111").
"""

from __future__ import annotations

import re
from collections.abc import Callable

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_TOO_EARLY = 3  # a cut is not made in the first third of what fits: better a word cut than a tiny piece


def _link(match: re.Match[str]) -> str:
    label, address = match.group(1).strip(), match.group(2)
    return address if label.rstrip("/") == address.rstrip("/") else f"{label}: {address}"


def strip_markdown(text: str) -> str:
    text = _LINK.sub(_link, text)
    text = _STRONG.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    return _HEADING.sub("", text)


def _space_cut(text: str, end: int) -> int:
    """The last space before `end` that is not between two digits (a phone number's groups stay together)."""
    at = text.rfind(" ", 0, end)
    while at > 0:
        if not (text[at - 1].isdigit() and at + 1 < len(text) and text[at + 1].isdigit()):
            return at
        at = text.rfind(" ", 0, at)
    return -1


def cut(text: str, fits: Callable[[str], bool]) -> tuple[str, str]:
    """The longest good head of `text` that `fits`, and the rest (`fits` must hold for each prefix of a fit)."""
    if fits(text):
        return text, ""
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(text[:middle]) else (low, middle - 1)
    window = text[:low]
    for separator in ("\n\n", "\n", ". "):
        at = window.rfind(separator)
        if at > low // _TOO_EARLY:
            head = window[: at + 1] if separator == ". " else window[:at]
            return head.rstrip(), text[at + len(separator) :].lstrip()
    at = _space_cut(text, low)
    if at > low // _TOO_EARLY:
        return window[:at].rstrip(), text[at + 1 :].lstrip()
    return window, text[low:]


def split(text: str, fits: Callable[[str], bool]) -> list[str]:
    """The whole text in pieces that each fit."""
    pieces = []
    rest = text.strip()
    while rest:
        head, rest = cut(rest, fits)
        if not head:  # not even one character fits: nothing sensible to send
            break
        pieces.append(head)
    return pieces
