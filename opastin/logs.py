"""Logs without personal data: every record is redacted (opastin/redaction.py) before a handler writes it.

`install_log_redaction()` runs when each server loads Opastin's code: the Rasa server imports
`opastin.channels` (credentials.yml) and `opastin.nlu` (config.yml, when the model is loaded, after
Sanic has set up its own log handlers), the action server imports `actions`. By then each server has
configured its logging, so the filter goes on the handlers that exist: the root logger's (which
every propagating logger reaches: Rasa's, rasa_sdk's and ours), those of loggers with handlers of
their own (Sanic's, which do not propagate) and logging's last resort (which writes what no handler
takes). A handler added later is not covered: call install_log_redaction() again after adding one.
"""

from __future__ import annotations

import logging

from opastin.redaction import redact

_EXCEPTIONS = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Replaces the record's message (its arguments filled in), traceback and stack by redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: logging reports it as it would have
            return True
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _EXCEPTIONS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Puts the redacting filter on every handler configured so far (again: no harm, one filter each)."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = [handler for logger in loggers for handler in getattr(logger, "handlers", ())]  # placeholders: none
    if logging.lastResort is not None:  # what writes a record no handler takes (the action server's Sanic errors)
        handlers.append(logging.lastResort)
    for handler in handlers:
        handler.addFilter(_FILTER)
