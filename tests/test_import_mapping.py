"""import_mapping.yml: every topic and theme it names is one the assistant uses, and its rules match as documented."""

from pathlib import Path

from actions.directory.import_mapping import Facts, load
from actions.shared import QUESTION_DEFAULTS, SEARCH, TOPIC_INTENTS
from actions.wellbeing.themes import all_themes

TOPICS = TOPIC_INTENTS | set(QUESTION_DEFAULTS.values()) | {SEARCH}


def test_every_topic_and_theme_in_the_mapping_is_the_assistants() -> None:
    mapping = load()
    assert mapping.default_topic in TOPICS
    assert {rule.target for rule in mapping.topics} <= TOPICS
    assert set(mapping.theme_names()) <= {theme.key for theme in all_themes()}


def test_rules_match_classes_with_their_subclasses_names_and_keywords() -> None:
    mapping = load()
    assert mapping.topic(Facts(service_classes=("P25.1",))) == "book_appointment"
    assert mapping.topic(Facts(service_classes=("P250",))) == "find_service"  # not a sub-class of P25
    assert mapping.topic(Facts(name_fi="Lahden hammashoitola")) == "dental_care"
    assert mapping.topic(Facts(name_fi="Päihdepalvelut")) == "substance_abuse"
    assert mapping.topic(Facts(name_fi="Jätehuolto")) == "find_service"
    assert mapping.themes_of(Facts(keywords=("yso:p916",))) == ["physical_activity"]
    assert mapping.themes_of(Facts(name_fi="Kirjaston lukupiiri")) == ["culture"]


def test_a_county_can_use_its_own_mapping_file(tmp_path: Path) -> None:
    own = tmp_path / "mapping.yml"
    own.write_text("default_topic: contact_info\ntopics:\n- topic: dental_care\n  name_words: [suu]\nthemes: []\n")
    mapping = load(str(own))
    assert mapping.topic(Facts(name_fi="Suun terveydenhuolto")) == "dental_care"
    assert mapping.topic(Facts(name_fi="Hammashoitola")) == "contact_info"
