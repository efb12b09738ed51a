"""The need-component transport relaxation (`planner.optimise.transport`): its bound is valid
(never below the exact optimum, whatever the needs, shared needs and multi-need options), and
`auto` picks it when cohorts do not shrink the model, with a plan the checker accepts.

Timing and gap targets live in benchmarks/run.py, never here."""

from __future__ import annotations

import importlib
from unittest import mock

from hypothesis import HealthCheck, given, settings, strategies as st
from tests.optimise.factory import make
from tests.optimise.strategies import finish

from planner.optimise import transport
from planner.optimise.arrays import solve_highs
from planner.optimise.check import check_plan
from planner.optimise.greedy import greedy as greedy_plan
from planner.optimise.objective import Objective
from planner.optimise.solve import SolveConfig, solve
from planner.optimise.state import PlanState
from planner.report.plan_text import violation_text

# the module (the package exports its `solve` function under the same name)
solve_module = importlib.import_module("planner.optimise.solve")


@st.composite
def varied_instances(draw):
    """Officials with their own needs (some shared, some taking two sessions) and options that
    close one or several needs at once; scarce seats and budget."""
    n_off = draw(st.integers(1, 5))
    officials = [(f"O{i}", f"u{draw(st.integers(0, 1))}") for i in range(n_off)]
    courses = [{"id": f"c{i}"} for i in range(3)]
    sessions = []
    for i in range(draw(st.integers(1, 5))):
        month = draw(st.integers(1, 12))
        sessions.append(
            {
                "id": f"s{i}",
                "course": f"c{draw(st.integers(0, 2))}",
                "start": f"2026-{month:02d}-02",
                "end": f"2026-{month:02d}-0{draw(st.integers(2, 6))}",
                "seats": draw(st.integers(1, 3)),
                "class_cost": draw(st.sampled_from([0, 1_000_000])),
            }
        )
    needs = []
    for official, _ in officials:
        for k in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["regular", "regular", "shared", "twice"]))
            needs.append(
                {
                    "id": f"n{k}",
                    "official": official,
                    "weight": draw(st.integers(1, 90)),
                    "shared": kind == "shared",
                    "required": 2 if kind == "twice" else 1,
                }
            )
    return finish(draw, officials, needs, courses, sessions)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied_instances(), st.sampled_from(["coverage", "cost"]))
def test_the_transport_bound_is_never_below_the_exact_optimum(inst, mode):
    exact = solve(inst, SolveConfig(engine="cpsat", time_limit=5, mode=mode))
    relaxation = transport.build(inst, Objective(inst, mode))
    lp = solve_highs(relaxation.model, relax=True, time_limit=5)
    assert lp.status == "optimal"
    assert exact.status == "optimal"  # tiny: CP-SAT proves it
    assert relaxation.bound(lp.bound) >= exact.objective


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied_instances(), st.sampled_from([1, 2]))
def test_the_transport_method_plan_passes_the_checker(inst, workers):
    # auto picks exact or colgen for instances this small: the transport method is made the
    # choice; with two workers the search model's LPs run on the second thread meanwhile
    with mock.patch.object(solve_module, "method_of", lambda *args: "transport"):
        result = solve(inst, SolveConfig(engine="auto", time_limit=5, workers=workers))
    assert result.info["method"] == "transport"
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective <= result.bound
    greedy = solve(inst, SolveConfig(engine="greedy", time_limit=5))
    assert result.objective >= greedy.objective  # the full greedy plan is a candidate
    if "exact_lp_bound" in result.info:  # the tighter of the bounds is kept
        assert result.bound <= result.info["exact_lp_bound"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied_instances())
def test_the_transport_method_on_a_large_model_keeps_the_points_order_greedy(inst):
    # above GREEDY_FIRST_MAX_OPTIONS the quick LP-ordered plan comes first, then the greedy in
    # its points order only, then the search: made the path here by setting the threshold to 0
    with (
        mock.patch.object(solve_module, "method_of", lambda *args: "transport"),
        mock.patch.object(solve_module, "GREEDY_FIRST_MAX_OPTIONS", 0),
    ):
        result = solve(inst, SolveConfig(engine="auto", time_limit=5, workers=1))
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective <= result.bound
    objective = Objective(inst, "coverage", 100)
    by_points = greedy_plan(inst, objective, ratio_order=False)
    both = greedy_plan(inst, objective)
    assert objective.combined(PlanState(inst, both)) >= objective.combined(
        PlanState(inst, by_points)
    )
    if not solve_module.violations_of(inst, by_points):  # a candidate: never below it
        assert result.objective >= objective.reported(PlanState(inst, by_points))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied_instances())
def test_auto_on_varied_officials_plans_pass_the_checker(inst):
    result = solve(inst, SolveConfig(engine="auto", time_limit=5))
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective <= result.bound


def test_a_course_closing_two_needs_takes_one_seat_in_the_relaxation():
    """Two officials, each with needs a and b that one session closes together; a single seat:
    the bound is one official's a + b (the heavier), not half a seat for each of four needs."""
    officials = [("A", "u1"), ("B", "u1")]
    needs = [
        {"id": n, "official": o, "weight": 20 if o == "A" else 10}
        for o, _ in officials
        for n in ("a", "b")
    ]
    options = [{"official": o, "session": "s1", "needs": ["a", "b"]} for o, _ in officials]
    inst = make(
        officials=officials,
        needs=needs,
        courses=[{"id": "c"}],
        sessions=[{"id": "s1", "course": "c", "start": "2026-03-02", "seats": 1}],
        options=options,
    )
    objective = Objective(inst)
    relaxation = transport.build(inst, objective)
    lp = solve_highs(relaxation.model, relax=True, time_limit=5)
    assert relaxation.bound(lp.bound) == 2 * 20 * objective.D  # one seat: A's two needs
    result = solve(inst, SolveConfig(engine="auto", time_limit=5))
    # a small case: auto takes branch-and-cut on the exact model, which proves the optimum
    assert result.info["method"] == "exact" and result.objective == result.bound
    by_colgen = solve(inst, SolveConfig(engine="colgen", time_limit=5))
    assert by_colgen.objective == by_colgen.bound == result.objective


def test_a_quick_plan_breaking_a_hard_need_with_little_time_makes_the_greedy_first() -> None:
    """On a large model the quick LP-ordered plan comes first; when it leaves a leader's term
    update unmet and the time left does not hold both the search's model and the greedy, the
    greedy comes first: a plan meeting every rule within the limit, status feasible (before,
    the model took the time, the greedy ran after the limit and the status was
    infeasible_rules with no shortfall)."""
    from pathlib import Path
    from types import SimpleNamespace

    from planner import pipeline
    from planner.optimise.constraints import term_coverage

    case = Path(__file__).resolve().parents[1] / "examples" / "huong-khe"
    inst = pipeline.prepare(pipeline.load(case)).instance
    objective = Objective(inst, "coverage", 100)
    start = greedy_plan(inst, objective)
    need = next(n for n in term_coverage.forced(inst) if set(inst.options_by_need[n]) & start)
    broken = start - set(inst.options_by_need[need])
    assert solve_module.violations_of(inst, broken)
    with (
        mock.patch.object(solve_module, "method_of", lambda *args: "transport"),
        mock.patch.object(solve_module, "GREEDY_FIRST_MAX_OPTIONS", 0),
        mock.patch.object(solve_module, "SEARCH_MODEL_PER_QUICK_BUILD", 1e9),
        mock.patch.object(
            solve_module, "build_in_order", lambda *args: SimpleNamespace(chosen=broken)
        ),
    ):
        result = solve(inst, SolveConfig(engine="auto", time_limit=10, workers=2))
    assert result.status == "feasible"
    assert str(result.info["greedy"]).startswith("first")
    assert "overrun" not in result.info
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert result.objective >= objective.reported(PlanState(inst, start))
