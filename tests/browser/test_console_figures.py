"""The console's Figures view in a real browser: an agent picks a month and reads their county's tables; axe finds
nothing. The console runs on an in-process Sanic server (tests/sanic_server.py): no model is needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sanic import Sanic

from opastin import setup_databases
from opastin.channels.console import ConsoleInput
from opastin.channels.hub import Hub
from opastin.handoff import agents
from opastin.handoff.queue import HandoffStore
from tests.browser.test_webchat import audit
from tests.report_month import seed_answers_and_feedback, seed_conversations, seed_handoffs
from tests.sanic_server import serving
from tests.test_report import Stores, collect_november

PASSWORD = "pitkä-ja-hyvä-salasana"


@pytest.fixture
def console_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    stores = Stores(*(f"sqlite:///{tmp_path / name}.db" for name in ("tracker", "handoff", "reporting")))
    setup_databases.create_all(handoff=stores.handoff, reporting=stores.reporting, tracker=stores.tracker)
    store = HandoffStore(stores.handoff)
    agents.add_agent(store, "anna", PASSWORD, "paijat-hame", "Anna")
    seed_conversations(stores.tracker)
    seed_handoffs(store)
    seed_answers_and_feedback(stores.reporting)
    collect_november(stores)
    policy = agents.LoginPolicy(first_delay=0.0, max_delay=0.0)
    with serving(ConsoleInput(Hub(), store, policy=policy, reporting=stores.reporting)) as base:
        yield f"{base}/webhooks/console/"


def test_an_agent_reads_the_countys_month_in_the_console(page, console_url: str, artifacts: Path) -> None:
    page.goto(console_url)
    expect(page.get_by_role("heading", name="Luvut")).to_be_hidden()  # nothing of the desk before the login
    page.get_by_label("Käyttäjätunnus").fill("anna")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    page.get_by_label("Kuukausi").fill("2026-11")
    page.get_by_role("button", name="Näytä luvut").click()

    expect(page.get_by_role("heading", name="Päijät-Hämeen hyvinvointialue, marraskuu 2026")).to_be_visible()
    channels = page.get_by_role("table", name="Mitä kautta otettiin yhteyttä")
    expect(channels.get_by_role("row", name="Tekstiviesti < 5")).to_be_visible()
    page.get_by_label("Kieli").select_option("sv")  # the view follows the console's language
    expect(page.get_by_role("heading", name="Päijät-Häme välfärdsområde, november 2026")).to_be_visible()
    page.screenshot(path=str(artifacts / "console-figures.png"), full_page=True)
    violations = audit(page)["violations"]
    assert [(v["id"], len(v["nodes"])) for v in violations] == []
