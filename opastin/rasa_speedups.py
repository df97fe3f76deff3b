"""One change to how the Rasa server (3.6) checks the action server's answers: the same check, done once.

Rasa validates every answer of the action server with `jsonschema.validate(answer, schema)`. That
call first checks the schema itself against the JSON Schema metaschema, and Rasa's schema (all its
event types) is large: measured on the 2-core machine, about 15–30 ms of the event loop's time per
answer, where the answer's own validation takes under 1 ms. Opastin calls the action server at least
twice a turn (`action_validate_slot_mappings` runs after every message), so `make bench`'s profile
showed this schema check as about 40 % of the Rasa server's busy time.

Here the validator is made, and the schema checked, once; every answer is then validated exactly as
`jsonschema.validate` does it (`best_match` of the validator's errors), and an invalid answer raises
the same ValidationError with the same message as Rasa's own method. Installed where the Rasa server
loads Opastin's code (opastin/channels/ and opastin/nlu/); installing twice changes nothing.
"""

from __future__ import annotations

from typing import Any

MARK = "_opastin_cached_schema"


_VALIDATORS: dict[type, Any] = {}


def _validator(action_class: Any) -> Any:
    """The validator of the class's action-answer schema, the schema checked once (a SchemaError surfaces here)."""
    from jsonschema.validators import validator_for

    if action_class not in _VALIDATORS:
        schema = action_class.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[action_class] = cls(schema)
    return _VALIDATORS[action_class]


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result of Rasa 3.6, with the validator made once."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_validator(type(self)).iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
    raise error


def install_speedups() -> None:
    """Replaces RemoteAction._validate_action_result once per process."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, MARK, False):
        return
    setattr(_validate_action_result, MARK, True)
    RemoteAction._validate_action_result = _validate_action_result
