"""Opastin's custom actions, one module per feature; the service directory lives in actions.directory.

Importing the package is the action server's start-up: from here on, its log records are redacted
(opastin/logs.py).
"""

from opastin.logs import install_log_redaction

install_log_redaction()
