"""A plain linear baseline on the same training data: TF-IDF of character n-grams + logistic regression.

Opastin's pipeline has to be clearly better than this to earn its weight; `make bench` prints both side
by side per language and held-out set. The baseline is scored twice: alone, and with the same
deterministic layers the Rasa pipeline ends with (safety net, short-number guard), so that the
classifiers are compared on equal terms. Run alone: `python -m bench.baseline`.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bench.heldout import LANGUAGES, Score, heldout_sets, load_examples

TRAINING_DATA = "data/nlu"


def training_examples(path: str = TRAINING_DATA) -> tuple[list[str], list[str]]:
    """Texts (annotations removed) and intents of every language's training data."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(path)
    examples = data.intent_examples
    return [m.get("text") for m in examples], [m.get("intent") for m in examples]


def train(texts: list[str], intents: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode", lowercase=True, sublinear_tf=True
    )
    model = make_pipeline(vectorizer, LogisticRegression(C=20.0, max_iter=3000))
    model.fit(texts, intents)
    return model


def with_rules(text: str, predicted: str) -> str:
    """The intent after the deterministic layers Opastin's pipeline ends with."""
    import re

    from opastin.nlu.short_number_guard import MIN_PHONE_DIGITS, PHONE_INTENT
    from opastin.safety import override_intent

    if predicted == PHONE_INTENT and len(re.findall(r"\d", text)) < MIN_PHONE_DIGITS:
        predicted = "nlu_fallback"
    match = override_intent(predicted, text)
    return match.level if match else predicted


def evaluate(model: Any) -> dict[tuple[str, str], tuple[Score, Score]]:
    """(set, language) → (score alone, score with the safety layers)."""
    results = {}
    for name, folder in heldout_sets().items():
        for language in LANGUAGES:
            examples = load_examples(folder, language)
            predicted = model.predict([text for text, _ in examples])
            alone, ruled = Score(), Score()
            for (text, expected), guess in zip(examples, predicted, strict=True):
                alone.add(expected, guess)
                ruled.add(expected, with_rules(text, guess))
            results[(name, language)] = (alone, ruled)
    return results


def run() -> dict[tuple[str, str], tuple[Score, Score]]:
    texts, intents = training_examples()
    started = time.perf_counter()
    model = train(texts, intents)
    print(f"baseline trained on {len(texts)} examples in {time.perf_counter() - started:.1f} s")
    return evaluate(model)


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    results = run()
    print(f"\n{'set':<5}{'language':<10}{'examples':>9}{'baseline':>10}{'+ safety net':>14}{'safety recall':>15}")
    for (name, language), (alone, ruled) in results.items():
        print(
            f"{name:<5}{language:<10}{alone.total:>9}{alone.accuracy:>10.1%}{ruled.accuracy:>14.1%}"
            f"{ruled.safety_recall:>15.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
