"""The character n-gram intent classifier: learns intents from a few examples, survives being stored and
loaded (skops, no pickle), and blends with DIET's ranking when asked to."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from opastin.nlu.char_ngram_classifier import CharNgramIntentClassifier

EXAMPLES = {
    "dental_care": ["hammaslääkäri", "hammas on kipeä", "tandläkare", "tandvärk", "dentist", "toothache"],
    "lab_tests": ["verikoe", "laboratorio", "blodprov", "laboratoriet", "blood test", "lab times"],
    "greet": ["hei", "moikka", "hej", "hejsan", "hello", "hi there"],
}


def training_data() -> TrainingData:
    return TrainingData(
        [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(tmp_path: Path, **config: object) -> tuple[CharNgramIntentClassifier, LocalModelStorage, Resource]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    storage, resource = LocalModelStorage(tmp_path), Resource("intents")
    classifier = CharNgramIntentClassifier.create(
        {**CharNgramIntentClassifier.get_default_config(), **config}, storage, resource, context()
    )
    classifier.train(training_data())
    return classifier, storage, resource


def classify(classifier: CharNgramIntentClassifier, text: str, ranking: list | None = None) -> Message:
    message = Message(data={TEXT: text})
    if ranking is not None:
        message.set(INTENT_RANKING_KEY, ranking)
    classifier.process([message])
    return message


@pytest.mark.parametrize(
    "text, intent",
    [("hamaslaakari", "dental_care"), ("tandlakaren", "dental_care"), ("verikokeet", "lab_tests"), ("heippa", "greet")],
)
def test_unseen_spellings_get_their_intent(tmp_path: Path, text: str, intent: str) -> None:
    classifier, _, _ = trained(tmp_path)
    assert classify(classifier, text).get(INTENT)["name"] == intent


def test_a_stored_model_loads_and_answers_the_same(tmp_path: Path) -> None:
    classifier, storage, resource = trained(tmp_path)
    loaded = CharNgramIntentClassifier.load(
        CharNgramIntentClassifier.get_default_config(), storage, resource, context()
    )
    before, after = classify(classifier, "blood test please"), classify(loaded, "blood test please")
    assert after.get(INTENT) == before.get(INTENT)
    assert after.get(INTENT)["name"] == "lab_tests"
    assert after.get(INTENT_RANKING_KEY) == before.get(INTENT_RANKING_KEY)


def test_the_ranking_holds_every_intent_once_with_confidences_summing_to_one(tmp_path: Path) -> None:
    classifier, _, _ = trained(tmp_path)
    ranking = classify(classifier, "tandläkare").get(INTENT_RANKING_KEY)
    assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)


def test_blended_with_an_earlier_ranking_the_confidences_are_their_weighted_mean(tmp_path: Path) -> None:
    alone, _, _ = trained(tmp_path / "alone")
    blended, _, _ = trained(tmp_path / "blended", blend=0.5)
    ours = {r["name"]: r["confidence"] for r in classify(alone, "hello").get(INTENT_RANKING_KEY)}
    diet = [{"name": "lab_tests", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    result = {r["name"]: r["confidence"] for r in classify(blended, "hello", diet).get(INTENT_RANKING_KEY)}
    assert result["lab_tests"] == pytest.approx(0.5 * ours["lab_tests"] + 0.45)
    assert result["greet"] == pytest.approx(0.5 * ours["greet"] + 0.05)
    assert result["dental_care"] == pytest.approx(0.5 * ours["dental_care"])


def test_a_model_file_with_foreign_types_is_refused(tmp_path: Path) -> None:
    """A stored model is code to run: anything but the classifier's own pipeline is refused."""
    import skops.io as sio

    _, storage, resource = trained(tmp_path)
    with storage.write_to(resource) as folder:
        sio.dump({"not": "a model"}, folder / "char_ngram_intents.skops")
    loaded = CharNgramIntentClassifier.load(
        CharNgramIntentClassifier.get_default_config(), storage, resource, context()
    )
    assert classify(loaded, "hello").get(INTENT) is None
