"""NLU component that recognises municipalities from a gazetteer of inflected forms."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from opastin.nlu.base import MessageRule
from opastin.places import find_mentions

ENTITY = "municipality"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class MunicipalityExtractor(MessageRule, EntityExtractorMixin):
    """Adds `municipality` entities with the municipality's Finnish name as the value.

    A known place wins over the statistical extractor's guess for the same span; the statistical
    extractor still finds places that the gazetteer does not list, which the actions then report
    as outside the service area.
    """

    def _apply(self, message: Message) -> None:
        mentions = list(find_mentions(message.get(TEXT) or ""))
        if not mentions:
            return
        found = [
            {
                "entity": ENTITY,
                "value": mention.municipality.fi,
                "start": mention.start,
                "end": mention.end,
                "confidence_entity": 1.0,
            }
            for mention in mentions
        ]
        kept = [e for e in message.get(ENTITIES, []) if not _overlaps_place(e, mentions)]
        message.set(ENTITIES, kept + self.add_extractor_name(found), add_to_output=True)


def _overlaps_place(entity: dict[str, Any], mentions: list) -> bool:
    if entity.get("entity") != ENTITY:
        return False
    start, end = entity.get("start", -1), entity.get("end", -1)
    return any(start < m.end and m.start < end for m in mentions)
