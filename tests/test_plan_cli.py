"""End-to-end: `planner plan` and `planner check` through the click CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "cases" / "mini"
CAUSES = {
    "no_course",
    "not_eligible",
    "prerequisite",
    "seats",
    "budget",
    "time_limit_per_official",
    "unit_share",
    "term",
    # finer causes (issue 14), appended to the contract's list
    "not_opened",
    "below_minimum",
    "content_held",
    "already_passed",
    "time_clash",
    "solver_stopped",
}


def _plan(tmp_path, case, *args, name="plan.json"):
    out = tmp_path / name
    result = CliRunner().invoke(
        cli, ["plan", str(case), "--format", "json", "-o", str(out), "--lang", "en", *args]
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(out.read_text(encoding="utf-8"))


def _assert_contract(data):
    for key in (
        "status",
        "objective",
        "bound",
        "gap",
        "engine",
        "seed",
        "time_s",
        "assignments",
        "unmet",
        "totals",
    ):
        assert key in data
    assert data["status"] in ("optimal", "feasible")
    assert data["objective"] <= data["bound"]
    for a in data["assignments"]:
        assert (
            set(a)
            >= {
                "official_id",
                "course",
                "session",
                "year",
                "cost",
                "funding_source",
                "needs",
                "reason",
            }
            and a["needs"]
            and a["reason"]
        )
    for u in data["unmet"]:
        assert u["cause"] in CAUSES and u["detail"]
    assert {"cost", "seats", "needs"} <= set(data["totals"])


def test_plan_and_check_the_mini_case(tmp_path):
    out, data = _plan(tmp_path, MINI, "--engine", "cpsat", "--time-limit", "5")
    _assert_contract(data)
    check = CliRunner().invoke(cli, ["check", str(MINI), str(out), "--lang", "en"])
    assert check.exit_code == 0, check.output


def test_check_reports_a_broken_plan_with_official_session_and_rule(tmp_path):
    out, data = _plan(tmp_path, MINI)
    assert data["assignments"]
    first = data["assignments"][0]
    data["assignments"].append(dict(first))  # the same course twice
    data["objective"] += 1
    out.write_text(json.dumps(data), encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", str(MINI), str(out), "--lang", "en"])
    assert check.exit_code == 1
    assert first["official_id"] in check.output and first["session"] in check.output
    assert "Objective" in check.output


def test_same_seed_same_plan(tmp_path):
    _, one = _plan(tmp_path, MINI, "--seed", "7", name="a.json")
    _, two = _plan(tmp_path, MINI, "--seed", "7", name="b.json")
    one.pop("time_s"), two.pop("time_s")
    assert one == two


@pytest.mark.parametrize("fmt", ["table", "xlsx"])
def test_plan_table_and_excel(tmp_path, fmt):
    out = tmp_path / f"plan.{'txt' if fmt == 'table' else 'xlsx'}"
    result = CliRunner().invoke(cli, ["plan", str(MINI), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    "example,years,engine",
    [
        ("thoi-binh", "2026", "auto"),
        ("thoi-binh", "2026-2030", "cpsat"),
        ("huong-khe", "2026", "highs"),
        ("huong-khe", "2026-2030", "cpsat"),
    ],
)
def test_examples_plan_and_check_clean(tmp_path, example, years, engine):
    case = ROOT / "examples" / example
    if not (case / "case.yaml").exists():
        pytest.skip(f"examples/{example} not there yet")
    out, data = _plan(tmp_path, case, "--engine", engine, "--time-limit", "5", "--years", years)
    _assert_contract(data)
    assert data["years"][0] == 2026 and data["years"][-1] == int(years[-4:])
    check = CliRunner().invoke(cli, ["check", str(case), str(out), "--lang", "en"])
    assert check.exit_code == 0, check.output


def test_the_table_writes_seconds_with_the_language_s_decimal_mark(tmp_path):
    """Vietnamese groups thousands with '.', so 9.658 s must read '9,7 giây', never '9.658'."""
    import re

    from planner.i18n import format_decimal

    assert (format_decimal(9.658, "vi"), format_decimal(9.658, "en")) == ("9,7", "9.7")
    assert format_decimal(1234.56, "vi") == "1.234,6"
    out = tmp_path / "plan.txt"
    result = CliRunner().invoke(cli, ["plan", str(MINI), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first_lines = out.read_text(encoding="utf-8").split("\n", 3)[:3]
    assert re.search(r"\d+,\d giây", " ".join(first_lines)), first_lines
