"""Plain text for Telegram and SMS: markdown dropped, long texts cut where they read well."""

from __future__ import annotations

from opastin.channels.plain_text import cut, split, strip_markdown
from opastin.channels.telegram_text import pieces, utf16_length


def test_markdown_is_dropped_and_links_show_their_address() -> None:
    assert strip_markdown("**Päivystys** ja __Jourhjälpen__") == "Päivystys ja Jourhjälpen"
    assert strip_markdown("[Omakanta](https://www.kanta.fi)") == "Omakanta: https://www.kanta.fi"
    assert strip_markdown("[https://www.kanta.fi](https://www.kanta.fi/)") == "https://www.kanta.fi/"
    assert strip_markdown("# Otsikko\n`116117`") == "Otsikko\n116117"
    assert strip_markdown("2 * 3 ja snake_case_name") == "2 * 3 ja snake_case_name"  # lone marks stay


def test_a_cut_prefers_paragraphs_then_lines_then_sentences() -> None:
    def fits(text: str) -> bool:
        return len(text) <= 40

    assert cut("Ensimmäinen kappale.\n\nToinen kappale, joka jatkuu pitkään.", fits) == (
        "Ensimmäinen kappale.",
        "Toinen kappale, joka jatkuu pitkään.",
    )
    assert cut("Rivi yksi on tässä\nRivi kaksi on tässä ja jatkuu", fits)[0] == "Rivi yksi on tässä"
    assert cut("Lause yksi on tässä. Lause kaksi on pitkä lause.", fits)[0] == "Lause yksi on tässä."


def test_a_phone_number_is_never_cut_between_its_groups() -> None:
    text = "Soita Kriisipuhelimeen numeroon 09 2525 0111 heti"
    for limit in range(36, 46):

        def fits(part: str, most: int = limit) -> bool:
            return len(part) <= most

        head, rest = cut(text, fits)
        assert "09 2525 0111" in head or "09 2525 0111" in rest, (limit, head, rest)


def test_split_keeps_every_word() -> None:
    text = " ".join(f"sana{n}" for n in range(500))
    parts = split(text, lambda part: len(part) <= 100)
    assert all(len(p) <= 100 for p in parts) and " ".join(parts) == text


def test_telegram_pieces_stay_within_4096_utf16_units() -> None:
    text = "\n".join("Rivi " + "ä😀" * 30 for _ in range(200))  # emoji are two UTF-16 units each
    parts = pieces(text)
    assert len(parts) > 1 and all(utf16_length(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text
