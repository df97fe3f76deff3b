"""The action server as Opastin runs it (python -m actions.server): rasa_sdk's app with its doors locked.

- It listens on 127.0.0.1 unless SANIC_HOST says otherwise.
- It answers only the Rasa server: a caller on another address needs the shared token
  (OPASTIN_ACTION_TOKEN, sent by Rasa as `?token=` when endpoints.yml sets `token:` for the
  action endpoint); without a token configured, only loopback callers are answered.
- An error never echoes the tracker back (rasa_sdk's own handler does, and Rasa then logs it),
  and no browser may call it (no CORS).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import logging.handlers
import os
from ipaddress import ip_address

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin.logs import install_log_redaction

log = logging.getLogger(__name__)
TOKEN_VARIABLE = "OPASTIN_ACTION_TOKEN"
DEFAULT_PORT = 5055


def allowed(request: Request, token: str) -> bool:
    """The shared token when one is configured, else a caller on this machine."""
    if token:
        return hmac.compare_digest(str(request.args.get("token") or "").encode(), token.encode())
    try:
        return ip_address(request.ip).is_loopback
    except ValueError:
        return False


async def failed(request: Request, exception: Exception) -> HTTPResponse:
    """A failing action: its type in the log and the answer, never the tracker or the person's words."""
    log.error("action request failed: %s", type(exception).__name__)
    return response.json({"error": "the action failed"}, status=500)


def create_app(token: str | None = None) -> Sanic:
    app = endpoint.create_app("actions", cors_origins=None)
    app.error_handler.add(Exception, failed)
    secret = (token if token is not None else os.environ.get(TOKEN_VARIABLE, "")).strip()

    @app.middleware("request")
    async def only_the_rasa_server(request: Request) -> HTTPResponse | None:
        if request.path == "/health" or allowed(request, secret):
            return None
        return response.json({"error": "forbidden"}, status=403)

    return app


def configure_logging(path: str | None) -> None:
    """Records go to a rotating file (or stderr), each redacted before it is written."""
    handler: logging.Handler = (
        logging.handlers.RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8")
        if path
        else logging.StreamHandler()
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    install_log_redaction()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--log-file", help="a file that rotates at 10 MB (five old ones kept); default: stderr")
    args = parser.parse_args()
    configure_logging(args.log_file)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    create_app().run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
