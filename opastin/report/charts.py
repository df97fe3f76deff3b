"""Bar charts as inline SVG (matplotlib, Agg, no JavaScript), each named by <title> and <desc> for screen readers.

A bar whose count is hidden ("< 5", or "≥ 5" where the total would give a hidden one away) is drawn at zero
height and labelled as the table shows it: its height would tell the count.
"""

from __future__ import annotations

import io
import re
import warnings
from html import escape

# matplotlib 3.5 (pinned by Rasa) calls pyparsing's old names: noise on every run, nothing to act on.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from opastin.report.month import is_exact  # noqa: E402

BAR = "#1f4e79"  # dark blue: 8.6:1 on white
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "opastin", "font.size": 10})


def bar_chart(
    chart_id: str, title: str, description: str, labels: list[str], counts: list[str], *, vertical: bool = False
) -> str:
    """An SVG bar chart of counts as shown; horizontal bars suit long labels, vertical ones a month's days."""
    heights = [int(count) if is_exact(count) else 0 for count in counts]
    if vertical:
        figure, axes = plt.subplots(figsize=(9, 3))
        axes.bar(range(len(labels)), heights, color=BAR)
        axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    else:
        figure, axes = plt.subplots(figsize=(8, 0.45 * len(labels) + 0.8))
        positions = range(len(labels))[::-1]
        axes.barh(list(positions), heights, color=BAR)
        axes.set_yticks(list(positions), labels)
        top = max(heights, default=0) or 1
        for position, count in zip(positions, counts, strict=True):
            axes.text(max(heights[len(labels) - 1 - position], 0) + top * 0.01, position, count, va="center")
        axes.set_xlim(0, top * 1.15)
    (axes.yaxis if vertical else axes.xaxis).set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    return _accessible(buffer.getvalue(), chart_id, title, description)


def _accessible(svg: str, chart_id: str, title: str, description: str) -> str:
    """The SVG element alone, its ids made unique in the page, named by a <title> and a <desc>."""
    svg = svg[svg.index("<svg") :].replace("'sans-serif'", "sans-serif")  # quoted, it is no generic family
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', svg)
    svg = re.sub(r"#([A-Za-z_][\w.-]*)\)", rf"#{chart_id}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', svg)
    opening_end = svg.index(">") + 1
    attributes = re.sub(r'\s(width|height)="[^"]*"', "", svg[len("<svg") : opening_end - 1])  # scales with the page
    return (
        f'<svg role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"'
        f' focusable="false"{attributes}>'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + svg[opening_end:]
    )
