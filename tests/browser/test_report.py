"""The monthly report in a real browser, as a board member opens it: readable without JavaScript, no axe violations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from opastin.report.clusters import clusters
from opastin.report.html import render
from opastin.report.month import month_figures, unanswered_texts
from tests.browser.test_webchat import audit
from tests.report_month import MONTH
from tests.test_report import collect_november, seeded


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded November's report in Finnish, as `make report` writes it."""
    folder = tmp_path_factory.mktemp("report")
    stores = seeded(*(f"sqlite:///{folder / name}.db" for name in ("tracker", "handoff", "reporting")))
    collect_november(stores)
    found = month_figures("paijat-hame", MONTH, reporting=stores.reporting, handoff=stores.handoff)
    page = folder / "report.html"
    texts = unanswered_texts("paijat-hame", MONTH, reporting=stores.reporting)
    page.write_text(render(found, clusters(texts), "fi", today=date(2026, 12, 5)), encoding="utf-8")
    return page


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_the_report_has_no_axe_violations(browser, report_file: Path, artifacts: Path, width: int, name: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(report_file.as_uri())
        expect(page.get_by_role("heading", name="Kuukausi lyhyesti")).to_be_visible()
        page.screenshot(path=str(artifacts / f"report-first-page-{name}.png"))
        page.screenshot(path=str(artifacts / f"report-whole-{name}.png"), full_page=True)
        violations = audit(page)["violations"]
        assert [(v["id"], len(v["nodes"])) for v in violations] == []
    finally:
        context.close()


def test_the_report_reads_without_javascript_with_every_chart_named_and_tabled(browser, report_file: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(report_file.as_uri())
        expect(page.get_by_text("Opastimeen otettiin yhteyttä 30 kertaa.")).to_be_visible()
        charts = page.get_by_role("img")
        assert charts.count() == 9  # by day, 7 tables and feedback; the staff ratings are all under 5: a table alone
        expect(charts.first).to_have_accessible_name("Yhteydenotot päivittäin")
        expect(charts.first).to_have_accessible_description("Vilkkain päivä oli 3.11. (12 yhteydenottoa).")
        assert page.locator("table").count() == charts.count() + 1
        expect(page.get_by_role("row", name="Tekstiviesti < 5")).to_be_visible()
        expect(page.get_by_text("7 viestiä (Suomi), esimerkiksi:")).to_be_visible()
    finally:
        context.close()
