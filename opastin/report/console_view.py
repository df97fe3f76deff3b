"""The console's "Figures" view: the agent's own county's month, every count already shown as the report shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opastin.opening_hours import FINLAND
from opastin.report.html import LANGUAGES, county_name, key_figures, labelled_tables, month_name, text
from opastin.report.month import month_figures


def this_month() -> str:
    return datetime.now(FINLAND).strftime("%Y-%m")


def figures_view(
    county: str, month: str | None, language: str | None, *, reporting: str | None = None, handoff: str | None = None
) -> dict[str, Any]:
    """The JSON the console shows; a ValueError (a bad month) for a 400. No small count leaves as such."""
    language = language if language in LANGUAGES else "fi"
    month = month or this_month()
    found = month_figures(county, month, reporting=reporting, handoff=handoff)
    return {
        "county": county,
        "month": month,
        "heading": text("subtitle", language, county=county_name(county, language), month=month_name(month, language)),
        "note": text("small_note", language),
        "key_figures": [[name, value] for name, value in key_figures(found, language)],
        "tables": labelled_tables(found, language),
    }
