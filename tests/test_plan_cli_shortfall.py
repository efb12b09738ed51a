"""`planner plan` when the hard rules cannot all hold: every output is written with status
`infeasible_rules` (shortfall and remedy at the top), the exit code is 1, and `planner check`
lists exactly the declared shortfalls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.i18n import t

MINI = Path(__file__).resolve().parent / "fixtures" / "cases" / "mini"


@pytest.fixture(scope="module")
def short_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini case in the last year of its term, with one seat in the knowledge update."""
    case = tmp_path_factory.mktemp("short") / "mini"
    shutil.copytree(MINI, case)
    config = case / "case.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "term: {start: 2026, end: 2030}", "term: {start: 2022, end: 2026}"
        ),
        encoding="utf-8",
    )
    catalog = case / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "id: ku-2026-1" in x)
    catalog.write_text(text.replace(line, line.replace("seats: 60", "seats: 1")), encoding="utf-8")
    return case


def _plan(case: Path, out: Path, fmt: str) -> object:
    return CliRunner().invoke(
        cli,
        ["plan", str(case), "--format", fmt, "-o", str(out), "--lang", "en", "--time-limit", "5"],
    )


def test_plan_json_is_complete_with_its_shortfall_and_check_lists_exactly_it(short_case, tmp_path):
    out = tmp_path / "plan.json"
    result = _plan(short_case, out, "json")
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "infeasible_rules" and data["assignments"]
    (short,) = data["shortfalls"]
    assert (
        short["rule"] == "term_coverage" and short["count"] == 1 and short["causes"] == {"seats": 1}
    )
    # the course by its title, not its id (the CLI names things as the reports do)
    assert (
        "1 more seat(s) in session ku-2026-1 (Knowledge update group 3 (commune), 2026)"
        in (short["remedy"])
    )
    assert data["infeasible"]["officials"] == short["officials"]
    check = CliRunner().invoke(cli, ["check", str(short_case), str(out), "--lang", "en"])
    assert check.exit_code == 1
    lines = check.output.strip().splitlines()
    assert "declares 1 shortfall(s)" in lines[0]
    assert len(lines) == 2 and short["officials"][0] in lines[1]


@pytest.mark.parametrize("fmt", ["table", "xlsx", "html"])
def test_every_report_is_written_with_the_shortfall_at_the_top(short_case, tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    result = _plan(short_case, out, fmt)
    assert result.exit_code == 1 and out.exists(), result.output
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out).worksheets[0]
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    else:
        text = out.read_text(encoding="utf-8")
    assert "Knowledge update once per term" in text and "ku-2026-1" in text
    # at the top: before the first table (text) or the first section (HTML)
    first = t("en", "plan.table.totals") if fmt == "table" else t("en", "report.plan.section.units")
    if fmt != "xlsx":
        assert text.index("Hard rules not met") < text.index(first)


def test_a_saved_plan_with_a_shortfall_reports_it_without_solving(short_case, tmp_path):
    saved = tmp_path / "plan.json"
    assert _plan(short_case, saved, "json").exit_code == 1
    remedy = json.loads(saved.read_text(encoding="utf-8"))["shortfalls"][0]["remedy"]
    page = tmp_path / "again.html"
    result = CliRunner().invoke(cli, ["report", str(saved), "-o", str(page), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Hard rules not met" in text and remedy.split(":")[-1].strip().rstrip(".") in text
