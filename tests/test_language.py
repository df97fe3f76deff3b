"""The conversation's language: detected, sticky on short replies, switchable on request."""

import pytest

from opastin.language import choose_language, detect, requested_language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mistä saan hammaslääkärin ajan?", "fi"),
        ("mista saan hammaslaakarin ajan", "fi"),  # no ä/ö
        ("mä tarviisin lääkärin äidille", "fi"),
        ("Var kan jag boka tid till tandläkaren?", "sv"),
        ("min mamma behöver hemvård", "sv"),
        ("where i can get dentist for my child", "en"),
        ("I need to renew my prescription", "en"),
    ],
)
def test_first_message_sets_the_language(text: str, expected: str) -> None:
    assert choose_language(None, text) == expected


@pytest.mark.parametrize(
    "greeting, expected", [("moro", "fi"), ("moi", "fi"), ("hej", "sv"), ("hejsan", "sv"), ("hi", "en")]
)
def test_one_word_greetings_start_in_the_right_language(greeting: str, expected: str) -> None:
    assert choose_language(None, greeting) == expected


@pytest.mark.parametrize("current", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "reply", ["ja", "ok", "kiitos", "tack", "thanks", "joo", "nej", "no", "yes", "Lahti", "👍", "?"]
)
def test_short_replies_never_flip_the_language(current: str, reply: str) -> None:
    assert choose_language(current, reply) == current


def test_a_long_clear_message_in_another_language_switches() -> None:
    assert choose_language("fi", "Can you tell me where the nearest health station is") == "en"
    assert choose_language("en", "Jag vill hellre skriva på svenska om det går bra") == "sv"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("på svenska tack", "sv"),
        ("voitko puhua englantia", "en"),
        ("In English please", "en"),
        ("suomeksi kiitos", "fi"),
        ("kan du finska", "fi"),
        ("sv", "sv"),
    ],
)
def test_explicit_requests_name_the_language(text: str, expected: str) -> None:
    assert requested_language(text) == expected


def test_explicit_request_and_metadata_always_win() -> None:
    assert choose_language("fi", "ok", requested="sv") == "sv"
    assert choose_language("fi", "Mistä saan ajan?", metadata="en-GB") == "en"
    assert choose_language("en", "hello there my friend", requested="fi", metadata="sv") == "fi"


def test_unknown_metadata_is_ignored() -> None:
    assert choose_language("sv", "tack", metadata="de") == "sv"


def test_button_payloads_keep_the_language() -> None:
    assert choose_language("sv", '/inform_municipality{"municipality": "Lahti"}') == "sv"


@pytest.mark.parametrize("text", ["", "   ", "12345", "!!!", "\u200b\u200b"])
def test_texts_without_words_have_no_language_and_default_to_finnish(text: str) -> None:
    assert detect(text) is None
    assert choose_language(None, text) == "fi"
