"""The plan on the terminal (issue 14, item 7): a summary that fits 80 columns by default —
totals, budget per year and source, one line per unit, unmet needs by cause — with names, not
ids; `--details` adds the full lists; `-o` takes the format from the extension."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from planner import pipeline
from planner.cli import cli
from planner.optimise.solve import SolveConfig
from planner.report.plan_terminal import detail_sheets

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
FAST = ["--time-limit", "2"]


def _plan(tmp_path: Path, *extra: str) -> list[str]:
    out = tmp_path / "plan.txt"
    result = CliRunner().invoke(cli, ["plan", str(MINI), *FAST, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8").splitlines()


def test_the_default_summary_fits_80_columns_and_names_units_and_causes(tmp_path):
    lines = _plan(tmp_path)
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    case = pipeline.load(MINI)
    for title in ("Tổng hợp", "Kinh phí theo năm và nguồn", "Theo đơn vị"):
        assert title in text
    for unit in {o.unit for o in case.officials}:
        assert unit in text
    assert "Ngân sách tỉnh" in text and "ngan_sach_tinh" not in text
    assert "Nhu cầu được đáp ứng — Năng lực" in text  # kinds by name, not "all/competency"
    assert not any(o.id in text for o in case.officials)  # a summary, not the lists
    assert "--details" in text


def test_details_list_every_assignment_and_unmet_need_by_name(tmp_path):
    case = pipeline.load(MINI)
    plan = pipeline.plan(pipeline.prepare(case), SolveConfig(time_limit=2))
    assignments, unmet = detail_sheets(plan, case, "vi")
    assert len(assignments.rows) == len(plan.assignments) > 0
    assert len(unmet.rows) == len(plan.unmet) > 0
    names = {o.id: f"{o.full_name} ({o.unit})" for o in case.officials}
    for row, a in zip(assignments.rows, plan.assignments, strict=True):
        assert row[0] == names[a.official_id]
        assert row[1] == case.catalog.courses[a.course].title.in_lang("vi")
    assert all(":" not in str(row[1]) for row in unmet.rows)  # need names, not need ids
    text = "\n".join(_plan(tmp_path, "--details"))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "competency:" not in text and "programme:" not in text
    assert "Phân công" in text and "Nhu cầu chưa đáp ứng" in text


def test_output_format_follows_the_extension(tmp_path):
    workbook = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(cli, ["plan", str(MINI), *FAST, "-o", str(workbook)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(workbook)  # a workbook, never the text table
    refused = tmp_path / "other.xlsx"
    result = CliRunner().invoke(
        cli, ["plan", str(MINI), *FAST, "--format", "table", "-o", str(refused)]
    )
    assert result.exit_code == 2 and not refused.exists()
    assert "phần mở rộng của tệp là định dạng xlsx" in result.output


def test_assess_prints_the_totals_by_default_and_every_need_with_details(tmp_path):
    out = tmp_path / "needs.txt"
    result = CliRunner().invoke(cli, ["assess", str(MINI), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "Nhu cầu theo đơn vị" in text and "--details" in text
    case = pipeline.load(MINI)
    assert not any(o.full_name in text for o in case.officials)
    result = CliRunner().invoke(cli, ["assess", str(MINI), "--details", "-o", str(out)])
    detailed = out.read_text(encoding="utf-8")
    assert all(o.full_name in detailed for o in case.officials)
    assert "Nhu cầu theo đơn vị" in detailed


def test_recommend_prints_a_summary_per_need_and_the_lists_behind_details(tmp_path):
    example = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"
    case = pipeline.load(example)
    summary, details = tmp_path / "summary.txt", tmp_path / "details.txt"
    runner = CliRunner()
    assert runner.invoke(cli, ["recommend", str(example), "-o", str(summary)]).exit_code == 0
    assert (
        runner.invoke(cli, ["recommend", str(example), "-o", str(details), "--details"]).exit_code
        == 0
    )
    short = summary.read_text(encoding="utf-8")
    assert max(len(line) for line in short.splitlines()) <= 80
    assert len(short.splitlines()) < 150  # one block per need, not one per official
    assert not any(o.id in short for o in case.officials)
    assert "--details" in short
    assert "competency:" not in short and "qualification:" not in short  # need names, not ids
    full = details.read_text(encoding="utf-8")
    assert all(o.id in full for o in case.officials[:5])
    assert "(96,4 %)" in short  # the Vietnamese percent
