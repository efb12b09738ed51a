"""End-to-end `planner validate` and `planner assess` on the mini fixture case."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from planner.cli import cli

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
NEED_KEYS = {
    "official_id",
    "need",
    "kind",
    "target",
    "current",
    "priority",
    "deadline",
    "overdue",
    "rule",
    "reference",
    "reason",
}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_validate_reports_counts() -> None:
    code, out = _run("validate", str(MINI))
    assert code == 0
    assert "3 cán bộ" in out
    code, out = _run("validate", str(MINI), "--lang", "en")
    assert code == 0 and "3 officials" in out


def test_assess_json_follows_the_contract() -> None:
    code, out = _run("assess", str(MINI), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["reference_date"] == "2026-01-15" and data["officials"] == 3
    assert data["needs"]
    for need in data["needs"]:
        assert set(need) >= NEED_KEYS
        assert need["kind"] in {"standard", "qualification", "competency", "mandatory"}
        assert need["reference"]["title"] and need["reason"]
        assert set(need["reference"]) == {"title", "article", "href"}
    by_official = {(n["official_id"], n["need"]): n for n in data["needs"]}
    # A2 passed the two-level course; B1 failed it, so only B1 (and A1) still need it.
    assert ("A2", "programme:two_level_government") not in by_official
    assert ("B1", "programme:two_level_government") in by_official
    # A1, commune chair with sơ cấp LLCT: political theory need (cao cấp under QĐ 350).
    assert by_official[("A1", "qualification:political_theory")]["target"]["level"] == "cao_cap"
    # B1 heads a commune department since 2025-08-01 without the leadership programme: overdue.
    leadership = by_official[("B1", "programme:leadership_cap_phong")]
    assert leadership["overdue"] is True and leadership["deadline"] == "2025-08-01"


def test_assess_on_another_date_applies_the_law_then() -> None:
    code, out = _run("assess", str(MINI), "--format", "json", "--on", "2025-06-01")
    assert code == 0
    data = json.loads(out)
    assert data["reference_date"] == "2025-06-01"
    assert not any(n["need"] == "programme:two_level_government" for n in data["needs"])


def test_assess_english_reasons() -> None:
    code, out = _run("assess", str(MINI), "--format", "json", "--lang", "en")
    assert code == 0
    reasons = [n["reason"] for n in json.loads(out)["needs"]]
    assert any("requires" in r or "must" in r for r in reasons)
    assert not any("cần" in r for r in reasons)


def test_assess_csv_and_xlsx_outputs(tmp_path: Path) -> None:
    code, out = _run("assess", str(MINI), "--format", "json")
    needs = json.loads(out)["needs"]
    csv_path = tmp_path / "needs.csv"
    code, _ = _run("assess", str(MINI), "--format", "csv", "-o", str(csv_path))
    assert code == 0
    lines = csv_path.read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(lines) == len(needs) + 1
    xlsx_path = tmp_path / "needs.xlsx"
    code, _ = _run("assess", str(MINI), "--format", "xlsx", "-o", str(xlsx_path))
    assert code == 0
    book = openpyxl.load_workbook(xlsx_path)
    summary, kinds, detail = book.worksheets
    assert kinds.cell(row=kinds.max_row, column=2).value == len(needs)
    assert detail.max_row == len(needs) + 1
    assert detail.freeze_panes == "A2" and detail.auto_filter.ref
    ids = [row[0].value for row in detail.iter_rows(min_row=2)]
    assert sorted(ids) == sorted(n["official_id"] for n in needs)
    total_row = [c.value for c in summary[summary.max_row]]
    assert total_row[1] == 3 and total_row[2] == len(needs)
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file may be left behind"


def test_assess_table_has_totals() -> None:
    code, out = _run("assess", str(MINI))
    assert code == 0
    assert "Xã A" in out and "Tổng" in out


def test_missing_case_folder_exits_2() -> None:
    code, out = _run("assess", "/nonexistent/case")
    assert code == 2 and "không tìm thấy thư mục hồ sơ" in out and "Traceback" not in out


def test_xlsx_without_output_is_a_usage_error() -> None:
    code, out = _run("assess", str(MINI), "--format", "xlsx")
    assert code == 2
