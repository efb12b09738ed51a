"""Costs add up on every sheet and page, for every bundled example: the plan's total cost
(participants' costs plus the classes' fixed costs) is what the summary says, what the plan
sheet's rows and total rows add up to, what the per-class, per-unit and budget tables add up
to, and what the page, the terminal table and the signable PDF print."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner import pipeline
from planner.cli.report_cmd import _plan
from planner.i18n import format_number, format_vnd
from planner.optimise.solve import SolveConfig
from planner.report.pdf import chromium
from planner.report.plan import plan_from_dict, plan_json
from planner.report.plan_report import PlanReport
from planner.report.signable import Header

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = ("thoi-binh", "huong-khe", "danh-gia-2025")


@pytest.fixture(scope="module", params=NAMES)
def example(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The example planned (greedy: quick; the sums do not depend on the plan's quality),
    saved to JSON and read back as `planner report` reads it, rendered to every format."""
    prepared = pipeline.prepare(pipeline.load(EXAMPLES / request.param))
    planned = pipeline.plan(prepared, SolveConfig(engine="greedy"))
    data = json.loads(plan_json(planned, "vi", EXAMPLES / request.param))
    report = PlanReport.of(prepared.case, plan_from_dict(data), prepared.assessment, "vi")
    folder = tmp_path_factory.mktemp(request.param)
    outputs = {}
    for fmt in ("xlsx", "html", "table"):
        path = folder / f"plan.{'txt' if fmt == 'table' else fmt}"
        _plan(report, Header(), fmt, "vi", path)
        outputs[fmt] = path
    return data, report, outputs


def _money(text: str) -> int:
    return int(str(text).replace(" đ", "").replace(".", ""))


def _table(ws) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """(data rows, total rows) of a table sheet, as dicts by header."""
    from openpyxl.utils.cell import range_boundaries

    header = int(ws.freeze_panes[1:]) - 1
    rows = list(ws.iter_rows(values_only=True))
    last = range_boundaries(ws.auto_filter.ref)[3] if ws.auto_filter.ref else header
    names = rows[header - 1]
    return (
        [dict(zip(names, r, strict=True)) for r in rows[header:last]],
        [dict(zip(names, r, strict=True)) for r in rows[last:]],
    )


def test_the_plan_cost_is_participants_plus_classes(example) -> None:  # type: ignore[no-untyped-def]
    data, report, _ = example
    total = data["totals"]["cost_total"]
    assert sum(a["cost"] for a in data["assignments"]) == report.participant_cost
    assert report.participant_cost + report.class_cost_total == total
    # every running session has its line, and only those
    assert {c.session for c in report.class_costs} == set(data["totals"]["seats"])


def test_workbook_sums_equal_the_summary_on_every_sheet(example) -> None:  # type: ignore[no-untyped-def]
    data, report, outputs = example
    total = data["totals"]["cost_total"]
    book = openpyxl.load_workbook(outputs["xlsx"])
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    parts = [v for k, v in summary.items() if k.startswith(("Chi phí theo", "Chi phí tổ chức"))]
    assert _money(summary["Tổng chi phí"]) == total == sum(_money(p) for p in parts)
    # plan sheet: rows add up to the participants' line; the three total lines add up
    rows, footer = _table(book["Kế hoạch"])
    cost = "Chi phí (đồng)"
    assert sum(r[cost] for r in rows) == footer[0][cost] == report.participant_cost
    assert footer[0][cost] + footer[1][cost] == footer[2][cost] == total
    # per class: each line = participants + class; the total row = the plan's cost
    rows, footer = _table(book["Chi phí theo lớp"])
    for r in rows:
        assert (
            r["Chi phí học viên (đồng)"] + r["Chi phí tổ chức lớp (đồng)"] == r["Tổng cộng (đồng)"]
        )
    assert sum(r["Tổng cộng (đồng)"] for r in rows) == footer[0]["Tổng cộng (đồng)"] == total
    # per unit: the class costs shared by participants, to the đồng
    rows, footer = _table(book["Theo đơn vị"])
    assert sum(r["Tổng cộng (đồng)"] for r in rows) == footer[0]["Tổng cộng (đồng)"] == total
    shares = sum(r["Phần chi phí tổ chức lớp (đồng)"] for r in rows)
    assert shares == report.class_cost_total
    # budget: used per line adds up to the plan's cost
    rows, footer = _table(book["Kinh phí"])
    assert sum(r["Đã dùng"] for r in rows) == footer[0]["Đã dùng"] == total
    # the signable summary repeats the same total
    signable = [c for r in book["Trình ký"].iter_rows(values_only=True) for c in r if c]
    assert format_vnd(total, "vi") in signable


class _Tables(HTMLParser):
    """Each table of the page: its caption, headers, body rows and foot rows (sort keys)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._part = ""
        self._cell: list[str] | None = None
        self._key = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "body": [], "foot": []})
        elif tag in ("thead", "tbody", "tfoot", "caption"):
            self._part = tag
        elif tag == "tr" and self.tables and self._part in ("tbody", "tfoot"):
            self.tables[-1]["body" if self._part == "tbody" else "foot"].append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._key = dict(attrs).get("data-sort") or ""

    def handle_data(self, data: str) -> None:
        if self._part == "caption" and self.tables and not self.tables[-1]["caption"]:
            self.tables[-1]["caption"] = data.strip()
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            table = self.tables[-1]
            if tag == "th":
                table["head"].append(text)
            else:
                table["body" if self._part == "tbody" else "foot"][-1].append(self._key)
            self._cell = None
        elif tag == "caption":
            self._part = ""


def _column(table: dict[str, Any], header: str, part: str = "body") -> list[int]:
    i = table["head"].index(header)
    return [int(float(r[i])) for r in table[part] if r[i]]


def test_page_sums_equal_the_summary(example) -> None:  # type: ignore[no-untyped-def]
    data, report, outputs = example
    total = data["totals"]["cost_total"]
    html = outputs["html"].read_text(encoding="utf-8")
    parser = _Tables()
    parser.feed(html)
    tables = {t["caption"]: t for t in parser.tables}
    units = tables["Theo đơn vị"]
    assert sum(_column(units, "Tổng cộng (đồng)")) == total
    assert _column(units, "Tổng cộng (đồng)", "foot") == [total]
    classes = tables["Chi phí theo lớp"]
    assert sum(_column(classes, "Tổng cộng (đồng)")) == total
    assert _column(classes, "Tổng cộng (đồng)", "foot") == [total]
    plan = tables["Kế hoạch"]
    cost = _column(plan, "Chi phí (đồng)")
    assert sum(cost) == report.participant_cost
    assert _column(plan, "Chi phí (đồng)", "foot") == [
        report.participant_cost,
        report.class_cost_total,
        total,
    ]
    budget = tables["Kinh phí"]
    assert sum(_column(budget, "Đã dùng")) == total
    # the card shows the same total, in millions
    assert format_number(total / 1e6, "vi", 1) in html


def test_terminal_table_prints_the_same_total_on_every_table(example) -> None:  # type: ignore[no-untyped-def]
    data, _, outputs = example
    text = outputs["table"].read_text(encoding="utf-8")
    # summary, budget total, units total, classes total (wrapped cells may split a number:
    # compare without the table borders and spaces)
    flat = "".join(ch for ch in text if ch not in " │┃\n")
    assert flat.count(format_vnd(data["totals"]["cost_total"], "vi").replace(" ", "")) >= 4


@pytest.mark.skipif(
    chromium() is None or shutil.which("pdftotext") is None, reason="needs Chromium and poppler"
)
def test_signable_pdf_prints_the_same_totals(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, report, _ = example
    out = tmp_path / "summary.pdf"
    _plan(report, Header(), "pdf", "vi", out)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info, info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    for amount in (data["totals"]["cost_total"], report.participant_cost, report.class_cost_total):
        assert format_vnd(amount, "vi") in text


def test_signable_needs_by_kind_add_up_to_all_needs(example) -> None:  # type: ignore[no-untyped-def]
    """Every need kind has its row on the signable summary (the standards too), so the rows
    add up to the total the plan met and counted."""
    from planner.report.signable import summary_of

    data, report, _ = example
    summary = summary_of(report)
    *kinds, total = summary.kinds
    needs = data["totals"]["needs"]
    assert len(kinds) == len([k for k in needs if k != "all"])
    met = sum(_money(row[1]) for row in kinds)
    counted = sum(_money(row[2]) for row in kinds)
    assert (met, counted) == (needs["all"]["met"], needs["all"]["total"])
    assert (_money(total[1]), _money(total[2])) == (met, counted)
