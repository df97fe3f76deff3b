"""SMS text: GSM-7 or UCS-2 and how many segments, plain marks, numbered choices, and answers capped with "MORE"."""

from __future__ import annotations

from typing import Any

import pytest

from opastin import catalogue
from opastin.channels.sms_answer import compose, first_part
from opastin.channels.sms_text import chosen, encoding, for_sms, length, numbered, segments

BUTTONS = [
    {"title": "Lahti", "payload": '/inform_municipality{"municipality": "Lahti"}'},
    {"title": "Heinola", "payload": '/inform_municipality{"municipality": "Heinola"}'},
    {"title": "Aamupäivällä (8–12)", "payload": "Aamupäivällä (8–12)"},
]


@pytest.mark.parametrize(
    "text, kind, count",
    [
        ("a" * 160, "gsm", 1),  # one full GSM-7 SMS
        ("a" * 161, "gsm", 2),  # then 153 a part
        ("a" * 306, "gsm", 2),
        ("a" * 307, "gsm", 3),
        ("Hyvää päivää, Åsa! Öppet i dag. Ü é" * 4, "gsm", 1),  # ä ö å ü é are GSM-7: 140 septets
        ("€" * 80, "gsm", 1),  # an extension character takes two septets: 160
        ("€" * 81, "gsm", 2),
        ("a" * 152 + "€" + "a" * 6, "gsm", 1),  # 160 septets in one SMS
        ("a" * 152 + "€" + "a" * 8, "gsm", 2),  # 162: the "€" does not straddle the parts (152 + 2 > 153)
        ("a" * 69 + "😀", "ucs2", 2),  # an emoji: UCS-2, and two code units → 71 > 70
        ("ж" * 70, "ucs2", 1),
        ("ж" * 71, "ucs2", 2),  # 67 a part
        ("ж" * 134, "ucs2", 2),
        ("ж" * 135, "ucs2", 3),
        ("klo 8.00–16.00", "ucs2", 1),  # a typographic dash alone makes it UCS-2 …
        ("", "gsm", 0),
    ],
)
def test_encoding_and_segments(text: str, kind: str, count: int) -> None:
    assert encoding(text) == kind
    assert segments(text) == count


def test_an_emoji_in_a_long_text_would_triple_the_cost_and_for_sms_keeps_it_gsm() -> None:
    text = "Tänään auki klo 8.00–16.00. Tervetuloa! 😊 " * 5
    assert encoding(text) == "ucs2" and length(text) == 215 and segments(text) == 4  # 4 × 67 code units
    plain = for_sms(text)
    assert encoding(plain) == "gsm" and length(plain) == 199 and segments(plain) == 2  # once "–" is "-", no emoji
    assert "8.00-16.00" in plain and "😊" not in plain and "Tänään" in plain


def test_for_sms_strips_markdown_and_typographic_marks_but_keeps_other_scripts() -> None:
    assert (
        for_sms("**Tärkeä:** katso [Omakanta](https://www.kanta.fi) …")
        == "Tärkeä: katso Omakanta: https://www.kanta.fi ..."
    )
    assert for_sms("Kirjoita ”peru”, ’ok’") == "Kirjoita \"peru\", 'ok'"
    assert for_sms("Šárka Čapek") == "Sarka Capek"  # Latin letters outside GSM-7 lose their marks …
    assert for_sms("Привет") == "Привет"  # … other scripts are what the person needs: UCS-2 it is


def test_choices_are_numbered_with_titles_only() -> None:
    text = numbered(BUTTONS[:2], "fi")
    assert text == f"1 Lahti\n2 Heinola\n{catalogue.text('sms_choose', 'fi')}"
    assert "/" not in text and "{" not in text  # no payload ever reaches the person


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("1", BUTTONS[0]["payload"]),
        (" 2. ", BUTTONS[1]["payload"]),
        ("lahti", BUTTONS[0]["payload"]),
        ("HEINOLA", BUTTONS[1]["payload"]),
        ("aamupaivalla", "Aamupäivällä (8–12)"),  # no dots, no hours in brackets
        ("Aamupäivällä (8-12)", "Aamupäivällä (8–12)"),
        ("4", None),
        ("0", None),
        ("Lahdessa", None),  # not a title: the bot reads it
    ],
)
def test_a_reply_chooses_by_number_or_title(reply: str, payload: str | None) -> None:
    button = chosen(reply, BUTTONS)
    assert (button or {}).get("payload") == payload


def test_a_turn_becomes_one_text_with_the_choices_last() -> None:
    messages: list[dict[str, Any]] = [
        {
            "text": "Asiakasohjaajat vastaavat chatissa.",
            "buttons": [{"title": "Jätä soittopyyntö", "payload": "/request_callback"}],
        },
        {"text": "Asiakasohjaus\n- Puhelin: 03 555 0100"},
    ]
    body, choices = compose(messages, "sv")
    assert body == (
        "Asiakasohjaajat vastaavat chatissa.\n\nAsiakasohjaus\n- Puhelin: 03 555 0100\n\n"
        f"1 Jätä soittopyyntö\n{catalogue.text('sms_choose', 'sv')}"
    )
    assert choices == messages[0]["buttons"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_long_answer_is_capped_with_more_in_the_persons_language(language: str) -> None:
    paragraphs = [
        f"Palvelu {n}\n- Puhelin: 03 555 01{n:02d}\n- Osoite: Esimerkkikatu {n}, 15100 Lahti" for n in range(12)
    ]
    text = "\n\n".join(paragraphs)
    part, rest = first_part(text, 4, language)
    hint = for_sms(catalogue.text("sms_more", language))
    assert segments(part) <= 4 and part.endswith(hint) and rest
    assert part.removesuffix(hint).strip().endswith("15100 Lahti")  # cut between paragraphs, not inside one
    assert rest.startswith("Palvelu ")
    pieces, left = [part], rest
    while left:
        part, left = first_part(left, 4, language)
        pieces.append(part)
    assert "\n\n".join(p.removesuffix(hint).strip() for p in pieces) == text  # nothing lost, nothing doubled


def test_a_short_answer_is_sent_whole() -> None:
    assert first_part("Soita 112.", 4, "fi") == ("Soita 112.", "")
