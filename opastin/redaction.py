"""Placeholder until the redaction module lands: the old scrubbing patterns behind the new interface."""

from __future__ import annotations

from typing import Any

from opastin.privacy import scrub


def redact(text: str) -> str:
    return scrub(text)


def redact_strings(value: Any) -> Any:
    """Every string inside a JSON-like value redacted; other values as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_strings(item) for key, item in value.items()}
    return value
