"""How long each kind of kept data lives (opastin/data/retention.yml, or a county's own via OPASTIN_RETENTION)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "retention.yml"


@dataclass(frozen=True)
class Lifetimes:
    conversation: timedelta
    waiting_handoff: timedelta
    active_handoff: timedelta
    callback: timedelta
    held_phone: timedelta
    feedback_comment: timedelta


def retention_file() -> Path:
    return Path(os.environ.get("OPASTIN_RETENTION") or DEFAULT_FILE)


@cache
def _load(path: Path) -> Lifetimes:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def value(key: str) -> float:
        number = data.get(key)
        if not isinstance(number, (int, float)) or number <= 0:
            raise ValueError(f"{path}: {key} must be a positive number")
        return float(number)

    return Lifetimes(
        conversation=timedelta(days=value("conversation_days")),
        waiting_handoff=timedelta(minutes=value("waiting_handoff_minutes")),
        active_handoff=timedelta(hours=value("active_handoff_hours")),
        callback=timedelta(days=value("callback_days")),
        held_phone=timedelta(minutes=value("held_phone_minutes")),
        feedback_comment=timedelta(days=value("feedback_comment_days")),
    )


def lifetimes() -> Lifetimes:
    return _load(retention_file())
