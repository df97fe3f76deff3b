"""Municipalities in free text: inflected Finnish forms, Swedish names, no false hits."""

import pytest

from opastin import places


@pytest.mark.parametrize(
    "text, expected",
    [
        ("asun Lahdessa", "Lahti"),
        ("menen Lahteen", "Lahti"),
        ("i Lahtis", "Lahti"),
        ("Lahden terveysasema", "Lahti"),
        ("Vantaalla", "Vantaa"),
        ("i Vanda", "Vantaa"),
        ("Keravalta", "Kerava"),
        ("i Kervo", "Kerava"),
        ("Porissa", "Pori"),
        ("Poriin", "Pori"),
        ("Björneborgs hälsostation", "Pori"),
        ("i Raumo", "Rauma"),
        ("Huittisissa", "Huittinen"),
        ("Kokemäellä", "Kokemäki"),
        ("kokemaella", "Kokemäki"),
        ("i Kumo", "Kokemäki"),
        ("Padasjoella", "Padasjoki"),
        ("Harjavallassa", "Harjavalta"),
        ("Iitissä", "Iitti"),
        ("Pomarkussa", "Pomarkku"),
        ("Euraåminne", "Eurajoki"),
        ("Ulvsby", "Ulvila"),
        ("HOLLOLASSA", "Hollola"),
    ],
)
def test_inflected_and_swedish_names_resolve(text: str, expected: str) -> None:
    found = places.resolve(text)
    assert found is not None and found.fi == expected


@pytest.mark.parametrize(
    "text", ["tarvitsen lääkärin", "maksaa kaksi euroa", "kumota päätös", "hei", "jag behöver hjälp", ""]
)
def test_ordinary_words_are_not_places(text: str) -> None:
    assert places.resolve(text) is None


def test_places_outside_the_counties_are_known_but_have_no_county() -> None:
    helsinki = places.resolve("asun Helsingissä")
    assert helsinki is not None and helsinki.fi == "Helsinki" and helsinki.county is None


def test_mentions_keep_offsets_of_the_original_text() -> None:
    text = "Hammaslääkäri Kokemäellä?"
    (mention,) = places.find_mentions(text)
    assert text[mention.start : mention.end] == "Kokemäellä"


def test_every_county_lists_main_towns_first() -> None:
    towns = places.municipalities_of("satakunta")
    assert towns[0].main and not towns[-1].main
    assert len(towns) == 16


@pytest.mark.parametrize(
    "text, expected",
    [("hammaslääkäri 15110", "Lahti"), ("postinumero 18100", "Heinola"), ("asun 19700:ssa", "Sysmä")],
)
def test_a_listed_postal_code_names_its_town(text: str, expected: str) -> None:
    found = places.resolve(text)
    assert found is not None and found.fi == expected


@pytest.mark.parametrize("text", ["soita 0401511000", "+35815110", "15110123", "vuonna 2026", "99999"])
def test_numbers_that_are_no_listed_postal_code_name_no_place(text: str) -> None:
    assert places.resolve(text) is None


def test_a_postal_code_and_a_name_come_in_their_order() -> None:
    text = "Heinola tai 15100"
    assert [(m.municipality.fi, text[m.start : m.end]) for m in places.find_mentions(text)] == [
        ("Heinola", "Heinola"),
        ("Lahti", "15100"),
    ]
    assert places.strip_places("hammaslääkäri 15100").strip() == "hammaslääkäri"
