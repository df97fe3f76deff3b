"""Logs without personal data: every record is redacted (opastin/redaction.py) before a handler writes it.

`install_log_redaction()` runs when each server loads Opastin's code: the Rasa server imports
`opastin.channels` (credentials.yml) and `opastin.nlu` (config.yml, when the model is loaded, after
Sanic has set up its own log handlers), the action server imports `actions`. By then each server has
configured its logging, so the filter goes on the handlers that exist: the root logger's (which
every propagating logger reaches: Rasa's, rasa_sdk's and ours), those of loggers with handlers of
their own (Sanic's, which do not propagate) and logging's last resort (which writes what no handler
takes). A handler added later is not covered: call install_log_redaction() again after adding one.

Secrets go too: the value of an `Authorization: Bearer …` (REST's token, a web chat token) and anything
shaped like a web chat token (opastin/channels/session_token.py) become `[TOKEN]`, wherever a log line
repeats a request. The web chat never puts its token in a URL, so access logs do not see it anyway.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from opastin.redaction import redact

_EXCEPTIONS = logging.Formatter()
SECRET = "[TOKEN]"
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)[^\s,;'\"]+")
_WEBCHAT_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,64}\.(?:0|[1-9][0-9]{0,11})\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"
)


def hide_secrets(text: str) -> str:
    """The text with bearer tokens and web chat tokens replaced by [TOKEN]."""
    return _WEBCHAT_TOKEN.sub(SECRET, _BEARER.sub(rf"\1\2{SECRET}", text))


def _clean(text: str) -> str:
    return redact(hide_secrets(text))  # secrets first: a token's digits could otherwise look like a phone number


class RedactingFilter(logging.Filter):
    """Replaces the record's message (its arguments filled in), traceback and stack by redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: logging reports it as it would have
            return True
        record.msg = _clean(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _EXCEPTIONS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _clean(record.exc_text)
        if record.stack_info:
            record.stack_info = _clean(record.stack_info)
        return True


_FILTER = RedactingFilter()

# Rasa also logs through structlog, with the event (the person's words) as a key: "pika.events.publish.failed"
# carries the whole user event. Only these keys say nothing of what anyone wrote; any other is hidden.
_STRUCTLOG_KEYS = frozenset(
    {"event", "event_info", "log_level", "level", "timestamp", "logger", "host", "url", "topic", "action_name",
     "filename", "rabbitmq_exchange", "partition_key", "len_extraction_events", "parse_data_intent"}
)  # fmt: skip
HIDDEN = "[hidden]"


def scrub_structlog_event(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """A structlog processor: keys that may hold a person's words are hidden, the rest redacted."""
    return {
        key: (_clean(value) if isinstance(value, str) else value) if key in _STRUCTLOG_KEYS else HIDDEN
        for key, value in event.items()
    }


def _install_structlog_scrubber() -> None:
    processors = list(structlog.get_config()["processors"])
    if scrub_structlog_event not in processors:
        structlog.configure(processors=[scrub_structlog_event, *processors])


def install_log_redaction() -> None:
    """Puts the redacting filter on every handler configured so far (again: no harm, one filter each)."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = [handler for logger in loggers for handler in getattr(logger, "handlers", ())]  # placeholders: none
    if logging.lastResort is not None:  # what writes a record no handler takes (the action server's Sanic errors)
        handlers.append(logging.lastResort)
    for handler in handlers:
        handler.addFilter(_FILTER)
    _install_structlog_scrubber()
