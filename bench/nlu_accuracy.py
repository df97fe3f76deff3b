"""Intent accuracy per language on the held-out set (tests/nlu_heldout/, never used in training).

`make test` runs it with a floor: a model that gets worse than the floor fails the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HELDOUT_DIR = Path("tests/nlu_heldout")
LANGUAGES = ("fi", "sv", "en")
SAFETY_INTENTS = ("emergency", "crisis_support")


@dataclass
class LanguageResult:
    language: str
    total: int = 0
    correct: int = 0
    safety_total: int = 0
    safety_caught: int = 0
    confusions: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def safety_recall(self) -> float:
        return self.safety_caught / self.safety_total if self.safety_total else 1.0


def latest_model(models_dir: str = "models") -> str:
    models = sorted(Path(models_dir).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit("error: no trained model in models/ — run `make train` first")
    return str(models[-1])


def load_examples(language: str) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(HELDOUT_DIR / f"{language}.yml"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def evaluate(agent, language: str) -> LanguageResult:
    result = LanguageResult(language)
    for text, expected in load_examples(language):
        parsed = asyncio.run(agent.parse_message(text))
        predicted = parsed["intent"]["name"]
        result.total += 1
        result.correct += predicted == expected
        if predicted != expected:
            result.confusions[(expected, predicted)] += 1
        if expected in SAFETY_INTENTS:
            result.safety_total += 1
            # For safety, what matters is that the person is sent to the right number.
            result.safety_caught += predicted == expected
    return result


def load_agent(model_path: str):
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse at debug level through structlog; the report is what matters here.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    return Agent.load(model_path)


def report(results: list[LanguageResult]) -> None:
    print("\nHeld-out NLU intent accuracy (tests/nlu_heldout, not in training data)")
    print(f"{'language':<9}{'examples':>9}{'accuracy':>10}{'safety recall':>15}")
    for r in results:
        print(f"{r.language:<9}{r.total:>9}{r.accuracy:>10.1%}{r.safety_recall:>15.1%}")
    for r in results:
        common = ", ".join(f"{e}→{p} ×{n}" for (e, p), n in r.confusions.most_common(6))
        if common:
            print(f"  {r.language} most common errors: {common}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="model archive (default: newest in models/)")
    parser.add_argument("--floor-file", help="YAML with minimum accuracy per language and safety recall")
    parser.add_argument("--json", default="results/nlu_heldout.json", help="where to write the numbers")
    args = parser.parse_args()

    agent = load_agent(args.model or latest_model())
    results = [evaluate(agent, language) for language in LANGUAGES]
    report(results)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {
                r.language: {"accuracy": r.accuracy, "examples": r.total, "safety_recall": r.safety_recall}
                for r in results
            },
            indent=2,
        )
    )
    if not args.floor_file:
        return 0
    floor = yaml.safe_load(Path(args.floor_file).read_text())
    failures = [
        f"{r.language} accuracy {r.accuracy:.1%} < floor {floor['accuracy'][r.language]:.0%}"
        for r in results
        if r.accuracy < floor["accuracy"][r.language]
    ]
    failures += [
        f"{r.language} safety recall {r.safety_recall:.1%} < floor {floor['safety_recall']:.0%}"
        for r in results
        if r.safety_recall < floor["safety_recall"]
    ]
    for failure in failures:
        print(f"FAIL: {failure}")
    print("NLU floor: " + ("failed" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
