"""The action server's answers are judged exactly as Rasa's own check judges them, with the schema checked once."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from opastin.rasa_speedups import install_speedups

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "fi"}], "responses": [{"text": "Hei"}]},
    {"events": [{"event": "action", "name": "action_listen"}, {"event": "bot", "text": "Hei", "data": {}}]},
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "value": "fi"}]},  # a slot without its name
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
]


def action() -> RemoteAction:
    install_speedups()
    return RemoteAction("action_validate_slot_mappings", EndpointConfig("http://127.0.0.1:1/webhook"))


def rasa_judgement(answer: dict[str, Any]) -> jsonschema.ValidationError | None:
    """What Rasa 3.6's own method does: jsonschema.validate with its schema."""
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error
    return None


def test_installing_replaces_the_check_once() -> None:
    install_speedups()
    installed = RemoteAction._validate_action_result
    install_speedups()
    assert RemoteAction._validate_action_result is installed
    assert installed.__module__ == "opastin.rasa_speedups"


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_passes_as_before(answer: dict[str, Any]) -> None:
    assert rasa_judgement(answer) is None
    assert action()._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_fails_with_rasas_error_and_message(answer: dict[str, Any]) -> None:
    expected = rasa_judgement(answer)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        action()._validate_action_result(answer)
    assert raised.value.message.startswith(expected.message + ". Failed to validate Action server response")
    assert list(raised.value.absolute_path) == list(expected.absolute_path)
    assert raised.value.validator == expected.validator
