"""The interfaces' texts live in texts/ui.yml only, and the scripts the server assembles from them work."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from opastin.channels.assets import CONSOLE, UI_TEXTS, WEBCHAT, Bundle, assemble, js_value, ui_texts
from opastin.channels.web import static_file
from opastin.handoff.callback_input import WINDOWS

LANGUAGES = {"fi", "sv", "en"}
BUNDLES = {"webchat": WEBCHAT, "console": CONSOLE}
LITERAL_KEY = re.compile(r"""\bt\(\s*(["'])([^"']+)\1\s*\)""")  # t("key") or t('key')
PREFIX_KEY = re.compile(r"""\bt\(\s*(["'])([\w]+\.)\1\s*\+""")  # t("roles." + value)


def _table() -> dict:
    return yaml.safe_load(UI_TEXTS.read_text(encoding="utf-8"))


def _source(bundle: Bundle) -> str:
    return "\n".join(part.read_text(encoding="utf-8") for part in bundle.parts)


def _roles() -> list[str]:
    domain = Path(__file__).parents[1] / "domain.yml"
    return yaml.safe_load(domain.read_text(encoding="utf-8"))["slots"]["role"]["values"]


def test_every_text_has_finnish_swedish_and_english() -> None:
    table = _table()
    assert set(table) == set(BUNDLES)
    for section, texts in table.items():
        assert texts, section
        for key, variants in texts.items():
            assert isinstance(variants, dict) and set(variants) == LANGUAGES, f"{section}.{key}"
            for language, text in variants.items():
                assert isinstance(text, str) and text.strip(), f"{section}.{key}.{language} (quote Yes/No)"


@pytest.mark.parametrize("section", sorted(BUNDLES))
def test_the_scripts_hold_no_text_table(section: str) -> None:
    source = _source(BUNDLES[section])
    assert not re.search(r"TEXTS\s*=\s*\{", source)
    assert "LANGUAGE_NAMES" not in source
    assert assemble(BUNDLES[section]).decode("utf-8").count("var TEXTS = {") == 1  # only the server's prelude


@pytest.mark.parametrize("section", sorted(BUNDLES))
def test_every_text_the_scripts_ask_for_exists(section: str) -> None:
    source, keys = _source(BUNDLES[section]), set(_table()[section])
    asked = {match[1] for match in LITERAL_KEY.findall(source)}
    assert len(asked) > 10, "the key pattern no longer finds the scripts' t() calls"
    assert asked - keys == set()
    for prefix in {match[1] for match in PREFIX_KEY.findall(source)}:
        assert any(key.startswith(prefix) for key in keys), prefix
    assert set(re.findall(r"TEXTS\[\w+(?:\.\w+)?\]\.(\w+)", source)) <= keys  # TEXTS[lang].languageName


def test_every_callback_window_and_role_has_a_console_text() -> None:
    keys = set(_table()["console"])
    assert {f"windows.{window}" for window in WINDOWS} <= keys
    assert {f"roles.{role}" for role in _roles()} <= keys


@pytest.mark.parametrize("section", sorted(BUNDLES))
def test_no_text_is_left_that_no_script_asks_for(section: str) -> None:
    source = _source(BUNDLES[section])
    for key in _table()[section]:
        prefix = key.split(".")[0] + "." if "." in key else None
        used = f'"{key}"' in source or f".{key})" in source or (prefix is not None and f'"{prefix}"' in source)
        assert used, f"{section}.{key} is in texts/ui.yml but no script shows it"


@pytest.mark.parametrize("bundle", [WEBCHAT, CONSOLE], ids=lambda b: b.name)
def test_the_assembled_script_parses_and_carries_the_texts(bundle: Bundle, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed to check the script's syntax")
    script = assemble(bundle).decode("utf-8")
    path = tmp_path / bundle.name
    path.write_text(script, encoding="utf-8")
    checked = subprocess.run([node, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    swedish = ui_texts(bundle.section)["sv"]
    assert json.dumps(swedish["title"], ensure_ascii=False) in script
    assert script.startswith("/*") and script.rstrip().endswith("})();")
    assert assemble(bundle) is assemble(bundle)  # built once per process


def test_the_widget_reads_its_script_tag_before_anything_else() -> None:
    script = assemble(WEBCHAT).decode("utf-8")
    assert script.index("var script = document.currentScript;") < script.index("\n  function ")  # first statement
    assert script.rstrip().endswith("start();\n  }\n})();")


def test_no_text_can_break_out_of_the_script(tmp_path: Path) -> None:
    evil = "</script><script>alert(1)</script>\u2028\u2029 & done"
    path = tmp_path / "ui.yml"
    path.write_text(yaml.safe_dump({"webchat": {"x": {"fi": evil, "sv": "s", "en": "e"}}}), encoding="utf-8")
    literal = js_value(ui_texts("webchat", path))
    assert "<" not in literal and "\u2028" not in literal and "\u2029" not in literal
    assert json.loads(literal)["fi"]["x"] == evil  # the person still sees the text as written


@pytest.mark.parametrize(
    "variants",
    [{"fi": "Kyllä", "en": "Yes"}, {"fi": "Kyllä", "sv": " ", "en": "Yes"}, {"fi": "Kyllä", "sv": False, "en": "Yes"}],
)
def test_a_text_missing_in_a_language_stops_the_server(variants: dict, tmp_path: Path) -> None:
    path = tmp_path / "ui.yml"
    path.write_text(yaml.safe_dump({"webchat": {"helpful": variants}}), encoding="utf-8")
    with pytest.raises(ValueError, match="helpful has no sv text"):
        ui_texts("webchat", path)


def test_the_served_script_is_the_assembled_one_with_the_same_headers() -> None:
    folder = WEBCHAT.parts[0].parents[1]
    served = static_file(folder, "opastin.js", {"X-Frame-Options": "DENY"}, {WEBCHAT.name: WEBCHAT})
    assert served.status == 200 and served.body == assemble(WEBCHAT)
    assert served.content_type == "text/javascript; charset=utf-8"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and served.headers["Cache-Control"] == "no-cache"
    assert "X-Frame-Options" not in served.headers  # page headers are for pages
    for name in ("embed.js", "src", "src/embed.js", "../texts/ui.yml"):
        assert static_file(folder, name, {}, {WEBCHAT.name: WEBCHAT}).status == 404, name
