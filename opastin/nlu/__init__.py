"""Custom Rasa NLU components (loaded by the Rasa server from config.yml).

They are imported when the model is loaded, after Sanic set up its own log handlers: those are
redacted from here on too (opastin/logs.py).
"""

from opastin.logs import install_log_redaction

install_log_redaction()
