"""The web chat's and the console's scripts, assembled when served: source parts and texts/ui.yml in one file.

A translator edits every text of both interfaces in texts/ui.yml, and a county still embeds one script tag
(opastin.js) with no build step: the server joins the parts, in the order declared here, inside one function
that starts with the texts as `var TEXTS = {...};`. A bundle is built once per process (a restart shows edits).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
UI_TEXTS = ROOT / "texts" / "ui.yml"
LANGUAGES = ("fi", "sv", "en")
# Escaped in the texts' JSON: nothing in a text can end a <script> element or (U+2028/9, in older engines)
# a JavaScript string, even if the script is one day inlined in a page.
UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@dataclass(frozen=True)
class Bundle:
    """One served script: its name in the URL, its section of texts/ui.yml and its parts in running order."""

    name: str
    section: str
    parts: tuple[Path, ...]


def _parts(folder: Path, *names: str) -> tuple[Path, ...]:
    return tuple(folder / name for name in names)


# embed.js first (it reads document.currentScript, set only during the first run), start.js last (it starts
# the widget, which needs every variable of the parts before it).
WEBCHAT = Bundle(
    "opastin.js",
    "webchat",
    _parts(
        ROOT / "webchat" / "src",
        "embed.js",
        "storage.js",
        "render.js",
        "widget.js",
        "messages.js",
        "session.js",
        "stream.js",
        "feedback.js",
        "start.js",
    ),
)
CONSOLE = Bundle("console.js", "console", _parts(ROOT / "console" / "src", "console.js"))


def ui_texts(section: str, path: Path = UI_TEXTS) -> dict[str, dict[str, str]]:
    """A section of texts/ui.yml by language, {"fi": {key: text}, ...}: the shape the scripts look texts up in.

    A key without a text in every language is an error here, so that the server does not start rather than
    show "undefined" in a chat.
    """
    table = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section)
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{path}: no section {section!r}")
    by_language: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    for key, texts in table.items():
        for language in LANGUAGES:
            text = texts.get(language) if isinstance(texts, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f'{path}: {section}.{key} has no {language} text (quote texts such as "Yes")')
            by_language[language][str(key)] = text
    return by_language


def js_value(value: object) -> str:
    """JSON as a JavaScript literal, with the characters of UNSAFE escaped (the value stays the same)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.translate(UNSAFE)


@cache
def assemble(bundle: Bundle) -> bytes:
    """The script as served: a banner, then one function with TEXTS and every part, each under its name."""
    chunks = [
        "/* Assembled by the Opastin server (opastin/channels/assets.py) from texts/ui.yml and the parts below. */",
        "(function () {",
        '  "use strict";',
        "",
        f"  var TEXTS = {js_value(ui_texts(bundle.section))};".replace("\n", "\n  "),
    ]
    for part in bundle.parts:
        chunks += ["", f"  // ---- {part.relative_to(ROOT).as_posix()}", part.read_text(encoding="utf-8").rstrip()]
    chunks.append("})();\n")
    return "\n".join(chunks).encode("utf-8")
