"""What-if cannot contradict itself: along a budget sweep (the baseline being ×1) a looser
point never meets fewer priority points than a tighter one, and a probe (money added to the
baseline) never fewer than the baseline — on random sweeps, and when a solve fell short the
tighter plan is carried into the looser case, where it is checked against every rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planner import pipeline
from planner.analysis.scenario import BudgetChange, Scenario
from planner.analysis.whatif import (
    WhatIfSettings,
    changed_case,
    keep_monotone,
    run_whatif,
    variants_from,
)
from planner.io.loading import load_case
from planner.report.plan_text import plan_dict


def scaled(*scales: float) -> list[Scenario]:
    return [Scenario(name=f"×{s:g}", budget=[BudgetChange(scale=s)]) for s in sorted(set(scales))]


MINI = Path(__file__).resolve().parent / "fixtures" / "cases" / "mini"
FAST = WhatIfSettings(engine="greedy", time_limit=2.0, seed=0, jobs=1, probes=1)


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_case(MINI)


def _chain(result):  # type: ignore[no-untyped-def]
    points = [(1.0, result.baseline)] + [
        (o.variant.scale, o) for o in result.variants if o.variant.scale is not None
    ]
    return [o for _, o in sorted(points, key=lambda p: p[0])]


def _met(outcome):  # type: ignore[no-untyped-def]
    return outcome.priority[0] if outcome.plan is not None else -1


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scales=st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.8, 1.2, 2.0]), min_size=2, max_size=3))
def test_a_looser_sweep_point_never_meets_fewer_points(case, scales) -> None:  # type: ignore[no-untyped-def]
    result = run_whatif(case, variants_from(sweep=scaled(*scales)), FAST)
    chain = _chain(result)
    for tighter, looser in zip(chain, chain[1:], strict=False):
        assert _met(looser) >= _met(tighter)
    for probe in result.probes:
        assert _met(probe) >= _met(result.baseline)


def test_a_looser_run_that_fell_short_gets_the_tighter_plan_checked(case) -> None:  # type: ignore[no-untyped-def]
    result = run_whatif(case, variants_from(sweep=scaled(0.3, 2)), FAST)
    low, high = sorted(result.variants, key=lambda o: o.variant.scale)
    assert low.plan is not None and high.plan is not None
    # as if the ×2 solve had returned the ×0.3 plan's poorer figures: the baseline's plan
    # (×1, tighter than ×2) is carried into the ×2 case
    short = replace(low, variant=high.variant, work_limit=7, on_clock=False)
    if _met(short) >= _met(result.baseline):
        pytest.skip("the mini case's ×0.3 plan meets as much as the baseline")
    _, (_, fixed), _ = keep_monotone(case, FAST, result.baseline, [low, short], [])
    assert _met(fixed) >= _met(result.baseline)
    assert fixed.plan is not None and fixed.plan.info.get("carried_from") == "baseline"
    # it keeps how its own solve stopped, and is on the clock if the carried plan's run was
    assert fixed.work_limit == 7 and fixed.on_clock == result.baseline.on_clock
    prepared = pipeline.prepare(changed_case(case, high.variant))
    report = pipeline.check(prepared, plan_dict(fixed.plan, "en"))
    assert report.ok, report.violations
