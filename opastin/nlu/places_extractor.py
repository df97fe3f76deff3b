"""NLU component that recognises municipalities from a gazetteer of inflected forms."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from opastin.places import find_mentions

ENTITY = "municipality"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class MunicipalityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds `municipality` entities with the municipality's Finnish name as the value.

    A known place wins over the statistical extractor's guess for the same span; the statistical
    extractor still finds places that the gazetteer does not list, which the actions then report
    as outside the service area.
    """

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MunicipalityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._apply(message)
        return messages

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


def _overlaps_place(entity: Dict[Text, Any], mentions: list) -> bool:
    if entity.get("entity") != ENTITY:
        return False
    start, end = entity.get("start", -1), entity.get("end", -1)
    return any(start < m.end and m.start < end for m in mentions)
