"""Settings of the channels that talk to an outside API (Telegram, SMS): credentials.yml first, then the environment.

Such a channel is off while its switch variable (its token or account) is unset: its webhook answers 404
and it sends nothing. Once switched on, every setting it needs must be there, or the Rasa server
refuses to start with the missing variable's name: a channel never half-works.
"""

from __future__ import annotations

import os
from typing import Any

from opastin.channels.limits import RateLimit

PSEUDONYM_KEY = "OPASTIN_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32


class ChannelSettingError(RuntimeError):
    """A switched-on channel lacks a setting, or has a bad one: the server stops at start with this text."""


def setting(credentials: dict[str, Any] | None, key: str, variable: str, default: str | None = None) -> str | None:
    """`key` of the channel's block in credentials.yml, else the environment variable, else `default`."""
    value = (credentials or {}).get(key)
    if value is None or str(value).strip() == "":
        value = os.environ.get(variable)
    text = str(value).strip() if value is not None else ""
    return text or default


def required(channel: str, values: dict[str, str | None]) -> dict[str, str]:
    """The values by variable name, all present, or ChannelSettingError naming those missing."""
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ChannelSettingError(
            f"the {channel} channel is on but {', '.join(missing)} is not set (README: Telegram and SMS)"
        )
    return {name: str(value) for name, value in values.items()}


def pseudonym_key(channel: str, credentials: dict[str, Any] | None) -> str:
    key = setting(credentials, "pseudonym_key", PSEUDONYM_KEY)
    if not key or len(key) < MIN_KEY_LENGTH:
        raise ChannelSettingError(
            f"the {channel} channel is on but {PSEUDONYM_KEY} is unset or shorter than {MIN_KEY_LENGTH} characters "
            "(a random secret: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return key


def positive_int(channel: str, name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ChannelSettingError(f"the {channel} channel's {name} must be a whole number of at least 1")
    return int(value)


def api_channel_limit() -> RateLimit:
    """Messages a minute one Telegram or SMS conversation may send (bursts of 20): far above a person pressing
    answer buttons, well below a script; more are dropped unanswered. Setting: OPASTIN_RATE_PER_API_SENDER."""
    value = os.environ.get("OPASTIN_RATE_PER_API_SENDER")
    return RateLimit(float(value) if value else 60, burst=20)
