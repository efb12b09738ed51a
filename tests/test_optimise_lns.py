"""The neighbourhood search (`optimise/lns.py`): never worse than its start, every rule kept
(checked by the solver-free checker), and with a round limit the same plan on every run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from planner import pipeline
from planner.optimise import lns
from planner.optimise.constraints import term_coverage
from planner.optimise.greedy import greedy
from planner.optimise.objective import Objective
from planner.optimise.state import PlanState

solve_module = importlib.import_module("planner.optimise.solve")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"


@pytest.fixture(scope="module")
def setting():  # type: ignore[no-untyped-def]
    inst = pipeline.prepare(pipeline.load(EXAMPLE)).instance
    objective = Objective(inst, solve_module.Mode.COVERAGE, 100)
    exact = solve_module._individual(inst, objective)
    lay = solve_module.lns_layout(inst, exact)
    return inst, objective, exact, lay


def test_search_improves_the_greedy_plan_and_keeps_every_rule(setting) -> None:  # type: ignore[no-untyped-def]
    inst, objective, exact, lay = setting
    start = greedy(inst, objective)
    x0 = exact.values_for(start)
    search = lns.improve(lay, x0, seed=0, max_rounds=12)
    assert search.rounds == 12
    assert search.value >= float(lay.model.obj @ x0)
    assert search.improved > 0  # greedy leaves room on this case (80,900 is the optimum)
    plan = exact.chosen(search.x)
    assert solve_module.violations_of(inst, plan) == []
    assert objective.combined(PlanState(inst, plan)) >= objective.combined(PlanState(inst, start))


def test_a_round_limit_gives_the_same_plan_every_time(setting) -> None:  # type: ignore[no-untyped-def]
    inst, objective, exact, lay = setting
    x0 = exact.values_for(greedy(inst, objective))
    first = lns.improve(lay, x0, seed=3, max_rounds=8)
    second = lns.improve(lay, x0, seed=3, max_rounds=8)
    assert (first.x == second.x).all()
    assert first.trace and [v for _, v in first.trace] == [v for _, v in second.trace]


def test_search_needs_a_stop(setting) -> None:  # type: ignore[no-untyped-def]
    _, _, _, lay = setting
    with pytest.raises(ValueError):
        lns.improve(lay, lay.model.lb.copy())


def test_search_repairs_a_start_that_leaves_a_hard_term_need_unmet() -> None:
    """A quick plan can leave a leader's term knowledge update unmet (the greedy order ran out of
    seats for it); from such a start the search first frees that official with the session's
    other candidates until every rule holds, and only then improves."""
    case = Path(__file__).resolve().parents[1] / "examples" / "huong-khe"
    inst = pipeline.prepare(pipeline.load(case)).instance
    objective = Objective(inst, solve_module.Mode.COVERAGE, 100)
    exact = solve_module._individual(inst, objective)
    lay = solve_module.lns_layout(inst, exact)
    start = greedy(inst, objective)
    forced = term_coverage.forced(inst)
    need = next(n for n in forced if set(inst.options_by_need[n]) & start)
    broken = start - set(inst.options_by_need[need])
    assert any(v.rule == term_coverage.NAME for v in solve_module.violations_of(inst, broken))
    x0 = exact.values_for(broken)
    assert lay.model.violation(x0) > 0
    search = lns.improve(lay, x0, seed=0, max_rounds=6)
    assert search.feasible
    plan = exact.chosen(search.x)
    assert solve_module.violations_of(inst, plan) == []
    assert set(inst.options_by_need[need]) & plan  # the unmet hard need is met again
    again = lns.improve(lay, x0, seed=0, max_rounds=6)  # deterministic under a round limit
    assert (again.x == search.x).all()
