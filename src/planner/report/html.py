"""Self-contained HTML reports: a `Page` with a title, summary cards and sections, each holding
a chart and/or a sortable table. One file, opened from disk with no network: the charting
library (plotly.js) is embedded once per page, the table sorting script and the styles inline.

Generic on purpose: the evaluation report uses it, and so can plan and what-if reports. Text
comes from the caller already in the report language; the page's own labels come from
`locales/<lang>.json` (keys `html.*`), numbers and dates from `planner.i18n` (Babel).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planner.i18n import format_date, format_number, format_vnd, t
from planner.io.atomic import write_atomic
from planner.report.tabular import Column, Sheet

if TYPE_CHECKING:
    import plotly.graph_objects as go

Tone = Literal["neutral", "good", "warn", "bad"]
_NUMERIC = frozenset({"int", "vnd", "float", "pct"})


@dataclass(frozen=True)
class Card:
    """One summary figure at the top of the page."""

    label: str
    value: str
    note: str = ""
    tone: Tone = "neutral"


@dataclass(frozen=True)
class Section:
    title: str
    intro: str = ""
    figure: go.Figure | None = None
    table: Sheet | None = None
    note: str = ""


@dataclass(frozen=True)
class Page:
    title: str
    lang: str = "vi"
    subtitle: str = ""
    cards: Sequence[Card] = ()
    sections: Sequence[Section] = ()
    notes: Sequence[str] = field(default_factory=tuple)
    # Shown in a banner above everything (e.g. the solver stopped far from its bound).
    warnings: Sequence[str] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Cell formatting: what a reader sees, and the raw key the sorting script compares


def format_cell(value: Any, column: Column, lang: str) -> tuple[str, str]:
    """(display text, sort key) of one table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, bool):
        return t(lang, "yes") if value else t(lang, "no"), str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return format_date(value, lang), value.isoformat()
    if column.kind == "year" and isinstance(value, (int, str)):
        return str(value), str(value)  # a year is a name, not an amount: never "2.026"
    if isinstance(value, (int, float)):
        if column.kind == "pct":
            return format_number(100 * float(value), lang, 1) + "%", repr(float(value))
        if column.kind == "vnd":
            return format_vnd(int(value), lang), repr(value)
        if column.kind == "float" or isinstance(value, float):
            return format_number(float(value), lang, 1), repr(float(value))
        return format_number(value, lang), repr(value)
    if column.kind in _NUMERIC:
        return str(value), ""  # words in a number column ("no data") sort after the numbers
    return str(value), str(value)


def _table_context(sheet: Sheet, lang: str) -> dict[str, Any]:
    numeric = _NUMERIC

    def cells(rows: Sequence[Sequence[Any]]) -> list[list[dict[str, Any]]]:
        return [
            [
                dict(
                    zip(("text", "key"), format_cell(v, c, lang), strict=True),
                    numeric=c.kind in numeric,
                )
                for v, c in zip(row, sheet.columns, strict=True)
            ]
            for row in rows
        ]

    return {
        "title": sheet.title,
        "headers": [{"text": c.header, "numeric": c.kind in numeric} for c in sheet.columns],
        "rows": cells(sheet.rows),
        "footer": cells(sheet.footer),
        "warnings": list(sheet.warnings),
        "notes": list(sheet.notes),
        # wide tables print in a smaller type so that every column fits the A4 width
        "wide": len(sheet.columns) > 8,
    }


# ---------------------------------------------------------------------------------------------
# Charts


# Page default margins; a figure's own margins win (e.g. room for long category labels).
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped in the plotly package (no CDN: reports open offline)."""
    from plotly.offline import get_plotlyjs

    # A literal "</script>" inside the bundle would end the inline script early.
    return get_plotlyjs().replace("</script>", "<\\/script>")


def figure_html(figure: go.Figure, div_id: str, lang: str) -> str:
    import plotly.io as pio

    figure = type(figure)(figure)  # a copy: page defaults must not change the caller's figure
    figure.update_layout(
        separators=t(lang, "number.decimal") + t(lang, "number.group"),
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"},
        template="plotly_white",
    )
    margin = figure.layout.margin
    figure.update_layout(
        margin={
            side: getattr(margin, side) if getattr(margin, side) is not None else default
            for side, default in _MARGIN.items()
        }
    )
    # Plotly serialises with orjson when it happens to be installed and with the standard
    # library otherwise; pin the engine so a report is byte-identical on every machine.
    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"
    try:
        return pio.to_html(
            figure,
            include_plotlyjs=False,
            full_html=False,
            div_id=div_id,
            config={
                "displaylogo": False,
                "responsive": True,
                "locale": lang,
                "modeBarButtonsToRemove": ["sendDataToCloud"],
            },
        )
    finally:
        pio.json.config.default_engine = engine


# ---------------------------------------------------------------------------------------------
# Page


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("planner.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(page: Page) -> str:
    """The page as one self-contained HTML document."""
    lang = page.lang
    sections = []
    for index, section in enumerate(page.sections, start=1):
        sections.append(
            {
                "id": f"section-{index}",
                "title": section.title,
                "intro": section.intro,
                "note": section.note,
                "chart": figure_html(section.figure, f"chart-{index}", lang)
                if section.figure
                else None,
                "table": _table_context(section.table, lang) if section.table else None,
            }
        )
    labels = {key: t(lang, f"html.{key}") for key in ("contents", "sort_hint", "no_rows", "print")}
    template = _environment().get_template("page.html.j2")
    return template.render(
        page=page,
        lang=lang,
        sections=sections,
        labels=labels,
        plotly_js=plotly_js(),
        has_charts=any(s["chart"] for s in sections),
    )


def write_page(path: Path, page: Page) -> None:
    write_atomic(path, render_page(page))


__all__ = [
    "Card",
    "Page",
    "Section",
    "figure_html",
    "format_cell",
    "format_number",
    "render_page",
    "write_page",
]
