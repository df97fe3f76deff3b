"""The county's card: complete in three languages, and every theme has something to suggest."""
from pathlib import Path

import pytest

from actions.directory.client import DirectoryClient
from actions.wellbeing import recommend, themes
from actions.wellbeing.answers import SCALE
from opastin import places


def test_the_default_card_has_at_least_eight_themes_in_three_languages() -> None:
    card = themes.all_themes()
    assert len(card) >= 8
    for theme in card:
        for language in ("fi", "sv", "en"):
            assert theme.name(language) and len(theme.ask(language)) > 10
            assert all(theme.label(answer, language) for answer in SCALE)
    assert {t.key for t in card} >= {"physical_activity", "nature", "culture", "community", "mood", "sleep",
                                     "eating", "daily_life"}


def test_the_card_says_a_county_replaces_it() -> None:
    assert "county replaces this file" in themes.DEFAULT_FILE.read_text(encoding="utf-8")


def test_an_incomplete_card_is_refused_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = tmp_path / "card.yml"
    card.write_text(
        "scale:\n  regularly: {fi: K, sv: J, en: Y}\n  sometimes: {fi: J, sv: I, en: S}\n  not_now: {fi: E, sv: N, en: N}\n"
        "themes:\n- key: music\n  names: {fi: Musiikki, sv: Musik}\n  question: {fi: \"Laulatko?\", sv: \"Sjunger du?\", en: \"Do you sing?\"}\n",
        encoding="utf-8")
    monkeypatch.setenv("OPASTIN_THEMES", str(card))
    with pytest.raises(themes.ThemeFileError, match="music.names"):
        themes.all_themes()


def test_a_countys_own_card_replaces_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = tmp_path / "card.yml"
    card.write_text(
        "scale:\n  regularly: {fi: K, sv: J, en: Y}\n  sometimes: {fi: J, sv: I, en: S}\n  not_now: {fi: E, sv: N, en: N}\n"
        "themes:\n- key: music\n  names: {fi: Musiikki, sv: Musik, en: Music}\n"
        "  question: {fi: \"Laulatko?\", sv: \"Sjunger du?\", en: \"Do you sing?\"}\n", encoding="utf-8")
    monkeypatch.setenv("OPASTIN_THEMES", str(card))
    assert [t.key for t in themes.all_themes()] == ["music"]


@pytest.mark.parametrize("text, key", [("lisää liikunnasta", "physical_activity"), ("mer om sömn", "sleep"),
                                       ("more on nature", "nature"), ("näytä lisää", None)])
def test_a_theme_named_in_a_message_is_found(text: str, key) -> None:
    found = themes.mentioned(text)
    assert (found.key if found else None) == key


@pytest.mark.parametrize("town", ["Lahti", "Vantaa", "Kerava", "Pori", "Sysmä"])
def test_every_theme_has_suggestions_in_every_seed_county(sqlite_client: DirectoryClient, town: str) -> None:
    municipality = places.resolve(town)
    for theme in themes.all_themes():
        assert recommend.suggestions_for(sqlite_client, theme, municipality, "fi"), theme.key
