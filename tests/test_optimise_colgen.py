"""Column generation (`optimise.colgen`, engine `colgen`): on random small instances its
Lagrangian bound and its reported bound are never below the exact optimum and its plan passes
the solver-free checker; with a work limit two runs give the same plan; the split into local and
coupling rows agrees with the rule modules' `COUPLES` flags."""

from __future__ import annotations

import importlib.util
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.test_optimise_hypothesis import instances

from planner.optimise import colgen
from planner.optimise.check import check_plan
from planner.optimise.constraints import coupling_rules, official_rules
from planner.optimise.greedy import build_in_order
from planner.optimise.objective import Objective
from planner.optimise.result import Infeasible
from planner.optimise.solve import SolveConfig, _individual, solve
from planner.report.plan_text import violation_text

# A work limit big enough for these instances' column generation to converge.
WORK = SolveConfig(engine="colgen", time_limit=60, work_limit=200)


def _exact(inst):  # type: ignore[no-untyped-def]
    try:
        return solve(inst, SolveConfig(engine="highs", time_limit=60, work_limit=10_000))
    except Infeasible:
        return None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_colgen_bound_is_valid_and_plan_checks(inst):  # type: ignore[no-untyped-def]
    exact = _exact(inst)
    if exact is None:
        return
    assert exact.status == "optimal"
    result = solve(inst, WORK)
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective <= exact.objective <= result.bound
    # the column generation's own bound (before any exact polish) is valid too
    objective = Objective(inst, "coverage", 100)
    model = _individual(inst, objective)
    cg = colgen.start(colgen.decompose(model), None)
    colgen.iterate(cg, deadline=None, max_iterations=50)
    assert cg.bound is not None
    assert model.reported_bound(cg.bound) >= exact.objective


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_colgen_with_a_work_limit_is_deterministic(inst):  # type: ignore[no-untyped-def]
    config = SolveConfig(engine="colgen", time_limit=60, work_limit=3)
    try:
        first = solve(inst, config)
    except Infeasible:
        return
    second = solve(inst, config)
    assert first.chosen == second.chosen
    assert (first.objective, first.bound) == (second.objective, second.bound)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A generated case of 40 officials with individual needs (planner generate)."""
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("bench_run", root / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    folder = bench.case_folder(40, "2026", 3, "individual", cache=tmp_path_factory.mktemp("g"))
    path, _ = bench.prepare(folder)
    with open(path, "rb") as fh:
        return pickle.load(fh)


def test_work_limit_plans_are_identical_on_a_generated_case(generated) -> None:  # type: ignore[no-untyped-def]
    inst = generated
    for engine in ("colgen", "highs"):
        config = SolveConfig(engine=engine, time_limit=120, work_limit=5)
        runs = [solve(inst, config) for _ in range(2)]
        assert runs[0].chosen == runs[1].chosen, engine
        assert runs[0].bound == runs[1].bound, engine
        assert check_plan(inst, runs[0]).ok


def test_split_agrees_with_the_rule_modules(generated) -> None:  # type: ignore[no-untyped-def]
    inst = generated
    objective = Objective(inst, "coverage", 100)
    model = _individual(inst, objective)
    blocks = colgen.decompose(model)  # raises when a one-official rule's row couples officials
    rules = np.asarray(model.model.rule)
    assert not set(rules[~blocks.local]) & {r.NAME for r in official_rules()}
    coupling = {r.NAME for r in coupling_rules()}
    assert set(rules[~blocks.local]) <= coupling | {"seat_link"}
    # the quick greedy plan's parts are columns of the master, which is then feasible
    points = np.asarray(objective.option_points, dtype=float)
    first = set(build_in_order(inst, objective, points).chosen)
    cg = colgen.start(blocks, first)
    colgen.iterate(cg, deadline=None, max_iterations=2)
    assert cg.master_value is not None and cg.bound is not None
    assert cg.master_value <= cg.bound + 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_held_back_seat_links_reach_the_bound_of_all_links(inst):  # type: ignore[no-untyped-def]
    """The master starts without the seat links and adds those its point breaks: converged, it
    meets every link and its value is the value of the master that held them all from the
    start (the same Dantzig–Wolfe bound)."""
    objective = Objective(inst, "coverage", 100)
    model = _individual(inst, objective)
    blocks = colgen.decompose(model)
    lazy = colgen.start(blocks, None)
    colgen.iterate(lazy, deadline=None, max_iterations=300)
    eager = colgen.start(replace(blocks, lazy=np.zeros_like(blocks.lazy)), None)
    colgen.iterate(eager, deadline=None, max_iterations=300)
    assert len(eager.active) == len(blocks.h)  # nothing held back
    assert lazy.converged and eager.converged
    assert lazy.master_value is not None and eager.master_value is not None
    assert lazy.master_value == pytest.approx(eager.master_value, rel=1e-4, abs=1e-3)
    if lazy.lp_plans is None:  # nothing to plan: no master was solved
        return
    # the lazy master's point meets every row, the held-back ones included
    X = lazy.incidence()
    lam = np.zeros(X.shape[1])
    lam[: len(lazy.lp_plans)] = lazy.lp_plans
    x = X @ lam
    x[blocks.glob] = lazy.lp_glob
    assert (blocks.G @ x <= blocks.h + 1e-5).all()
    assert lazy.separated == len(lazy.active) - int((~blocks.lazy).sum())
