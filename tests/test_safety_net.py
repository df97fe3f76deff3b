"""The deterministic safety net: clear emergency and crisis wording wins over any classifier guess."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from opastin.nlu.safety_net import SafetyNet
from opastin.nlu.short_number_guard import ShortNumberGuard
from opastin.safety import INTENT_PRIORITY, assess, override_intent

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
    # violence happening now: 112 first, the emergency itself
    "mies lyö minua juuri nyt",
    "exä on oven takana ja uhkaa tappaa mut",
    "min man slår mig just nu",
    "he is hitting me, help",
    "my ex threatens me with a knife",
    "entinen poikaystävä uhkaa tappaa minut",  # a threat to kill (intents.md: someone threatening)
    "någon hotar att döda mig",
    "my boyfriend threatens to kill me",
    "poika joi puhdistusainetta",
    "hon har druckit blekmedel",
    "my son drank drain cleaner",
]
CRISES = [
    "en jaksa enää elää",
    "mietin itsemurhaa",
    "haluan kuolla",
    "jag vill inte leva längre",
    "jag har självmordstankar",
    "I want to die",
    "I don't want to live anymore",
    "thinking about suicide",
    "äiti uhkaa tappaa itsensä",  # a threat to oneself is a crisis, not violence at home
    "min son pratar om att ta livet av sig",
    "my brother says he will kill himself",
    "ja skadar mej och vill inte leva",
    "jag skär mig i armarna igen",
    "pappa kuoli eilen enkä jaksa mitään",  # a death and not coping
    "mamma dog i söndags och jag orkar inte",
    "my husband passed away and i can't cope",
]
# Distress together with a wish for a person: the crisis line first, even when it reads as customer service.
DISTRESS_WITH_PERSON = [
    "mua ahdistaa ihan hirveesti, haluun puhua jonkun kaa nyt",
    "paniikki päällä enkä jaksa, voinko jutella oikean ihmisen kanssa",
    "itkettää koko ajan, tarvitsen jonkun ihmisen",
    "oon ihan loppu, yhdistä asiakaspalveluun",
    "jag har ångest och vill prata med någon nu",
    "panik, jag orkar inte, finns det en riktig människa här",
    "I am panicking and can't cope, I need to talk to someone now",
    "anxiety attack, can i speak to a real person",
    "im crying all the time pls talk with someone",
]
# A wish for a person without distress, or distress without one, is not a crisis by this rule.
NOT_DISTRESS_WITH_PERSON = [
    "haluan puhua ihmisen kanssa",
    "en jaksa odottaa jonossa, haluan puhua ihmisen kanssa",
    "minua ahdistaa usein illalla",  # anxiety alone: mental_health, the classifier's call
    "ei ahdista, haluan vain puhua ihmisen kanssa laskusta",
    "jag vill prata med en människa",
    "jag orkar inte vänta, koppla mig till kundtjänst",
    "can I talk to someone about my bill",
    "i have had anxiety for years, is there therapy",
    "my baby is crying all night, can a nurse call me back",  # the baby's crying, not the person's distress
    "barnet gråter hela natten, kan en sköterska ringa mig",
    "desperate for a dentist appointment, can someone call me",
    # a wish for a professional is a service request (mental_health), not a wish for a person now
    "ahdistaa aamuisin, voisinko päästä juttelemaan jollekin ammattilaiselle",
]
# Violence at home and shelters: the crisis path whose first message is 112 and Nollalinja.
SHELTER = [
    "mies lyö minua",
    "väkivaltaa kotona",
    "onko Lahdessa turvakotia",
    "turvakoti heinola",
    "mun poikaystävä hakkaa mua",
    "lähisuhdeväkivalta",
    "min sambo slår mig",
    "våld i hemmet",
    "finns det skyddshem i Vanda",
    "skyddshem Björneborg",
    "my partner hits me",
    "domestic violence",
    "is there a womens shelter in Lahti",
    "i need a safe home tonight",
    "mies uhkaa ja lyö kun juo",
    "ja vågar int va hemma, han hotar mej hela tiden",
    "her father hits her and she is scared to go home",
]
NOT_SHELTER = [
    "asunnottomien turvakoti",  # a homeless shelter is social services
    "is there a homeless shelter in Pori",
    "hemlös, finns det ett härbärge eller skyddshem för hemlösa",
]
# The on-call clinic: 116117 first.
ON_CALL = [
    "onko päivystys auki nyt Lahdessa",
    "missä on yhteispäivystys porissa",
    "paivystys viikonloppuna kerava",
    "lasten päivystys yöllä",
    "onko akuutti24 auki",
    "päivystävä lääkäri heinolassa",
    "var finns jouren i Vanda",
    "är hälsocentralens jour öppen på lördag",
    "jourmottagning i Björneborg nu",
    "när är akuten öppen",
    "where is the on-call clinic in Lahti",
    "is the emergency clinic open at the weekend",
    "nearest ER in vantaa",
    "on call doctor tonight rauma",
    "lapsella kuumetta yöllä, mihin soitan",
    "vem ringer jag mitt i natten när barnet har feber",
    "who do i call at night when my child is sick",
]
NOT_ON_CALL = [
    "paljonko päivystyskäynti maksaa",  # a fee: client_fees
    "hammaspäivystys lauantaina",  # the dentist's own on-call: dental_care
    "sosiaalipäivystyksen numero",  # social services
    "vad kostar ett besök på jouren",
    "tandjour i Vanda",
    "how much does the emergency clinic cost",
    "emergency dentist in Pori",
    "hur kontaktar jag er",  # Swedish "er" (you) is no ER
    "isoisä kuoli viime vuonna, miten perunkirjoitus tehdään",
    "jag skär mig i fingret ibland när jag lagar mat",
    "ja skar mej på en glasbit, tror de måst sys",
    "jag skar mig när jag diskade, behöver det sys",
    "hammaslääkäri päivystys viikonloppuna",
    "jag kan inte betala räkningen från jouren",  # a negated word is still a fee
    "haluan antaa palautetta päivystyksestä",
    "i want to complain, i waited 4 hours in the emergency clinic",
    "how much is päivystys visit",
    "i had bad experience at päivystys and want to report it",
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
    # a stroke in the past is rehabilitation (find_service), not 112
    "kuntoutusta aivohalvauksen jälkeen",
    "rehabilitering efter en stroke i Lahtis",
    "physiotherapy after a stroke",
    "my father had a stroke last year, is there rehabilitation",
    "Dad uses a wheelchair since his stroke, can he get transport service",
    "rehabilitering efter hjärtinfarkten, vart ska jag vända mig",
    "taksikortti hukkui, miten saan uuden",  # "hukkui" is also "got lost"
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency_wording_is_caught(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "emergency"


@pytest.mark.parametrize("text", CRISES)
def test_crisis_wording_is_caught(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "crisis_support"


@pytest.mark.parametrize("text", DISTRESS_WITH_PERSON)
def test_distress_with_a_wish_for_a_person_is_a_crisis(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "crisis_support"
    assert override_intent("human_handoff", text).level == "crisis_support"


@pytest.mark.parametrize("text", NOT_DISTRESS_WITH_PERSON)
def test_a_person_or_distress_alone_is_left_to_the_classifier(text: str) -> None:
    assert assess(text, INTENT_PRIORITY) is None
    assert override_intent("human_handoff", text) is None


@pytest.mark.parametrize("text", SHELTER)
def test_violence_at_home_and_shelters_go_to_the_shelter_path(text: str) -> None:
    match = assess(text)
    assert match is not None and match.level == "seek_shelter"
    assert override_intent("crisis_support", text).level == "seek_shelter"  # Nollalinja comes first


@pytest.mark.parametrize("text", NOT_SHELTER)
def test_a_homeless_shelter_is_no_violence(text: str) -> None:
    assert assess(text, INTENT_PRIORITY) is None


def test_suicidal_words_beat_violence() -> None:
    assert assess("mies lyö minua ja haluan kuolla").level == "crisis_support"


@pytest.mark.parametrize("text", ON_CALL)
def test_on_call_clinic_questions_go_to_urgent_care(text: str) -> None:
    match = override_intent("opening_hours", text)
    assert match is not None and match.level == "urgent_care"


@pytest.mark.parametrize("text", NOT_ON_CALL)
def test_fees_dentists_and_social_on_call_are_left_to_the_classifier(text: str) -> None:
    assert assess(text, INTENT_PRIORITY) is None


def test_on_call_words_never_downgrade_an_emergency_or_a_crisis() -> None:
    assert override_intent("emergency", "isä ei herää, soitanko päivystykseen") is None
    assert override_intent("crisis_support", "mietin itsemurhaa, voinko mennä päivystykseen") is None
    assert assess("isä ei herää, soitanko päivystykseen", INTENT_PRIORITY).level == "emergency"


def test_on_call_words_are_no_alarm_for_a_live_agent() -> None:
    # channels/handover.py marks a queued person urgent on assess(); an on-call question is not that.
    assert assess("onko päivystys auki") is None


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
        ("hän hukkuu", "nlu_fallback", "emergency"),
        ("pappa andas inte", "nlu_fallback", "emergency"),
        ("my partner hits me", "family_services", "seek_shelter"),
        ("turvakoti lahdessa", "contact_info", "seek_shelter"),
        ("I am panicking and can't cope, I need to talk to someone now", "human_handoff", "crisis_support"),
        ("jag har ångest och vill prata med någon nu", "human_handoff", "crisis_support"),
        ("onko päivystys auki nyt lahdessa", "opening_hours", "urgent_care"),
        ("jouren i Vanda telefonnummer", "contact_info", "urgent_care"),
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


@pytest.mark.parametrize("text", ["1", "2", " 12 ", "3.", "nro 5"])
def test_a_few_digits_are_no_phone_number(text: str) -> None:
    [message] = ShortNumberGuard().process([_message(text, "give_phone_number", 0.71)])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}


@pytest.mark.parametrize("text", ["040 123 4567", "0401234567", "+358 40 765 1234", "(09) 310 1234"])
def test_a_phone_number_stays_a_phone_number(text: str) -> None:
    [message] = ShortNumberGuard().process([_message(text, "give_phone_number", 0.93)])
    assert message.get("intent")["name"] == "give_phone_number"


def test_the_guard_leaves_other_intents_alone() -> None:
    [message] = ShortNumberGuard().process([_message("2", "answer_survey", 0.8)])
    assert message.get("intent")["name"] == "answer_survey"
