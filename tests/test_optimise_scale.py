"""Cohort aggregation, its bound and split; effectiveness weighting; the benchmark harness smoke.

Timing targets live in benchmarks/run.py, never here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.optimise.factory import make

from planner.optimise import aggregate
from planner.optimise.check import check_plan
from planner.optimise.objective import Objective
from planner.optimise.solve import SolveConfig, solve
from planner.report.plan_text import plan_dict, violation_text

ROOT = Path(__file__).resolve().parents[1]


def _role_case(copies: int = 6):
    """Two posts × `copies` officials with identical needs over three units, scarce seats."""
    officials = [(f"{p}{i}", f"u{i % 3}") for p in "AB" for i in range(copies)]
    needs = []
    options = []
    for oid, _ in officials:
        weight = 50 if oid.startswith("A") else 30
        needs += [
            {"id": "n1", "official": oid, "weight": weight},
            {"id": "n2", "official": oid, "weight": weight // 2},
        ]
        options += [
            {"official": oid, "session": "s1", "needs": ["n1"], "cost": 1_000_000},
            {"official": oid, "session": "s2", "needs": ["n1"], "cost": 1_000_000},
            {"official": oid, "session": "t1", "needs": ["n2"], "cost": 500_000},
        ]
    return make(
        officials=officials,
        needs=needs,
        courses=[{"id": "c"}, {"id": "d"}],
        sessions=[
            {
                "id": "s1",
                "course": "c",
                "start": "2026-03-02",
                "seats": 4,
                "min": 2,
                "class_cost": 2_000_000,
            },
            {"id": "s2", "course": "c", "start": "2026-03-04", "seats": 4},
            {"id": "t1", "course": "d", "start": "2026-06-01", "seats": 5},
        ],
        options=options,
        budgets={(2026, "ngan_sach_tinh"): 14_000_000},
    )


def test_cohorts_group_identical_officials_and_the_aggregated_bound_is_valid():
    inst = _role_case()
    cohorts = aggregate.group(inst)
    assert len(cohorts) == 2 and sorted(cohorts.sizes) == [6, 6]
    assert len(aggregate.group(inst, by_unit=True)) == 6
    exact = solve(inst, SolveConfig(engine="cpsat", time_limit=5))
    planned = solve(inst, SolveConfig(engine="auto", time_limit=5))
    assert planned.info["method"] == "cohort" and plan_dict(planned, "en")["method"]["cohorts"] == 2
    assert check_plan(inst, planned).ok
    # the aggregated model is a relaxation: its bound is never below the exact optimum
    assert planned.bound >= exact.objective and planned.objective <= planned.bound
    assert planned.objective == exact.objective  # and splitting loses nothing here


def test_split_repairs_the_unit_share_rule_summed_over_units_in_the_model():
    inst = _role_case()
    from planner.optimise.instance import Limits

    tight = inst.replace(limits=Limits(30, max_share_away=0.25))  # 4 staff per unit: 1 away a week
    planned = solve(tight, SolveConfig(engine="auto", time_limit=5))
    report = check_plan(tight, planned)
    assert report.ok, [violation_text("en", v) for v in report.violations]


def test_weight_by_effectiveness_prefers_the_course_that_works_and_names_the_option():
    inst = make(
        needs=[{"id": "n", "weight": 50}],
        courses=[{"id": "weak"}, {"id": "good"}],
        sessions=[
            {"id": "w1", "course": "weak", "start": "2026-03-02"},
            {"id": "g1", "course": "good", "start": "2026-09-07"},
        ],
        options=[
            {"session": "w1", "needs": ["n"], "cost": 100_000},
            {"session": "g1", "needs": ["n"], "cost": 200_000},
        ],
    )
    plain = solve(inst, SolveConfig(engine="auto", time_limit=5))
    assert [a.course for a in plain.assignments] == ["weak"]  # earlier and cheaper
    shares = {"weak": 0.2, "good": None}  # no data for "good": counted 1.0
    weighted = solve(
        inst,
        SolveConfig(
            engine="auto", time_limit=5, weight_by_effectiveness=True, effectiveness=shares
        ),
    )
    assert [a.course for a in weighted.assignments] == ["good"]
    data = plan_dict(weighted, "en")
    assert data["options"] == {"weight_by_effectiveness": True}
    assert plan_dict(plain, "en")["options"] == {"weight_by_effectiveness": False}
    assert check_plan(inst, data, effectiveness=shares).ok
    assert weighted.objective == Objective(inst, effectiveness=(0.2, 1.0)).option_points[1]


def test_benchmark_harness_runs_on_a_tiny_case(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    folder = bench.case_folder(30, "2026", 1, "role", cache=tmp_path)
    path, stages = bench.prepare(folder)
    assert stages["officials"] == 30 and path.exists()
    rows = []
    for method in ("greedy", "planner"):
        row = bench.run_one(path, method, time_limit=2, threads=1, seed=0)
        assert row.get("checked"), row
        rows.append({**row, "case": "tiny"})
    # the way the harness runs each method: its own process, watched for time and memory
    row = bench._subprocess(path, "planner", 2, 1, 0, timeout=120, memory_cap_gb=4)
    assert row.get("checked"), row
    killed = bench._subprocess(path, "planner", 2, 1, 0, timeout=120, memory_cap_gb=0.001)
    assert "cap" in killed["error"], killed
    # time to 1 % is read from the progress trace the run recorded
    assert all(r["trace"] and r["trace"][-1][1] == r["objective"] for r in rows)
    text = bench.table(rows)
    assert "planner" in text and "greedy" in text and json.dumps(rows)


def test_an_instance_pickles_compactly_and_comes_back_equal():
    import pickle

    inst = _role_case()
    back = pickle.loads(pickle.dumps(inst))
    assert back.options == inst.options and back.needs == inst.needs
    assert back.budgets == inst.budgets and back.limits == inst.limits
    assert [list(x) for x in back.options_by_official] == [
        list(x) for x in inst.options_by_official
    ]
    assert back.options_by_need == inst.options_by_need
