"""Random small instances (some sessions in service: class in blocks, work between): every
engine's plan passes the checker, and CP-SAT and HiGHS agree on the optimum whenever both prove
optimality."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st
from tests.optimise.strategies import finish

from planner.optimise.check import check_plan
from planner.optimise.solve import SolveConfig, solve
from planner.report.plan_text import violation_text


@st.composite
def instances(draw):
    n_off = draw(st.integers(1, 4))
    officials = [(f"O{i}", f"u{draw(st.integers(0, 1))}") for i in range(n_off)]
    n_courses = draw(st.integers(1, 3))
    courses = [{"id": f"c{i}"} for i in range(n_courses)]
    if n_courses > 1 and draw(st.booleans()):
        courses[0]["overlaps"] = ["c1"]
        courses[1]["overlaps"] = ["c0"]
    sessions = []
    for i in range(draw(st.integers(1, 4))):
        month = draw(st.integers(1, 12))
        length = draw(st.integers(0, 3))
        start, end, blocks = f"2026-{month:02d}-02", f"2026-{month:02d}-{2 + length:02d}", []
        if month <= 10 and draw(st.booleans()):
            # in service (issue 13 item 5): class days 2 to 2+length of 1-3 months, work between
            months = draw(st.integers(1, 3))
            blocks = [
                (f"2026-{m:02d}-02", f"2026-{m:02d}-{2 + length:02d}")
                for m in range(month, month + months)
            ]
            end = f"2026-{month + months - 1:02d}-28"
        sessions.append(
            {
                "id": f"s{i}",
                "course": f"c{draw(st.integers(0, n_courses - 1))}",
                "start": start,
                "end": end,
                "blocks": blocks,
                "seats": draw(st.integers(1, 4)),
                "min": draw(st.sampled_from([0, 0, 2])),
                "class_cost": draw(st.sampled_from([0, 1_000_000])),
                "away": draw(st.booleans()),
            }
        )
    needs = [
        {"id": f"n{k}", "official": official, "weight": draw(st.integers(1, 90))}
        for official, _ in officials
        for k in range(draw(st.integers(0, 2)))
    ]
    return finish(draw, officials, needs, courses, sessions)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_engine_plan_passes_the_checker_and_exact_engines_agree(inst):
    results = {}
    for engine in ("greedy", "cpsat", "highs"):
        result = solve(inst, SolveConfig(engine=engine, time_limit=5))
        report = check_plan(inst, result)
        assert report.ok, (engine, [violation_text("en", v) for v in report.violations])
        assert report.objective == result.objective <= result.bound
        assert len(result.unmet) + result.totals["needs"].get("all", {}).get("met", 0) == len(
            inst.needs
        )
        results[engine] = result
    assert results["cpsat"].objective >= results["greedy"].objective
    assert results["highs"].objective >= results["greedy"].objective
    if results["cpsat"].status == "optimal" and results["highs"].status == "optimal":
        assert results["cpsat"].objective == results["highs"].objective
