"""What-if scenarios change a copy of the case; the baseline is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.analysis.scenario import (
    BudgetChange,
    Scenario,
    apply_scenario,
    budget_scale_scenarios,
    load_scenario,
)
from planner.assess.needs import assess_case
from planner.errors import InputError
from planner.io.loading import load_case

FIXTURES = Path(__file__).parent / "fixtures"
MINI = load_case(FIXTURES / "cases" / "mini")


def test_scenario_file_changes_budget_seats_courses_sessions_and_parameters() -> None:
    scenario = load_scenario(FIXTURES / "scenarios" / "cut_and_extend.yaml")
    changed = apply_scenario(MINI, scenario)
    budget = {(b.year, b.source): b.amount for b in changed.config.budget}
    assert budget[(2026, "ngan_sach_tinh")] == 40_000_000  # 50 M × 0.8
    assert budget[(2026, "xa_hoi_hoa")] == 30_000_000
    ku = changed.catalog.courses["ku_g3_commune"].sessions[0]
    assert ku.seats == MINI.catalog.courses["ku_g3_commune"].sessions[0].seats + 10
    assert "degree_part_time" not in changed.catalog.courses
    assert [s.id for s in changed.catalog.courses["digital_online"].sessions][-1] == "dg-2026-extra"
    # Two knowledge updates per term are now required of leaders.
    needs = {(n.official_id, n.need): n for n in assess_case(changed).needs}
    assert needs[("A1", "programme:knowledge_update_g3")].target.count == 2
    # The baseline is unchanged.
    assert {(b.year, b.source): b.amount for b in MINI.config.budget}[
        (2026, "ngan_sach_tinh")
    ] == 50_000_000
    assert "degree_part_time" in MINI.catalog.courses
    baseline = {(n.official_id, n.need): n for n in assess_case(MINI).needs}
    assert baseline[("A1", "programme:knowledge_update_g3")].target.count == 1


def test_unknown_session_names_the_scenario_file() -> None:
    path = FIXTURES / "scenarios" / "unknown_session.yaml"
    with pytest.raises(InputError) as info:
        apply_scenario(MINI, load_scenario(path), path)
    assert "unknown_session.yaml" in str(info.value) and "ku-2031-9" in str(info.value)


def test_unknown_parameter_and_course_are_errors() -> None:
    with pytest.raises(InputError, match="unknown parameter"):
        apply_scenario(MINI, Scenario(name="x", parameters={"no_such": 1}))
    with pytest.raises(InputError, match="unknown course"):
        apply_scenario(MINI, Scenario(name="x", exclude_courses=["no_such_course"]))


def test_budget_scale_sweep() -> None:
    scenarios = budget_scale_scenarios("0.5:1.5:0.25")
    assert [s.budget[0].scale for s in scenarios] == [0.5, 0.75, 1.0, 1.25, 1.5]
    halved = apply_scenario(MINI, scenarios[0])
    assert halved.config.budget[0].amount == 25_000_000
    with pytest.raises(InputError, match="budget-scale"):
        budget_scale_scenarios("1.5:0.5:0.1")
    with pytest.raises(InputError, match="budget-scale"):
        budget_scale_scenarios("abc")


def test_budget_change_needs_exactly_one_change() -> None:
    with pytest.raises(ValueError):
        BudgetChange(scale=0.5, add=1)
    with pytest.raises(ValueError):
        BudgetChange(amount=5)


def test_reference_date_and_years_change() -> None:
    import datetime as dt

    changed = apply_scenario(
        MINI, Scenario(name="x", reference_date=dt.date(2026, 7, 1), years=[2027, 2026])
    )
    assert changed.reference_date == dt.date(2026, 7, 1) and changed.config.years == [2026, 2027]
