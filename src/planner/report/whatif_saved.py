"""A saved What-if JSON rendered again (`planner report whatif.json`): the variants side by
side, their budget use and the marginal value of money, from the JSON alone (it carries every
figure; nothing is solved or reloaded). Text in the JSON (changes, labels) is in the language it
was saved in; headers are in the report language.
"""

from __future__ import annotations

from typing import Any

from planner.i18n import t
from planner.report.html import Page, Section
from planner.report.plan_report import KINDS, funding_label
from planner.report.tabular import Column, Sheet


def _variants(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [data["baseline"], *data.get("variants", []), *data.get("probes", [])]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def comparison_sheet(data: dict[str, Any], lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.saved.variant"), width=30),
        Column(t(lang, "report.saved.changes"), width=50),
        Column(t(lang, "report.plan.status")),
        Column(t(lang, "report.saved.gap"), "pct"),
        Column(t(lang, "report.col.needs"), "int"),
        Column(t(lang, "report.col.met"), "int"),
        Column(t(lang, "report.col.met_pct"), "pct"),
        *[Column(t(lang, "report.col.met_kind", kind=t(lang, f"kind.{k}"))) for k in KINDS],
        Column(t(lang, "report.saved.leaders")),
        Column(t(lang, "report.col.budget"), "vnd"),
        Column(t(lang, "report.plan.cost"), "vnd"),
    ]
    rows = []
    for v in _variants(data):
        needs = v.get("needs", {})
        everything = needs.get("all", {"met": 0, "total": 0})
        leaders = v.get("leaders_term", {"met": 0, "total": 0})
        rows.append(
            [
                v["name"],
                v.get("changes", ""),
                t(lang, f"plan.status.{v['status']}"),
                v.get("gap"),
                everything["total"],
                everything["met"],
                _share(everything["met"], everything["total"]),
                *[f"{needs[k]['met']}/{needs[k]['total']}" if k in needs else "" for k in KINDS],
                f"{leaders['met']}/{leaders['total']}",
                v.get("budget_total", 0),
                v.get("cost_total", 0),
            ]
        )
    return Sheet(t(lang, "report.saved.sheet.variants"), columns, rows)


def budget_sheet(data: dict[str, Any], lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.saved.variant"), width=30),
        Column(t(lang, "plan.table.year"), "year"),
        Column(t(lang, "plan.table.source"), width=28),
        Column(t(lang, "report.col.budget"), "vnd"),
        Column(t(lang, "report.col.used"), "vnd"),
        Column(t(lang, "report.col.left"), "vnd"),
    ]
    rows = [
        [v["name"], b["year"], funding_label(b["source"], lang), b["budget"], b["spent"], b["left"]]
        for v in _variants(data)
        for b in v.get("budget", [])
    ]
    return Sheet(t(lang, "report.plan.sheet.budget"), columns, rows)


def marginal_sheet(data: dict[str, Any], lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.saved.variant"), width=40),
        Column(t(lang, "report.saved.added"), "vnd"),
        Column(t(lang, "report.saved.points"), "int"),
        Column(t(lang, "report.col.needs"), "int"),
        Column(t(lang, "report.saved.per_million"), "float"),
    ]
    rows = [
        [m["label"], m["added_vnd"], m["points"], m["needs"], m["points_per_million"]]
        for m in data.get("marginal", [])
    ]
    return Sheet(t(lang, "report.saved.sheet.marginal"), columns, rows)


def saved_whatif_sheets(data: dict[str, Any], lang: str) -> list[Sheet]:
    sheets = [comparison_sheet(data, lang), budget_sheet(data, lang)]
    marginal = marginal_sheet(data, lang)
    return sheets + ([marginal] if marginal.rows else [])


def saved_whatif_page(data: dict[str, Any], lang: str) -> Page:
    return Page(
        title=t(lang, "report.saved.title", name=data.get("name", "")),
        lang=lang,
        subtitle=", ".join(str(y) for y in data.get("years", [])),
        sections=[Section(s.title, table=s) for s in saved_whatif_sheets(data, lang)],
    )


__all__ = ["saved_whatif_page", "saved_whatif_sheets"]
