"""Rasa input channels of Opastin (configured in credentials.yml).

Importing them is the Rasa server's start-up: from here on, its log records are redacted (opastin/logs.py).
"""

from opastin.logs import install_log_redaction
from opastin.rasa_speedups import install_speedups

install_log_redaction()
install_speedups()  # the action server's answers checked against a schema checked once
