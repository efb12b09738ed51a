"""Plan and assessment reports a planner hands on: the multi-sheet workbook (opened with openpyxl
and checked against the plan), the offline HTML pages (rendered in headless Chromium), the Plan
JSON against its published schema, golden summary text in Vietnamese and English, and atomic
writes.

Golden files live in tests/golden/; after a deliberate change of the text, regenerate them with
    PLANNER_UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py -k golden
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.assess.needs import assess_case
from planner.cli import cli
from planner.io.loading import load_case
from planner.optimise.solve import SolveConfig
from planner.report.html import write_page
from planner.report.plan_report import PlanReport, plan_page, summary_text, write_plan_xlsx
from test_html import _chromium, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "cases" / "mini"
GOLDEN = Path(__file__).parent / "golden"


def _plan(case_dir: Path = MINI, lang: str = "vi"):  # type: ignore[no-untyped-def]
    case = load_case(case_dir)
    plan = pipeline.plan(pipeline.prepare(case), SolveConfig(time_limit=5))
    return case, plan


@pytest.fixture(scope="module")
def mini_vi():  # type: ignore[no-untyped-def]
    return _plan(MINI, "vi")


def _sheet_dicts(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    """The data rows of a table sheet as dicts: the header is the row above the frozen pane
    (notes may stand above it), the data ends where the filter ends (total rows follow)."""
    from openpyxl.utils.cell import range_boundaries

    header = int(ws.freeze_panes[1:]) - 1
    rows = list(ws.iter_rows(values_only=True))
    last = range_boundaries(ws.auto_filter.ref)[3] if ws.auto_filter.ref else header
    return [dict(zip(rows[header - 1], row, strict=True)) for row in rows[header:last]]


def test_plan_workbook_has_every_sheet_formatted_and_matching_the_plan(tmp_path, mini_vi) -> None:
    case, plan = mini_vi
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(path, case, plan, assess_case(case), "vi")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Tổng hợp",
        "Trình ký",
        "Nhu cầu",
        "Kế hoạch",
        "Chi phí theo lớp",
        "Chưa đáp ứng",
        "Kinh phí",
        "Theo đơn vị",
        "Các lớp",
    ]
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        if ws.title == "Trình ký":
            assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToHeight == 1
            continue
        assert ws.page_setup.orientation == "landscape"
        header = int(ws.freeze_panes[1:]) - 1
        assert ws.cell(header, 1).font.bold
        assert ws.print_title_rows == f"${header}:${header}"
        if ws.max_row > header + 1 and ws.auto_filter.ref:
            assert ws.auto_filter.ref.startswith(f"A{header}:")
    # Plan: one row per assignment, with names, units, dates as dates and VND as numbers.
    rows = _sheet_dicts(book["Kế hoạch"])
    assert len(rows) == len(plan.assignments) > 0
    names = {o.id: o for o in case.officials}
    for row, a in zip(rows, plan.assignments, strict=True):
        assert row["Mã cán bộ"] == a.official_id
        assert row["Cán bộ"] == names[a.official_id].full_name
        assert row["Đơn vị"] == names[a.official_id].unit
        assert row["Lớp"] == a.session and row["Mã khóa học"] == a.course
        assert row["Chi phí (đồng)"] == a.cost
        assert row["Nguồn kinh phí"] == "Ngân sách tỉnh"
        assert isinstance(row["Bắt đầu"], dt.datetime)
        assert row["Bắt đầu"].date().isoformat() == a.start
    ws = book["Kế hoạch"]
    cost_col = [c.value for c in ws[1]].index("Chi phí (đồng)") + 1
    assert ws.cell(row=2, column=cost_col).number_format == "#,##0"
    # Needs: one row per assessed need, each with its reason and reference; met ones say so.
    needs = _sheet_dicts(book["Nhu cầu"])
    assert len(needs) == plan.totals["needs"]["all"]["total"]
    assert all(n["Lý do"] and n["Căn cứ"] for n in needs)
    assert (
        sum(n["Trong kế hoạch"] == "Đã đáp ứng" for n in needs)
        == plan.totals["needs"]["all"]["met"]
    )
    # Unmet needs with cause and detail.
    unmet = _sheet_dicts(book["Chưa đáp ứng"])
    assert [(u["Mã cán bộ"], u["Mã nhu cầu"]) for u in unmet] == [
        (u.official_id, u.need) for u in plan.unmet
    ]
    assert all(u["Nguyên nhân"] and u["Chi tiết"] for u in unmet)
    # Budget: used per year and source equals the plan's totals, and left = budget − used.
    budget = _sheet_dicts(book["Kinh phí"])
    line = next(b for b in budget if b["Năm"] == "2026" and b["Nguồn kinh phí"] == "Ngân sách tỉnh")
    assert line["Đã dùng"] == plan.totals["cost"]["2026"]["ngan_sach_tinh"]
    assert line["Kinh phí (đồng)"] == 50_000_000 and line["Còn lại"] == 50_000_000 - line["Đã dùng"]
    # Per unit: needs met / total add up to the plan's totals.
    units = _sheet_dicts(book["Theo đơn vị"])
    assert {u["Đơn vị"] for u in units} == {"Xã A", "Xã B"}
    assert sum(u["Đã đáp ứng"] for u in units) == plan.totals["needs"]["all"]["met"]
    assert sum(u["Chi phí học viên (đồng)"] for u in units) == sum(a.cost for a in plan.assignments)
    assert sum(u["Tổng cộng (đồng)"] for u in units) == plan.totals["cost_total"]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path) -> None:
    case_dir = tmp_path / "case"
    shutil.copytree(MINI, case_dir)
    officials = case_dir / "officials.csv"
    text = officials.read_text(encoding="utf-8")
    text = text.replace("Nguyễn Văn An", "=1+2")
    text = (
        text.replace("Xã A", "+Xã A")
        .replace("Trần Thị Bình", "@Bình")
        .replace("Lê Văn Cường", "-Cường")
    )
    officials.write_text(text, encoding="utf-8")
    case, plan = _plan(case_dir)
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(path, case, plan, assess_case(case), "vi")
    book = openpyxl.load_workbook(path)
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@" and cell.row > 1:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value[:1])
    assert {"=", "+", "@"} <= seen


def test_plan_json_validates_against_the_published_schema(tmp_path) -> None:
    runner = CliRunner()
    schema = json.loads(runner.invoke(cli, ["schema", "plan"]).output)
    out = tmp_path / "plan.json"
    result = runner.invoke(cli, ["plan", str(MINI), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    broken = dict(data, status="done")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_golden_plan_summary(lang: str) -> None:
    case, plan = _plan(MINI, lang)
    text = summary_text(PlanReport.of(case, plan, assess_case(case), lang))
    path = GOLDEN / f"plan_summary.{lang}.txt"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_vietnamese_report_uses_vietnamese_numbers_and_dates(mini_vi) -> None:
    case, plan = mini_vi
    text = summary_text(PlanReport.of(case, plan, assess_case(case), "vi"))
    assert "15/01/2026" in text and "50.000.000 đ" in text
    english = summary_text(PlanReport.of(case, plan, assess_case(case), "en"))
    assert "2026-01-15" in english and "50,000,000 VND" in english


def test_an_interrupted_write_leaves_the_old_report_whole(tmp_path, mini_vi, monkeypatch) -> None:
    case, plan = mini_vi
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(path, case, plan, assess_case(case), "vi")
    before = path.read_bytes()

    def interrupted(self, target):  # type: ignore[no-untyped-def]
        # half a workbook, into whatever the writer saves to (a buffer, then the file)
        if hasattr(target, "write"):
            target.write(b"PK half a workbook")
        else:
            Path(target).write_bytes(b"PK half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(openpyxl.Workbook, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_plan_xlsx(path, case, plan, assess_case(case), "vi")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temporary file left


def test_plan_and_assess_cli_write_html_and_xlsx(tmp_path) -> None:
    runner = CliRunner()
    for args, name in (
        (["plan", str(MINI), "--format", "html"], "plan.html"),
        (["plan", str(MINI), "--format", "xlsx", "--lang", "en"], "plan.xlsx"),
        (["assess", str(MINI), "--format", "html", "--lang", "en"], "assess.html"),
    ):
        out = tmp_path / name
        result = runner.invoke(cli, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames[0] == "Summary"
    html = (tmp_path / "assess.html").read_text(encoding="utf-8")
    assert "Needs per unit and kind" in html and 'lang="en"' in html
    result = runner.invoke(cli, ["plan", str(MINI), "--format", "html"])
    assert result.exit_code == 2 and "-o" in result.output


def _assert_drawn(html_file: Path, tmp_path: Path, charts: int) -> str:
    """Render in Chromium; every chart drew, no console error, no network. Returns the DOM."""
    dom, console, urls = _chromium(html_file, tmp_path, "--dump-dom")
    assert console == [], console
    assert [u for u in urls if not u.startswith("file:")] == []
    drawn = re.findall(r'<div id="chart-\d+".*?(?=<div id="chart-|</section>)', dom, re.S)
    assert len(drawn) == charts
    for chart in drawn:
        assert 'class="main-svg"' in chart
        assert re.search(r'class="(point|bars|trace bars)', chart), chart[:200]
    return dom


@needs_chromium
def test_plan_report_renders_every_chart_offline(tmp_path, mini_vi) -> None:
    case, plan = mini_vi
    page = plan_page(PlanReport.of(case, plan, assess_case(case), "vi"))
    charts = sum(s.figure is not None for s in page.sections)
    assert charts >= 5  # units, kinds, budget, seats, causes
    path = tmp_path / "plan.html"
    write_page(path, page)
    # Chart titles live in the figures' JSON (escaped); read them from the rendered page.
    dom = _assert_drawn(path, tmp_path, charts)
    assert "Nhu cầu đã và chưa đáp ứng theo đơn vị" in dom and "50.000.000 đ" in dom


@needs_chromium
def test_assessment_report_renders_offline(tmp_path) -> None:
    out = tmp_path / "assess.html"
    result = CliRunner().invoke(cli, ["assess", str(MINI), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _assert_drawn(out, tmp_path, 2)
