"""SMS text: what it costs (GSM-7 or UCS-2 segments), how to keep it GSM-7, and answers as numbered choices.

An SMS of GSM-7 characters holds 160 of them, or 153 a part when it is sent in several parts; one
character outside GSM-7 (an emoji, a typographic dash) makes the whole message UCS-2: 70, or 67 a
part. "ä", "ö", "å", "é" and "ü" are GSM-7, so Finnish and Swedish stay cheap, as long as typographic
marks ("–", "”", "…") are written as their plain forms first. The extension table's characters
("€", "[", "|"…) take two septets and are never split from their escape.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from opastin import catalogue
from opastin.channels.plain_text import strip_markdown
from opastin.text import fold

# 3GPP TS 23.038, the default alphabet and its extension table (each of those costs an escape septet too).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
SINGLE, PART = {"gsm": 160, "ucs2": 70}, {"gsm": 153, "ucs2": 67}

# Typographic marks as their GSM-7 forms: "8.00–16.00" stays one cheap segment instead of a UCS-2 one.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2022": "-",
        "\u00b7": "-",
        "\t": " ",
    }
)


def _unit(char: str) -> int:
    """UTF-16 code units of one character (UCS-2 messages count them: an emoji takes two)."""
    return 2 if ord(char) > 0xFFFF else 1


def encoding(text: str) -> str:
    return "gsm" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else "ucs2"


def length(text: str) -> int:
    """Septets of a GSM-7 text, UTF-16 code units of any other."""
    if encoding(text) == "gsm":
        return sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return sum(_unit(c) for c in text)


def segments(text: str) -> int:
    """How many SMS parts the text is sent in; a two-unit character never straddles two parts."""
    kind = encoding(text)
    sizes = [2 if c in GSM_EXTENSION else 1 for c in text] if kind == "gsm" else [_unit(c) for c in text]
    if sum(sizes) <= SINGLE[kind]:
        return 1 if text else 0
    parts, used = 1, 0
    for size in sizes:
        if used + size > PART[kind]:
            parts, used = parts + 1, 0
        used += size
    return parts


def _gsm_letter(char: str) -> str:
    """A Latin letter outside GSM-7 as its base letter ("š" → "s"); other characters as they are."""
    if char in GSM_BASIC or char in GSM_EXTENSION:
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(c in GSM_BASIC for c in base) else char


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char in "\u200d\ufe0f\ufe0e" or 0x1F000 <= ord(char) <= 0x1FAFF


def for_sms(text: str) -> str:
    """Plain, GSM-7 where possible: no markdown, plain marks, no emoji; other scripts stay (and cost UCS-2)."""
    text = strip_markdown(text).translate(_PLAIN)
    text = "".join("" if _is_emoji(c) else _gsm_letter(c) for c in text)
    text = re.sub(r"[ ]{2,}", " ", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


def numbered(buttons: Sequence[dict[str, Any]], language: str) -> str:
    """ "1 Lahti\n2 Heinola\nVastaa numerolla." — the titles only: a payload never reaches the person."""
    lines = [f"{n} {str(button.get('title') or '').strip()}" for n, button in enumerate(buttons, start=1)]
    return "\n".join([*lines, catalogue.text("sms_choose", language)])


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def chosen(text: str, buttons: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The button the reply chooses: its number, or its title in any case and with or without ä/ö/å."""
    answer = text.strip().rstrip(".)")
    if answer.isdigit():
        number = int(answer)
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    key = _key(answer)
    for button in buttons:
        title = str(button.get("title") or "")
        if key and key in (_key(title), _key(re.sub(r"\(.*?\)", "", title))):
            return button
    return None
