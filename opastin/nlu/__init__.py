"""Custom Rasa NLU components (loaded by the Rasa server from config.yml).

They are imported when the model is loaded, after Sanic set up its own log handlers: those are
redacted from here on too (opastin/logs.py).
"""

from opastin.logs import install_log_redaction
from opastin.rasa_speedups import install_speedups

install_log_redaction()
install_speedups()  # the action server's answers checked against a schema checked once
