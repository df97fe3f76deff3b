"""NLU component that puts the deterministic safety net after the intent classifiers."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from opastin.nlu.base import MessageRule
from opastin.safety import override_intent

SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(MessageRule, IntentClassifier):
    """Replaces the predicted intent when the wording is unmistakable: emergency, crisis, shelter, on-call.

    Runs after FallbackClassifier, so that a low-confidence "isä ei hengitä" is not a fallback.
    The classifier's own guess stays in the intent ranking and in `safety_net` for trainers.
    """

    @staticmethod
    def _apply(message: Message) -> None:
        text = message.get(TEXT) or ""
        predicted = (message.get(INTENT) or {}).get("name")
        match = override_intent(predicted, text)
        if match is None:
            return
        forced = {"name": match.level, "confidence": 1.0}
        message.set(INTENT, forced, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != match.level]
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
        message.set(
            SAFETY_NET_KEY,
            {"level": match.level, "pattern": match.pattern, "classifier_intent": predicted},
            add_to_output=True,
        )
