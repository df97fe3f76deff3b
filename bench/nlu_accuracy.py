"""Intent accuracy per language on the held-out sets (tests/nlu_heldout/, tests/nlu_heldout2/), never used in training.

`make test-nlu` runs it with `--check-floors`: a model worse than a set's floor (floor.yml in the set's
folder) fails the run. `make bench` adds `--baseline`: the plain linear baseline (bench/baseline.py)
trained on the same data, printed beside the Rasa model.

Columns: "rasa" is the whole pipeline as users meet it; "classifier" is DIET's intent before the safety
net (it still includes the fallback); "baseline" and "+ rules" are the linear model alone and with the
same deterministic layers. Safety recall counts emergency, crisis_support, seek_shelter and urgent_care.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from bench.heldout import LANGUAGES, SAFETY_INTENTS, Score, heldout_sets, load_examples, safety_confusion_table


def latest_model(models_dir: str = "models") -> str:
    models = sorted(Path(models_dir).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit("error: no trained model in models/ — run `make train` first")
    return str(models[-1])


def evaluate(agent: Any, folder: Path, language: str) -> tuple[Score, Score]:
    """(the whole pipeline, the classifier before the safety net) on one language of one set."""
    pipeline, classifier = Score(), Score()
    for text, expected in load_examples(folder, language):
        parsed = asyncio.run(agent.parse_message(text))
        predicted = parsed["intent"]["name"]
        pipeline.add(expected, predicted)
        classifier.add(expected, (parsed.get("safety_net") or {}).get("classifier_intent") or predicted)
    return pipeline, classifier


def load_agent(model_path: str) -> Any:
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse at debug level through structlog; the report is what matters here.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    return Agent.load(model_path)


Results = dict[tuple[str, str], dict[str, Score]]


def report(results: Results) -> None:
    print("\nHeld-out NLU intent accuracy (never in the training data)")
    names = list(next(iter(results.values())))
    header = f"{'set':<5}{'language':<10}{'examples':>9}" + "".join(f"{n:>12}" for n in names)
    print(header + f"{'safety recall':>15}")
    for (set_name, language), scores in results.items():
        rasa = scores["rasa"]
        row = f"{set_name:<5}{language:<10}{rasa.total:>9}" + "".join(f"{s.accuracy:>12.1%}" for s in scores.values())
        print(row + f"{rasa.safety_recall:>15.1%}")
    print("\nSafety recall of the Rasa pipeline per intent (right number first), both sets:")
    for intent in SAFETY_INTENTS:
        right = total = 0
        for scores in results.values():
            r, t = scores["rasa"].recall_of(intent)
            right, total = right + r, total + t
        if total:
            print(f"  {intent:<16}{right:>4}/{total:<4}{right / total:>8.1%}")
    same_path = sum(scores["rasa"].same_path for scores in results.values())
    if same_path:
        print(f"  (of these, {same_path} crisis_support messages went the seek_shelter way: 112 and Nollalinja first)")
    print("\nSafety-intent confusion of the Rasa pipeline, both sets, all languages:")
    print(safety_confusion_table([scores["rasa"] for scores in results.values()]))
    for (set_name, language), scores in results.items():
        common = ", ".join(f"{e}→{p} ×{n}" for (e, p), n in scores["rasa"].confusions.most_common(6))
        if common:
            print(f"  set {set_name} {language} most common errors: {common}")


def check_floors(results: Results) -> list[str]:
    failures = []
    for set_name, folder in heldout_sets().items():
        floor = yaml.safe_load((folder / "floor.yml").read_text())
        for language in LANGUAGES:
            score = results[(set_name, language)]["rasa"]
            if score.accuracy < floor["accuracy"][language]:
                failures.append(
                    f"set {set_name} {language} accuracy {score.accuracy:.1%} < floor {floor['accuracy'][language]:.0%}"
                )
            if score.safety_recall < floor["safety_recall"]:
                floor_recall = floor["safety_recall"]
                failures.append(
                    f"set {set_name} {language} safety recall {score.safety_recall:.1%} < floor {floor_recall:.0%}"
                )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model archive (default: newest in models/)")
    parser.add_argument("--check-floors", action="store_true", help="fail below each set's floor.yml")
    parser.add_argument("--baseline", action="store_true", help="also train and score the linear baseline")
    parser.add_argument("--json", default="results/nlu_heldout.json", help="where to write the numbers")
    args = parser.parse_args()

    agent = load_agent(args.model or latest_model())
    results: Results = {}
    for set_name, folder in heldout_sets().items():
        for language in LANGUAGES:
            pipeline, classifier = evaluate(agent, folder, language)
            results[(set_name, language)] = {"rasa": pipeline, "classifier": classifier}
    if args.baseline:
        from bench import baseline

        for key, (alone, ruled) in baseline.run().items():
            results[key].update({"baseline": alone, "+ rules": ruled})
    report(results)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {
                f"set{set_name}/{language}": {
                    name: {"accuracy": s.accuracy, "examples": s.total, "safety_recall": s.safety_recall}
                    for name, s in scores.items()
                }
                for (set_name, language), scores in results.items()
            },
            indent=2,
        )
    )
    if not args.check_floors:
        return 0
    failures = check_floors(results)
    for failure in failures:
        print(f"FAIL: {failure}")
    print("NLU floor: " + ("failed" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
