"""What every channel checks in a request before anything reads it: size, JSON shape, clean text.

A bad request gets a clear 4xx and reaches no bot; the person's words are never written to a log.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from opastin import catalogue
from opastin.language import choose_language

MAX_BODY = 16 * 1024  # bytes: a message of 2,000 characters with metadata fits many times over
# bytes any request to the server may carry: Sanic's default is 100 MB, read into memory before any handler.
# Beyond this it answers 413 while the body is still coming in. Room is left for `rasa interactive`'s API.
MAX_REQUEST = 256 * 1024
MAX_MESSAGE = 2000
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


class RequestError(ValueError):
    """A request the channel cannot take; its text is shown to the developer, never to the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def limit_request_size(blueprint: Blueprint) -> None:
    """Caps every request to the server at MAX_REQUEST bytes once it starts (each connection reads the
    setting when it opens), so no body is buffered whole before a channel can refuse it."""

    @blueprint.listener("before_server_start")
    async def cap(app: Sanic, _: Any) -> None:
        app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, MAX_REQUEST)


def error_response(error: RequestError, headers: dict[str, str] | None = None) -> HTTPResponse:
    return response.json({"ok": False, "error": str(error)}, status=error.status, headers=headers)


def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object, refused before parsing when it is too large."""
    declared = request.headers.get("content-length")
    if (declared and declared.isdigit() and int(declared) > MAX_BODY) or len(request.body or b"") > MAX_BODY:
        raise RequestError(413, f"the body is too large: at most {MAX_BODY} bytes")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise RequestError(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise RequestError(400, "the body must be a JSON object")
    return body


def clean_text(value: Any, field: str = "message", limit: int = MAX_MESSAGE) -> str:
    """A non-empty text without NUL, other control characters or lone surrogates (which no store can keep)."""
    if not isinstance(value, str) or not value.strip():
        raise RequestError(400, f"{field} must be a non-empty text")
    if len(value) > limit:
        raise RequestError(413, f"{field} is too long: at most {limit} characters")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise RequestError(400, f"{field} holds a broken character (a lone UTF-16 surrogate)")
    if any(unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS for char in value):
        raise RequestError(400, f"{field} holds a control character (such as NUL)")
    return value


def unavailable(text: str, language: str | None) -> dict[str, Any]:
    """The answer when the assistant could not answer at all: 112 first, then 116117, in the person's language."""
    chosen = choose_language(None, text, metadata=language)
    return {"text": catalogue.text("assistant_unavailable", chosen)}
