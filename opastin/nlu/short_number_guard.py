"""NLU component: a few digits typed where no choice was offered are no phone number."""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from opastin.nlu.base import MessageRule

PHONE_INTENT = "give_phone_number"
FALLBACK_INTENT = "nlu_fallback"
# The shortest Finnish number a callback can use has 6 digits after the area code's 0 ("09 123456"
# is 8 with it); "1", "2" or "12" typed by mistake are far below that.
MIN_PHONE_DIGITS = 6


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ShortNumberGuard(MessageRule, IntentClassifier):
    """Turns give_phone_number into nlu_fallback when the message holds fewer than 6 digits.

    A bare "1" where no choice is offered otherwise reads as a phone number and starts a callback
    request; the fallback asks the person to say it in other words instead.
    """

    @staticmethod
    def _apply(message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get("name") != PHONE_INTENT:
            return
        if len(re.findall(r"\d", message.get(TEXT) or "")) >= MIN_PHONE_DIGITS:
            return
        forced = {"name": FALLBACK_INTENT, "confidence": 1.0}
        message.set(INTENT, forced, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != FALLBACK_INTENT]
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
