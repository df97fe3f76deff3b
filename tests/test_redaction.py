"""Redaction (opastin/redaction.py): what must be replaced by a tag, and what must stay exactly as written."""

from __future__ import annotations

import io
import logging

import pytest

from opastin.logs import RedactingFilter, install_log_redaction
from opastin.redaction import ALLOWED_NUMBERS, has_identity_code, redact, redact_strings

NBSP = "\u00a0"
NNBSP = "\u202f"

REPLACED = [
    # phone numbers: Finnish, every common form
    ("Soita mulle 040 123 4567 huomenna", "Soita mulle [PHONE] huomenna"),
    ("numero on 0401234567, kiitos", "numero on [PHONE], kiitos"),
    ("puh. 040-123 4567", "puh. [PHONE]"),
    ("040.123.4567 on mun numero", "[PHONE] on mun numero"),
    ("soita (040) 123 4567 iltapäivällä", "soita [PHONE] iltapäivällä"),
    ("Call me on +358 40 123 4567 please", "Call me on [PHONE] please"),
    ("ring +358 (0)40 123 4567 efter tre", "ring [PHONE] efter tre"),
    ("+358401234567", "[PHONE]"),
    ("mun numero 358401234567", "mun numero [PHONE]"),
    ("from abroad 00358 40 123 4567", "from abroad [PHONE]"),
    ("kotinumero 09 123 4567", "kotinumero [PHONE]"),
    ("tavoitat minut (09) 1234 567", "tavoitat minut [PHONE]"),
    (f"Soita 040{NBSP}123{NBSP}4567!", "Soita [PHONE]!"),
    (f"ring mig på +358{NNBSP}50{NNBSP}765{NNBSP}4321", "ring mig på [PHONE]"),
    ("050 765 43 21 eller 044-7654321", "[PHONE] eller [PHONE]"),
    ("puh040 123 4567", "puh[PHONE]"),
    ("vaimon numero 040/123 4567.", "vaimon numero [PHONE]."),
    ("toimisto +358 (0)3 819 2222", "toimisto [PHONE]"),
    ("040 123 4567 / 050 765 4321", "[PHONE] / [PHONE]"),
    ("klo 08.00 040 123 4567", "klo 08.00 [PHONE]"),
    ("numero ０４０ １２３ ４５６７", "numero [PHONE]"),
    # foreign numbers, written with + or 00
    ("min svenska nummer är +46 70 123 45 67", "min svenska nummer är [PHONE]"),
    ("UK: +44 (0)20 7946 0958", "UK: [PHONE]"),
    ("Eesti 00372 5123 4567", "Eesti [PHONE]"),
    # identity codes: every century sign, dashes, lower case, glued to a word
    ("Hetu 131052-308T ja muuta", "Hetu [HETU] ja muuta"),
    ("mitt personnummer är 010203A1234", "mitt personnummer är [HETU]"),
    ("my id is 150550+123H", "my id is [HETU]"),
    ("hetu010190-123A", "hetu[HETU]"),
    ("010190-123Akiitos", "[HETU]kiitos"),
    ("henkilötunnus 010190–123A", "henkilötunnus [HETU]"),
    ("syntynyt 010190Y123A", "syntynyt [HETU]"),
    ("010190X123A, 010190W123A, 010190V123A, 010190U123A", "[HETU], [HETU], [HETU], [HETU]"),
    ("lapsen 290220B456C ja 010105c123d", "lapsen [HETU] ja [HETU]"),
    ("010110D123E, 010120E123F, 010130F123H", "[HETU], [HETU], [HETU]"),
    ("hetuni on 010190 - 123A", "hetuni on [HETU]"),
    ("väärin kirjoitettu 131052-308Z", "väärin kirjoitettu [HETU]"),
    # e-mail addresses
    ("posti etu.suku@hyvaks.fi.", "posti [EMAIL]."),
    ("mail me: matti+kela@example.com", "mail me: [EMAIL]"),
    ("jää.pää@esimerkki.fi vastaa", "[EMAIL] vastaa"),
    ("Skriv till anna-lena_92@post.example.se!", "Skriv till [EMAIL]!"),
    # IBANs
    ("my IBAN FI21 1234 5600 0007 85 thanks", "my IBAN [IBAN] thanks"),
    ("tilille FI2112345600000785", "tilille [IBAN]"),
    ("fi21 1234 5600 0007 85", "[IBAN]"),
    ("FI2112345600000785kiitos", "[IBAN]kiitos"),
    ("konto SE45 5000 0000 0583 9825 7466 tack", "konto [IBAN] tack"),
    ("DE89 3704 0044 0532 0130 00 or GB29 NWBK 6016 1331 9268 19", "[IBAN] or [IBAN]"),
    ("FI21 1234 5600 0007 8 (yksi numero puuttuu)", "[IBAN] (yksi numero puuttuu)"),
    # several at once
    ("Hetu 131052-308T, posti matti@example.fi, puh. 040 123 4567", "Hetu [HETU], posti [EMAIL], puh. [PHONE]"),
]

KEPT = [
    "Soita 112, jos henki on vaarassa.",
    "Päivystysapu 116117 tai 116 117 neuvoo.",
    "Kriisipuhelin 09 2525 0111, på svenska 09 2525 0112, in English 09 2525 0113.",
    "Myrkytystietokeskus 0800 147 111 ja Nollalinja 080 005 005.",
    "MIELI +358 9 2525 0111",
    "Aika on 12.12.2026 klo 10.",
    "Voimassa 1.1. alkaen, päivitetty 2026-12-07.",
    "ajalla 09.12.2026–01.02.2027",
    "Avoinna ma–pe 8.00–16.00.",
    "Öppet 08.00-16.00, lördag klo 8-16.",
    "Aukeaa 08:00",
    "Käyntimaksu on 41,80 € ja sarja € 12.50.",
    "Hinta 20 e, lapsille 0,50 €.",
    "Posti 15100 Lahti tai 00100 Helsinki.",
    "Postinumerot 02100–02180 kuuluvat Espoolle.",
    "Vuonna 2026 palvelua käytti 358 asukasta.",
    "Jonotin 10 min klo 9.30.",
    "Ikäihmiset 65+ ja 0–6-vuotiaat.",
    "Esimerkkikatu 12 B 5, 15100 Lahti",
    "Y-tunnus 0245437-2",
    "Laskun numero 0123456789",
    "version 3.10.2, 2 of 3 steps",
    "The clinic opens at 7.30 and closes at 15.45.",
    "Tidsbokning 1.3.–31.5., 3 gånger i veckan.",
    "tilaus 120523-001 ja 010125-311225",
    "Kaikki @opastin-tilit",
    "https://www.116117.fi",
]


@pytest.mark.parametrize("text, expected", REPLACED)
def test_what_identifies_a_person_is_replaced_by_a_tag(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected  # redacting twice changes nothing


@pytest.mark.parametrize("text", KEPT)
def test_what_identifies_nobody_stays_exactly_as_written(text: str) -> None:
    assert redact(text) == text


def test_the_table_is_big_enough() -> None:
    assert len(REPLACED) >= 40 and len(KEPT) >= 25


def test_the_national_service_numbers_are_allowed_in_every_form() -> None:
    assert {"0925250111", "0800147111", "080005005"} <= ALLOWED_NUMBERS
    assert redact("+358 800 147 111 / 0800147111") == "+358 800 147 111 / 0800147111"


def test_the_rest_of_the_text_is_not_normalised() -> None:
    text = "Hei\u00a0!  Soita\t040 123 4567 —\u202fkiitos ＡＢＣ"
    assert redact(text) == "Hei\u00a0!  Soita\t[PHONE] —\u202fkiitos ＡＢＣ"


def test_every_string_of_a_json_like_value_is_redacted_and_the_rest_kept() -> None:
    event = {
        "event": "user",
        "text": "numero 040 123 4567",
        "timestamp": 1700000000.5,
        "parse_data": {"entities": [{"value": "matti@example.fi", "start": 0}], "text": "010190-123A"},
        "tuple": ("FI21 1234 5600 0007 85", None, True),
    }
    assert redact_strings(event) == {
        "event": "user",
        "text": "numero [PHONE]",
        "timestamp": 1700000000.5,
        "parse_data": {"entities": [{"value": "[EMAIL]", "start": 0}], "text": "[HETU]"},
        "tuple": ("[IBAN]", None, True),
    }
    assert event["text"] == "numero 040 123 4567"  # a copy: the original is untouched


def test_long_texts_full_of_numbers_are_read_through() -> None:
    assert redact("0 " * 20000) == "0 " * 20000
    assert redact("1.1. 08.00 " * 5000) == "1.1. 08.00 " * 5000
    assert redact("040 123 4567, " * 2000) == "[PHONE], " * 2000


def test_an_identity_code_is_recognised() -> None:
    assert has_identity_code("minun hetu on 010190–123a") and not has_identity_code("040 123 4567")


def log_output(logger: logging.Logger, handler: logging.StreamHandler, *args: object, exc: bool = False) -> str:
    stream = io.StringIO()
    handler.setStream(stream)
    if exc:
        try:
            raise ValueError("bad phone 040 123 4567")
        except ValueError:
            logger.exception(*args)
    else:
        logger.warning(*args)
    return stream.getvalue()


def test_log_records_are_redacted_by_the_filter_on_the_handlers() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root.addHandler(handler)
    try:
        install_log_redaction()
        install_log_redaction()  # once is enough, twice does no harm
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        logger = logging.getLogger("opastin.test_redaction")
        said = log_output(logger, handler, "Received 'soita %s' from %s", "040 123 4567", "matti@example.fi")
        assert said == "opastin.test_redaction Received 'soita [PHONE]' from [EMAIL]\n"
        said = log_output(logger, handler, {"text": "010190-123A"})
        assert said == "opastin.test_redaction {'text': '[HETU]'}\n"
        said = log_output(logger, handler, "failed for %s", "FI21 1234 5600 0007 85", exc=True)
        assert "failed for [IBAN]" in said and "ValueError: bad phone [PHONE]" in said and "4567" not in said
    finally:
        root.removeHandler(handler)
