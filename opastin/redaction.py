"""Redaction: what identifies a person is replaced by a tag before a text is written anywhere.

One module for every place that keeps what a person wrote: feedback comments (opastin/figures.py),
the hand-over transcript and messages and the callback topic (opastin/handoff/queue.py) and the
logs of both servers (opastin/logs.py). `redact(text)` returns the text with each finding replaced
by its tag; everything else is returned exactly as it was (nothing is normalised).

Tags (language-neutral, the same in fi / sv / en; a tag never contains what it replaces, so
redacting twice changes nothing):

  [EMAIL]  an e-mail address (`etu.suku@hyvaks.fi`, plus-addressing, letters such as ä/ö/å)
  [IBAN]   a bank account number in IBAN form, of any country (`FI21 1234 5600 0007 85`, compact,
           lower case); the length must fit the country's IBAN length (one character short or two
           long still counts: a mistyped number is still personal); the check digits are not checked
  [HETU]   a Finnish personal identity code (henkilötunnus): DDMMYY, a century sign, three digits
           and a check character. Every century sign of the 2023 reform: `+` (1800s); `-`, `Y`, `X`,
           `W`, `V`, `U` (1900s); `A`–`F` (2000s); any dash instead of `-` (`–`, `—`, `‐`, `−`); lower
           case; glued to a word (`hetu010190-123A`, `010190-123Akiitos`). A space is accepted only
           around a `-` or `+` sign (`010190 - 123A`), never around a letter sign. The day and month
           must be a calendar's (01–31, 01–12), which keeps order numbers and ranges out; the check
           character is not verified.
  [PHONE]  a phone number: Finnish in every common form (`040 123 4567`, `0401234567`, `040-123 4567`,
           `040.123.4567`, `040/123 4567`, `(040) 123 4567`, `09 123 4567`, `+358 40 123 4567`,
           `+358 (0)40 …`, `+358401234567`, `358401234567`, `00358 40 …`) and foreign numbers written
           with `+` or `00` (`+46 70 123 45 67`). Finnish numbers must start with a real prefix (02–09,
           010, 013–019; 04x and 050 mobiles) and have 7–11 digits (8–11 written without spaces).
           Of a longer run of numbers, the longest number that fits is taken from the left.

What stays: dates (`12.12.2026`, `1.1.`, `2026-12-07`, `09.12.`), times and opening hours (`8.00–16.00`,
`08.00-16.00`, `klo 8-16`, `08:00`), prices (`41,80 €`, `0,50 €`), postal codes and their ranges
(`15100 Lahti`, `00100`, `02100–02180`), years, counts, ages (`65+`), street numbers, business IDs
(`0245437-2`), and the national service numbers in ALLOWED_NUMBERS in any form (112 and 116117 never
look like a personal number: they have no leading 0 or +). Other service numbers (a health station's
booking line) are redacted like anyone's: only their form is known here, not whose they are.

Numbers are read whatever the script or width: digits of any script (Arabic-Indic, full-width `０４０`)
count as digits, full-width letters and signs as their ASCII forms, every kind of space (U+00A0,
U+202F, …) as a space and every dash as `-`. Not recognised: numbers spelled out in words, an e-mail
address written as "matti at example dot fi", an identity code without its century sign or with a
space around a letter sign, other countries' identity numbers (a Swedish personnummer), a number
split by a line break.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Any

EMAIL = "[EMAIL]"
IBAN = "[IBAN]"
HETU = "[HETU]"
PHONE = "[PHONE]"
TAGS = (EMAIL, IBAN, HETU, PHONE)

# National service numbers that are nobody's own (texts/messages.yml, domain.yml, the shared
# glossary): the MIELI crisis line in fi / sv / en, the Poison Information Centre and Nollalinja.
# Written as national digits; "+358 9 2525 0111" is the same number.
ALLOWED_NUMBERS = frozenset({"0925250111", "0925250112", "0925250113", "0800147111", "080005005"})

_MASK = "\x00"  # what a found span becomes in the reading, so that later patterns do not see it


class _Reading(dict[int, int]):
    """A str.translate table: each character to the ASCII character it reads as, one for one.

    Filled as characters are met (every code point of Unicode would be a slow start-up).
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        value = code
        if 0xFF01 <= code <= 0xFF5E:  # full-width forms of ASCII: ０-９, Ａ-Ｚ, ＋, （, ＠, …
            value = code - 0xFEE0
        elif char.isdecimal():
            value = ord("0") + unicodedata.decimal(char)
        elif char == "\t" or unicodedata.category(char) == "Zs":  # no-break, narrow, thin, … spaces
            value = ord(" ")
        elif unicodedata.category(char) == "Pd" or char == "\u2212":  # dashes and the minus sign
            value = ord("-")
        self[code] = value
        return value


_READING = _Reading()


def _read(text: str) -> str:
    """The text as the patterns read it: the same length, each character at its own place."""
    return text.translate(_READING)


# ---------------------------------------------------------------------------------------- patterns

_EMAIL = re.compile(r"(?<![\w.+%-])[\w+%-]+(?:\.[\w+%-]+)*@(?:[\w-]+\.)+[^\W\d_]{2,}")

_HETU = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}"  # DDMMYY
    r"(?:[-+A-FU-Ya-fu-y]|[ ][-+][ ]?|[-+][ ])"  # the century sign, spaces only around - and +
    r"[0-9]{3}(?:[0-9](?![0-9])|[A-Za-z])"  # the individual number and the check character
)

_IBAN = re.compile(r"(?<![0-9])([A-Za-z]{2})([0-9]{2})((?:[ ]?[0-9A-Za-z]){10,40})")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")
# IBAN lengths by country (the SWIFT IBAN registry).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_BUSINESS_ID = re.compile(r"(?<![0-9])[0-9]{7}-[0-9](?![0-9])")
_DIGIT_RUN = re.compile(r"[0-9]+")
# What may stand between two digit groups of one phone number: a space or two, a dash, dot or slash
# (with a space on either side), or the brackets of "(040) 123" and "+358 (0)40".
_GAP = re.compile(r"[ ]{1,2}|[ ]?[-./][ ]?|[ ]?\(|\)[ ]?")
_MAX_GROUPS = 8
_MIN_DIGITS = 7  # the fewest digits of any number below ("09 12345")
_MAX_DIGITS = 17  # the most: 15 (E.164) after "00"
# Finnish prefixes after the leading 0: 02–09 (areas, 04x mobiles, 05x, 06…, 07…, 08…, 09), 010 and 013–019.
_FINNISH_ONE = frozenset("23456789")
_FINNISH_TWO = frozenset({"10", "13", "14", "15", "16", "17", "18", "19"})


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


# ---------------------------------------------------------------------------------------- the API


def redact(text: str) -> str:
    """The text with e-mail addresses, IBANs, identity codes and phone numbers replaced by their tags."""
    if not text:
        return text
    reading = _read(text)
    spans: list[tuple[int, int, str]] = []
    for find, tag in _FINDERS:
        found = find(reading)
        if tag is not None:
            spans.extend((start, end, tag) for start, end in found)
        reading = _masked(reading, found)
    if not spans:
        return text
    parts: list[str] = []
    at = 0
    for start, end, tag in sorted(spans):
        parts.append(text[at:start])
        parts.append(tag)
        at = end
    parts.append(text[at:])
    return "".join(parts)


def redact_strings(value: Any) -> Any:
    """A copy of a JSON-like value (dicts, lists, tuples) with every string value redacted; keys are kept."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_strings(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_strings(item) for item in value)
    return value


def _masked(reading: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return reading
    parts = []
    at = 0
    for start, end in spans:
        parts += [reading[at:start], _MASK * (end - start)]
        at = end
    return "".join(parts) + reading[at:]


def has_identity_code(text: str) -> bool:
    """Whether the text holds something written as a Finnish personal identity code."""
    return any(True for _ in _identity_codes(_read(text)))


# ---------------------------------------------------------------------------------------- finders
# Each yields (start, end) spans of the reading, left to right and not overlapping.


def _emails(reading: str) -> list[tuple[int, int]]:
    return [match.span() for match in _EMAIL.finditer(reading)]


def _identity_codes(reading: str) -> list[tuple[int, int]]:
    return [match.span() for match in _HETU.finditer(reading)]


def _ibans(reading: str) -> list[tuple[int, int]]:
    spans = []
    at = 0
    while match := _IBAN.search(reading, at):
        end = _iban_end(match)
        if end is None:
            at = match.start() + 1
        else:
            spans.append((match.start(), end))
            at = end
    return spans


def _iban_end(match: re.Match[str]) -> int | None:
    """Where the IBAN that starts the match ends: after as many characters as its country's IBANs have.

    The pattern takes every letter and digit that follows, words after the number included; the
    number ends at a word boundary or where digits turn into letters (`FI2112345600000785kiitos`).
    """
    length = _IBAN_LENGTHS.get(match.group(1).upper())
    if length is None:
        return None
    wanted = length - 4
    taken = 0
    end = match.end(2)
    body = match.group(3)
    base = match.start(3)
    bban = ""
    for run in _ALNUM_RUN.finditer(body):
        chunk = run.group()
        if taken + len(chunk) <= wanted or (chunk.isdigit() and taken + len(chunk) <= wanted + 2):
            taken += len(chunk)
            bban += chunk
            end = base + run.end()
            if taken >= wanted:
                break
            continue
        cut = wanted - taken
        if chunk[cut - 1].isdigit() != chunk[cut].isdigit():
            taken = wanted
            bban += chunk[:cut]
            end = base + run.start() + cut
        break
    if taken < wanted - 1 or sum(c.isdigit() for c in bban) * 2 < len(bban):
        return None
    return end


def _business_ids(reading: str) -> list[tuple[int, int]]:
    """Business IDs ("Y-tunnus 0245437-2") are public and no phone numbers: they are kept as they are.

    Only this exact shape is kept: a looser one could hide a phone number that follows it.
    """
    return [match.span() for match in _BUSINESS_ID.finditer(reading)]


def _phone_numbers(reading: str) -> list[tuple[int, int]]:
    """The longest phone number from each digit group on, left to right ("08.00 040 123 4567": from 040)."""
    spans = []
    for chain in _chains(reading):
        counts = [0, *accumulate(len(group.digits) for group in chain)]  # digits before each group
        first = 0
        while first < len(chain):
            found = _longest_number(reading, chain, counts, first)
            if found is None:
                first += 1
                continue
            last, (start, end, personal) = found
            if personal:
                spans.append((start, end))
            first = last + 1
    return spans


def _longest_number(
    reading: str, chain: list[_Group], counts: list[int], first: int
) -> tuple[int, tuple[int, int, bool]] | None:
    """The last group and the span of the longest number that starts with the chain's group `first`."""
    if not _may_start_a_number(reading, chain[first]):
        return None
    for last in range(min(len(chain), first + _MAX_GROUPS) - 1, first - 1, -1):
        digits = counts[last + 1] - counts[first]
        if digits > _MAX_DIGITS:
            continue
        if digits < _MIN_DIGITS:
            return None
        found = _phone_span(reading, chain[first : last + 1])
        if found is not None:
            return last, found
    return None


def _may_start_a_number(reading: str, group: _Group) -> bool:
    """Only a group after +, or one of 0… or 358… with two digits or more, can start a phone number:
    a quick test before the whole one."""
    if "+" in reading[max(0, group.start - 2) : group.start]:
        return True
    return len(group.digits) >= 2 and (group.digits[0] == "0" or group.digits.startswith("358"))


def _chains(reading: str) -> list[list[_Group]]:
    """Digit groups that follow each other with a gap a phone number may have ("040 123 4567")."""
    chains: list[list[_Group]] = []
    for match in _DIGIT_RUN.finditer(reading):
        group = _Group(match.start(), match.end(), match.group())
        if chains and _GAP.fullmatch(reading, chains[-1][-1].end, group.start):
            chains[-1].append(group)
        else:
            chains.append([group])
    return chains


def _phone_span(reading: str, groups: list[_Group]) -> tuple[int, int, bool] | None:
    """The span of the phone number these digit groups make and whether it is personal (not in
    ALLOWED_NUMBERS), or None when they make none."""
    gaps = [reading[a.end : b.start] for a, b in pairwise(groups)]
    if _date_or_time(groups, gaps) or _postal_codes(groups):
        return None
    start, end = groups[0].start, groups[-1].end
    digits = "".join(group.digits for group in groups)
    plus = reading[max(0, start - 2) : start].replace(" ", "").endswith("+")
    international = plus or digits.startswith("00")
    # Groups have two digits or more, but for the trunk zero of "+358 (0)40" and the one-digit area
    # code after the country code ("+358 9 2525 0111", "+358 (0)3 819 2222").
    after_country = 1
    for index, (group, gap) in enumerate(zip(groups[1:], gaps, strict=True), start=1):
        if len(group.digits) >= 2:
            continue
        if group.digits == "0" and gap.endswith("(") and index == 1:
            after_country = 2
        elif not (international and index == after_country):
            return None
    if international:
        number = _international(digits if plus else digits[2:])
        if number is not None:
            return (reading.rindex("+", 0, start) if plus else start), end, number not in ALLOWED_NUMBERS
    number = _national(digits, groups)
    if number is None:
        return None
    if reading[start - 1 : start] == "(" and len(groups) > 1:
        start -= 1
    return start, end, number not in ALLOWED_NUMBERS


def _international(digits: str) -> str | None:
    """After + or 00: a Finnish number as national digits ("0401234567"), a foreign one as it is."""
    if digits.startswith("358"):
        national = digits[3:].removeprefix("0")  # "+358 (0)40", "+358 040"
        return "0" + national if 6 <= len(national) <= 11 and national[0] != "0" else None
    return digits if 8 <= len(digits) <= 15 and digits[0] != "0" else None


def _national(digits: str, groups: list[_Group]) -> str | None:
    """A Finnish number without + or 00: "040 123 4567", "09 123 4567", or "358 40 123 4567"."""
    if digits.startswith("358") and (len(groups) == 1 or groups[0].digits == "358"):
        national = digits[3:].removeprefix("0")
        return "0" + national if 7 <= len(national) <= 10 and national[0] != "0" else None
    if not (7 if len(groups) > 1 else 8) <= len(digits) <= 11 or digits[0] != "0":
        return None
    if not (digits[1] in _FINNISH_ONE or digits[1:3] in _FINNISH_TWO):
        return None
    if len(groups) > 1 and not 2 <= len(groups[0].digits) <= 4:  # the prefix is a group of its own
        return None
    return digits


def _date_or_time(groups: list[_Group], gaps: list[str]) -> bool:
    """ "09.12.2026", "01/02/2026", "07-12-2026", "09.12." and "08.00-16.00" are no phone numbers."""
    if len(groups) < 2:
        return False
    separators = [gap.strip() for gap in gaps]
    if len(groups) <= 3 and len(set(separators)) == 1 and separators[0] in {".", "/", "-"}:
        day, month = groups[0].digits, groups[1].digits
        if (
            len(day) <= 2
            and len(month) <= 2
            and 1 <= int(day) <= 31
            and 1 <= int(month) <= 12
            and (len(groups) == 2 or len(groups[2].digits) in (2, 4))
        ):
            return True
    hours, minutes = groups[0].digits, groups[1].digits  # a time first: "08.00-16.00", "09.12. 040 …"
    return separators[0] == "." and len(hours) <= 2 and len(minutes) == 2 and int(hours) <= 24 and int(minutes) <= 59


def _postal_codes(groups: list[_Group]) -> bool:
    """Two five-digit groups are postal codes ("02100–02180"), not a number."""
    return len(groups) == 2 and all(len(group.digits) == 5 for group in groups)


# In this order: an e-mail address or an IBAN may hold what looks like a phone number; a business ID
# is kept (tag None) but hidden from the phone numbers.
_FINDERS: tuple[tuple[Callable[[str], list[tuple[int, int]]], str | None], ...] = (
    (_emails, EMAIL),
    (_ibans, IBAN),
    (_identity_codes, HETU),
    (_business_ids, None),
    (_phone_numbers, PHONE),
)
