"""Live progress (`optimise/progress.py`): the solve reports its best plan and bound as they
improve, every reported plan is one the solve could return, and the benchmark's "time to 1 %"
is read from that trace."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest

from planner import pipeline
from planner.optimise import aggregate, lns
from planner.optimise.greedy import greedy
from planner.optimise.objective import Objective
from planner.optimise.progress import Watch, first_within
from planner.optimise.state import PlanState

solve_module = importlib.import_module("planner.optimise.solve")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"


@pytest.fixture(scope="module")
def inst():  # type: ignore[no-untyped-def]
    return pipeline.prepare(pipeline.load(EXAMPLE)).instance


def _check_trace(calls: list[tuple[float | None, float | None, float]], plan) -> None:  # type: ignore[no-untyped-def]
    bests = [b for b, _, _ in calls if b is not None]
    bounds = [d for _, d, _ in calls if d is not None]
    times = [t for _, _, t in calls]
    assert bests == sorted(bests)  # the best plan only improves
    assert bounds == sorted(bounds, reverse=True)  # the bound only tightens
    assert times == sorted(times)
    assert calls[-1][:2] == (float(plan.objective), float(plan.bound))  # the final pair last
    assert all(b <= plan.objective for b in bests)  # repair only adds to the best candidate
    assert all(d >= plan.bound for d in bounds)
    assert all(d >= plan.objective for d in bounds)  # every bound reported is valid


@pytest.mark.parametrize("engine", ["colgen", "greedy", "auto"])
def test_progress_reports_improvements_on_the_way(inst, engine: str) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[float | None, float | None, float]] = []
    config = solve_module.SolveConfig(engine=engine, time_limit=60, work_limit=3)
    plan = solve_module.solve(inst, config, lambda b, d, t: calls.append((b, d, t)))
    assert len(calls) >= 3  # a first plan, a bound, the final pair at least: not only the end
    _check_trace(calls, plan)


def test_the_search_reports_the_objective_of_the_plan_it_holds(inst) -> None:  # type: ignore[no-untyped-def]
    # the neighbourhood search reports the model's value rounded: that must be the reported
    # objective of its plan (the cost tie-break stays below half a point)
    objective = Objective(inst, solve_module.Mode.COVERAGE, 100)
    exact = solve_module._individual(inst, objective)
    lay = solve_module.lns_layout(inst, exact)
    told: list[float] = []
    search = lns.improve(
        lay, exact.values_for(greedy(inst, objective)), seed=1, max_rounds=6, on_improve=told.append
    )
    assert told and told[-1] == search.value
    plan = exact.chosen(search.x)
    assert exact.reported_bound(search.value) == objective.reported(PlanState(inst, plan))


def test_the_transport_method_reports_each_search_gain(inst) -> None:  # type: ignore[no-untyped-def]
    objective = Objective(inst, solve_module.Mode.COVERAGE, 100)
    config = solve_module.SolveConfig(time_limit=60, work_limit=6)
    calls: list[tuple[float | None, float | None, float]] = []
    watch = Watch(lambda b, d, t: calls.append((b, d, t)), time.monotonic())
    found = solve_module._transport_method(
        inst, objective, config, time.monotonic() + 60, aggregate.group(inst), watch
    )
    plan = solve_module._finish(inst, objective, config, found, watch.started)
    assert found.info["lns_improved"] > 0
    # one report per better plan or bound: the search's gains are among them
    assert len(calls) >= 1 + int(found.info["lns_improved"])
    assert watch.trace[-1][1] is not None and watch.trace[-1][1] <= plan.objective
    assert calls[-1][0] == watch.best and calls[-1][1] == watch.bound


def test_first_within_reads_the_first_time_the_plan_was_close_enough() -> None:
    trace = [(0.5, None, 1000), (1.0, 900, 1000), (2.5, 985, 990), (4.0, 995, 990)]
    assert first_within(trace, 1000.0, 0.02) == 2.5
    assert first_within(trace, 1000.0, 0.1) == 1.0
    assert first_within(trace, 1000.0, 0.001) is None
