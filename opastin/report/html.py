"""The monthly report as one self-contained HTML file (inline SVG charts, inline CSS, no JavaScript) and CSV files.

Every chart has a text summary and a table of the same numbers beside it, so that a screen reader, a
printout and a reader who skips charts all get the whole report. Counts under 5 read "< 5" everywhere.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import yaml

from opastin import places
from opastin.report.clusters import Cluster
from opastin.report.month import SMALL, MonthFigures, is_exact, shown, shown_part

TEXTS_FILE = Path(__file__).resolve().parents[2] / "texts" / "report.yml"
THEMES_FILE = Path(__file__).resolve().parents[2] / "texts" / "wellbeing_themes.yml"
LANGUAGES = ("fi", "sv", "en")
SECTIONS = ("by_topic", "by_role", "by_outcome", "by_channel", "by_language", "by_municipality", "survey_not_now")
STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.8rem;margin-bottom:0}.subtitle{font-size:1.3rem;margin-top:.2rem}
.keys{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.8rem;padding:0;list-style:none}
.keys li{border:1px solid #767676;border-radius:.4rem;padding:.6rem}.keys strong{display:block;font-size:1.6rem}
section{margin-top:2rem;break-inside:avoid}table{border-collapse:collapse;margin-top:.5rem}
th,td{border:1px solid #767676;padding:.2rem .6rem;text-align:left}td.n{text-align:right}
svg{max-width:100%;height:auto}.note{color:#333}
"""


@cache
def texts() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def text(key: str, language: str, **values: Any) -> str:
    return str(texts()[key][language]).format(**values)


@cache
def theme_names() -> dict[str, dict[str, str]]:
    themes = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))["themes"]
    return {theme["key"]: theme["names"] for theme in themes}


def label(table: str, value: str, language: str) -> str:
    """A category as the board reads it: a municipality's name, a theme's name, a day, a rating or a label."""
    if table == "by_municipality" and value != "unknown":
        found = places.by_code(value)
        return found.name(language) if found else value
    if table == "survey_not_now":
        return theme_names().get(value, {}).get(language, value)
    if table == "by_day":
        day = date.fromisoformat(value)
        return f"{day.day}.{day.month}." if language != "en" else f"{day.day}/{day.month}"
    if table == "preparation_rating":
        return f"{value}/5"
    return str(texts()["labels"].get(value, {}).get(language, value))


def decimal(value: float, language: str) -> str:
    """7.5 as Finnish and Swedish write it (7,5), or as English does."""
    return f"{value:.1f}" if language == "en" else f"{value:.1f}".replace(".", ",")


def month_name(month: str, language: str) -> str:
    year, number = month.split("-")
    return f"{texts()['months'][language][int(number) - 1]} {year}"


def county_name(county: str, language: str) -> str:
    return str(texts()["counties"].get(county, {}).get(language, county))


def summary_of(table: str, rows: list[tuple[str, str]], language: str) -> str:
    """One or two plain sentences on what the chart shows; only exact counts (5 or more) are named, since naming
    the larger of two hidden counts would tell them apart."""
    ranked = sorted((row for row in rows if is_exact(row[1]) and int(row[1]) > 0), key=lambda row: -int(row[1]))
    if not ranked:
        return text("all_small" if any(shown != "0" for _, shown in rows) else "nothing", language)
    first = ranked[0]
    if table == "by_day":
        return text("busiest", language, day=label(table, first[0], language), count=first[1])
    sentence = text("most", language, first=label(table, first[0], language), count=first[1])
    if len(ranked) > 1:
        second = ranked[1]
        sentence += " " + text("second", language, second=label(table, second[0], language), count=second[1])
    return sentence


def render(figures: MonthFigures, clusters: list[Cluster], language: str = "fi", today: date | None = None) -> str:
    """The report's HTML in the language (fi by default: the board reads Finnish)."""
    outcomes = dict(figures.displayed("by_outcome"))
    place, when = county_name(figures.county, language), month_name(figures.month, language)
    intro = text(
        "intro",
        language,
        contacts=shown(figures.contacts),
        bot=outcomes.get("bot", "0"),
        person=outcomes.get("person", "0"),
        callbacks=outcomes.get("callback", "0"),
    )
    notes = f"{text('small_note', language)} {text('contact_note', language)}"
    parts = [
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(text('title', language))}: {escape(place)}, {escape(when)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(text('title', language))}</h1>",
        f'<p class="subtitle">{escape(text("subtitle", language, county=place, month=when))}</p>',
        f'<section aria-labelledby="summary"><h2 id="summary">{escape(text("summary", language))}</h2>',
        f"<p>{escape(intro)}</p>",
        _key_figures(figures, language),
        f'<p class="note">{escape(notes)}</p></section>',
    ]
    parts.append(_chart_section(figures, "by_day", language, vertical=True))
    parts += [_chart_section(figures, key, language) for key in SECTIONS if key in figures.tables]
    parts.append(_live_chat_section(figures, language))
    parts.append(_feedback_section(figures, language))
    parts.append(_clusters_section(clusters, language))
    made = text("made", language, date=(today or date.today()).isoformat())
    parts.append(f'<p class="note">{escape(text("files", language))} {escape(made)}</p>')
    parts.append("</main></body></html>")
    return "\n".join(parts)


def key_figures(figures: MonthFigures, language: str) -> list[tuple[str, str]]:
    """The month in brief as (name, value) pairs: the report's first page and the console's view."""
    outcomes = dict(figures.displayed("by_outcome"))
    wait = figures.median_wait()
    percent = figures.not_understood_percent()
    feedback = dict(figures.displayed("feedback"))
    understood = shown(figures.not_understood) + (f" ({decimal(percent, language)} %)" if percent is not None else "")
    items = [
        ("key_contacts", shown(figures.contacts)),
        ("key_bot", outcomes.get("bot", "0")),
        ("key_person", outcomes.get("person", "0")),
        ("key_callbacks", outcomes.get("callback", "0")),  # of the contacts, as the sentence above counts them
        ("key_not_understood", understood),
        (
            "key_wait",
            text("minutes", language, value=decimal(wait, language))
            if wait is not None
            else text("not_shown", language),
        ),
        ("key_feedback", f"{feedback.get('up', '0')} / {feedback.get('down', '0')}"),
    ]
    return [(text(key, language), value) for key, value in items]


def _key_figures(figures: MonthFigures, language: str) -> str:
    cells = "".join(
        f"<li>{escape(name)}<strong>{escape(value)}</strong></li>" for name, value in key_figures(figures, language)
    )
    return f'<ul class="keys">{cells}</ul>'


def labelled_tables(figures: MonthFigures, language: str) -> list[dict[str, Any]]:
    """Each table with its title and its rows as (label, count as shown): the console's view of the figures."""
    return [
        {
            "key": key,
            "title": text(key, language),
            "headings": [
                text("table_day" if key == "by_day" else "table_category", language),
                text("table_count", language),
            ],
            "summary": summary_of(key, figures.displayed(key), language),
            "rows": [[label(key, value, language), count] for value, count in figures.displayed(key)],
        }
        for key in ("by_day", *SECTIONS, "preparation_rating", "feedback")
        if key in figures.tables
    ]


def _chart_section(figures: MonthFigures, key: str, language: str, vertical: bool = False) -> str:
    from opastin.report.charts import bar_chart  # here: the console's view (in the Rasa server) needs no matplotlib

    rows = figures.displayed(key)
    title = text(key, language)
    summary = summary_of(key, rows, language)
    labels = [label(key, value, language) for value, _ in rows]
    drawable = any(is_exact(count) and count != "0" for _, count in rows)  # else an empty chart: the table says it
    chart = bar_chart(key, title, summary, labels, [count for _, count in rows], vertical=vertical) if drawable else ""
    heading = text("table_day" if key == "by_day" else "table_category", language)
    body = "".join(
        f'<tr><th scope="row">{escape(name)}</th><td class="n">{escape(count)}</td></tr>'
        for name, (_, count) in zip(labels, rows, strict=True)
    )
    table = (
        f'<table><caption>{escape(title)}</caption><thead><tr><th scope="col">{escape(heading)}</th>'
        f'<th scope="col">{escape(text("table_count", language))}</th></tr></thead><tbody>{body}</tbody></table>'
    )
    return (
        f'<section aria-labelledby="{key}-h"><h2 id="{key}-h">{escape(title)}</h2><p>{escape(summary)}</p>'
        f"{chart}{table if rows else ''}</section>"
    )


def _live_chat_section(figures: MonthFigures, language: str) -> str:
    wait = figures.median_wait()
    sentence = text(
        "live_chat_text",
        language,
        live=shown(figures.live_chats),
        taken=shown_part(figures.live_chats_taken, figures.live_chats),
        wait=text("minutes", language, value=decimal(wait, language))
        if wait is not None
        else text("not_shown", language),
        callbacks=shown(figures.callbacks),
        done=shown_part(figures.callbacks_done, figures.callbacks),
    )
    heading = text("live_chat", language)
    return (
        f'<section aria-labelledby="live-h"><h2 id="live-h">{escape(heading)}</h2><p>{escape(sentence)}</p></section>'
        + _chart_section(figures, "preparation_rating", language)
    )


def _feedback_section(figures: MonthFigures, language: str) -> str:
    comments = figures.feedback_comments
    listed = "".join(f"<li>{escape(comment)}</li>" for comment in comments)
    heading = text("comments", language)
    return _chart_section(figures, "feedback", language) + (
        f'<section aria-labelledby="comments-h"><h2 id="comments-h">{escape(heading)}</h2>'
        + (f"<ul>{listed}</ul>" if comments else f"<p>{escape(text('no_comments', language))}</p>")
        + "</section>"
    )


def _clusters_section(clusters: list[Cluster], language: str) -> str:
    items = "".join(
        f"<li>{escape(text('cluster', language, count=cluster.size, written_in=label('', cluster.language, language)))}"
        f"<ul>{''.join(f'<li>{escape(example)}</li>' for example in cluster.examples)}</ul></li>"
        for cluster in clusters
        if cluster.size >= SMALL
    )
    heading = text("unanswered", language)
    return (
        f'<section aria-labelledby="unanswered-h"><h2 id="unanswered-h">{escape(heading)}</h2>'
        f"<p>{escape(text('unanswered_text', language))}</p>"
        + (f"<ol>{items}</ol>" if items else f"<p>{escape(text('no_clusters', language))}</p>")
        + "</section>"
    )


def write_csv(figures: MonthFigures, folder: Path, language: str = "fi") -> list[Path]:
    """One CSV per table (category, count as shown), plus the key figures; UTF-8 with BOM for spreadsheets."""
    written = []
    for key in figures.tables:
        path = folder / f"{key}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(
                [text("table_day" if key == "by_day" else "table_category", language), text("table_count", language)]
            )
            writer.writerows([label(key, value, language), count] for value, count in figures.displayed(key))
        written.append(path)
    path = folder / "summary.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        for name, value in figures.as_json().items():
            if name != "tables":
                writer.writerow([name, "" if value is None else value])
    written.append(path)
    return written
