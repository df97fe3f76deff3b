"""Rasa input channels of Opastin (configured in credentials.yml).

Importing them is the Rasa server's start-up: from here on, its log records are redacted (opastin/logs.py).
"""

from opastin.logs import install_log_redaction

install_log_redaction()
