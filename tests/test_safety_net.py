"""The deterministic safety net: clear emergency and crisis wording wins over any classifier guess."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from opastin.nlu.safety_net import SafetyNet
from opastin.safety import assess, override_intent

EMERGENCIES = [
    # fi
    "Mieheni ei hengitä!!",
    "isä ei herää",
    "äiti on tajuton lattialla",
    "mulla on kova rintakipu ja käsi puutuu",
    "kipua rinnassa ja hikoiluttaa",
    "luulen että isällä on aivohalvaus, suupieli roikkuu",
    "lapsi nieli pesuainetta",
    "vuotaa tosi paljon verta",
    "talo palaa",
    "mummi kouristelee",
    "ei saa henkeä",
    "hengitys on pysähtynyt",
    "aiti ei hengita",  # without ä
    "vauva joi klooria",
    "lapsi söi tiskiainetta",
    # sv
    "pappa andas inte",
    "min man är medvetslös",
    "hon har ont i bröstet",
    "jag tror det är en stroke",
    "barnet har svalt tvättmedel",
    "det brinner i köket",
    "barnet har druckit diskmedel",
    "han blöder kraftigt",
    "mamma vaknar inte",
    # en
    "my husband is not breathing",
    "he collapsed and is unconscious",
    "severe chest pain",
    "i think she has a stroke",
    "child swallowed pills",
    "my son drank bleach",
    "my house is on fire",
    "he cant breathe",
    "she won't wake up",
    "bleeding won't stop",
]
CRISES = [
    "en jaksa enää elää",
    "mietin itsemurhaa",
    "haluan kuolla",
    "mies lyö minua",
    "väkivaltaa kotona",
    "jag vill inte leva längre",
    "jag har självmordstankar",
    "min sambo slår mig",
    "våld i hemmet",
    "I want to die",
    "I don't want to live anymore",
    "thinking about suicide",
    "my partner hits me",
    "domestic violence",
]
HARMLESS = [
    "mistä saan hammaslääkärin ajan",
    "en halua kuolla tähän flunssaan, mitä teen",
    "hän ei ole tajuton, vain väsynyt",
    "it is not chest pain, just a cough",
    "I don't want to die of boredom at home, any hobbies?",
    "var finns rådgivningen i Vanda",
    "milloin terveysasema on auki",
    "how much does the dentist cost",
    "hengitystieinfektio, tarvitsenko lääkärin",
    "jag vill boka tid",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency_wording_is_caught(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "emergency"


@pytest.mark.parametrize("text", CRISES)
def test_crisis_wording_is_caught(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "crisis_support"


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_and_negated_wording_is_left_alone(text: str) -> None:
    assert assess(text) is None


def test_emergency_beats_crisis_when_both_are_said() -> None:
    assert assess("he hits me and now she is not breathing").level == "emergency"


def test_a_correct_prediction_is_not_overridden() -> None:
    assert override_intent("emergency", "isä ei hengitä") is None
    assert override_intent("emergency", "haluan kuolla") is None  # an emergency is never downgraded


def _message(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


@pytest.mark.parametrize(
    "text, misclassified, expected",
    [
        ("isä ei hengitä", "find_service", "emergency"),
        ("pappa andas inte", "nlu_fallback", "emergency"),
        ("my partner hits me", "family_services", "crisis_support"),
        ("en jaksa enää elää", "mental_health", "crisis_support"),
    ],
)
def test_component_overrides_a_misclassified_intent(text: str, misclassified: str, expected: str) -> None:
    [message] = SafetyNet().process([_message(text, misclassified, 0.93)])
    assert message.get("intent") == {"name": expected, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == expected
    assert message.get("safety_net")["classifier_intent"] == misclassified


def test_component_leaves_ordinary_messages_alone() -> None:
    [message] = SafetyNet().process([_message("hammaslääkäri Lahdessa", "dental_care", 0.88)])
    assert message.get("intent")["name"] == "dental_care"
    assert message.get("safety_net") is None
