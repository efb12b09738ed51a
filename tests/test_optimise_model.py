"""Each rule module's rows, on the model the product solves: one small feasible (or binding) and
one infeasible (or excluded) case per rule, solved on the aggregated view (one cohort of three
identical officials) and on the individual view (singleton cohorts), with the solver-free
checker agreeing: the model's plan passes it, and the plan the rule excludes is flagged by it.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.optimise.factory import make

from planner.optimise import aggregate
from planner.optimise.arrays import solve_cpsat, solve_highs
from planner.optimise.check import check_plan
from planner.optimise.constraints import RULES, coupling_rules, official_rules
from planner.optimise.instance import Instance, Limits
from planner.optimise.objective import Objective
from planner.optimise.split import split
from planner.optimise.state import PlanState

PEOPLE = ("A", "B", "C")
VIEWS = ("aggregated", "individual")


def crowd(
    needs: list[dict[str, Any]],
    sessions: list[dict[str, Any]],
    options: list[dict[str, Any]],
    courses: list[dict[str, Any]] | None = None,
    unit: str = "u",
    limits: Limits | None = None,
    **kw: Any,
) -> Instance:
    """Three officials with the same needs and options (one cohort when aggregated); all three
    may be away together unless `limits` say otherwise."""
    return make(
        officials=[(p, unit) for p in PEOPLE],
        needs=[{**n, "official": p} for p in PEOPLE for n in needs],
        courses=courses or [{"id": s["course"]} for s in sessions],
        sessions=sessions,
        options=[{**o, "official": p} for p in PEOPLE for o in options],
        limits=limits or Limits(30, 1.0),
        **kw,
    )


def solve_view(inst: Instance, view: str, engine: str = "highs") -> tuple[str, set[int]]:
    """Solve the model of one view; the status and the individual plan it splits into."""
    objective = Objective(inst)
    cohorts = aggregate.group(inst, singletons=view == "individual")
    if view == "aggregated":
        assert max(cohorts.sizes) > 1
    agg = aggregate.build(inst, objective, cohorts)
    if engine == "highs":
        result = solve_highs(agg.model, time_limit=5)
        promised = agg.reported_bound(result.objective or 0.0)
    else:
        result = solve_cpsat(agg.model, time_limit=5, workers=1, int_obj=agg.int_obj)
        promised = agg.int_bound(objective, result.objective or 0.0)
    if result.x is None:
        return result.status, set()
    assert agg.model.violation(result.x) < 1e-6
    plan = split(agg, result.x, objective)
    # the split plan is worth what the model promised (nothing lost splitting back)
    assert objective.reported(PlanState(inst, plan)) == promised
    return result.status, plan


def as_plan(inst: Instance, chosen: set[int]) -> dict[str, Any]:
    """A Plan JSON (the checker's input) of chosen options."""
    rows = []
    for o in sorted(chosen):
        option = inst.options[o]
        session = inst.sessions[option.session]
        rows.append(
            {
                "official_id": inst.officials[option.official].id,
                "course": inst.courses[session.course].id,
                "session": session.id,
                "needs": [inst.needs[n].id for n in option.needs],
            }
        )
    return {"assignments": rows}


def rules_broken(inst: Instance, chosen: set[int]) -> set[str]:
    return {v.rule for v in check_plan(inst, as_plan(inst, chosen)).violations}


def sessions_of(inst: Instance, chosen: set[int]) -> list[str]:
    return sorted(inst.sessions[inst.options[o].session].id for o in chosen)


ONE_NEED = [{"id": "n", "weight": 10}]


def one_session(**session: Any) -> Instance:
    return crowd(
        ONE_NEED,
        [{"id": "s", "course": "c", "start": "2026-03-02", **session}],
        [{"session": "s", "needs": ["n"], "cost": 1_000_000}],
    )


# (rule, the instance where the rule binds, sessions the model plans, rules broken by "all")
CASES: dict[str, Any] = {}


def case(rule: str) -> Any:
    def register(fn: Any) -> Any:
        CASES[rule] = fn
        return fn

    return register


@case("seats")
def _seats() -> tuple[Instance, list[str], Instance, list[str]]:
    return one_session(seats=2), ["s", "s"], one_session(seats=3), ["s"] * 3


@case("min_class")
def _min_class() -> tuple[Instance, list[str], Instance, list[str]]:
    return one_session(min=4), [], one_session(min=3, class_cost=500_000), ["s"] * 3


@case("budget")
def _budget() -> tuple[Instance, list[str], Instance, list[str]]:
    tight = one_session().replace(budgets={(2026, "ngan_sach_tinh"): 2_500_000})
    enough = one_session().replace(budgets={(2026, "ngan_sach_tinh"): 3_000_000})
    return tight, ["s", "s"], enough, ["s"] * 3


@case("unit_share")
def _unit_share() -> tuple[Instance, list[str], Instance, list[str]]:
    # three staff, share 0.5: one away a week; online sessions do not count
    limits = Limits(30, 0.5)
    away = one_session().replace(limits=limits)
    online = one_session(away=False).replace(limits=limits)
    return away, ["s"], online, ["s"] * 3


def _two(first: dict[str, Any], second: dict[str, Any], **kw: Any) -> Instance:
    return crowd(
        [{"id": "n1", "weight": 10}, {"id": "n2", "weight": 5}],
        [{"id": "s1", "course": "c1", **first}, {"id": "s2", "course": "c2", **second}],
        [{"session": "s1", "needs": ["n1"]}, {"session": "s2", "needs": ["n2"]}],
        **kw,
    )


@case("no_double_content")
def _no_double_content() -> tuple[Instance, list[str], Instance, list[str]]:
    overlap = _two({"start": "2026-03-02", "end": "2026-03-06"}, {"start": "2026-03-04"})
    apart = _two({"start": "2026-03-02", "end": "2026-03-06"}, {"start": "2026-04-06"})
    return overlap, ["s1"] * 3, apart, ["s1"] * 3 + ["s2"] * 3


@case("time_away")
def _time_away() -> tuple[Instance, list[str], Instance, list[str]]:
    week = {"start": "2026-03-02", "days": 3}
    later = {"start": "2026-06-01", "days": 3}
    tight = _two(week, later, limits=Limits(5, 1.0))
    loose = _two(week, later, limits=Limits(6, 1.0))
    return tight, ["s1"] * 3, loose, ["s1"] * 3 + ["s2"] * 3


def _prerequisite(first_start: str) -> Instance:
    return crowd(
        [{"id": "n1", "weight": 1}, {"id": "n2", "weight": 10}],
        [
            {"id": "a", "course": "base", "start": first_start},
            {"id": "b", "course": "next", "start": "2026-06-01"},
        ],
        [{"session": "a", "needs": ["n1"]}, {"session": "b", "needs": ["n2"], "pending": ["base"]}],
        courses=[{"id": "base"}, {"id": "next", "prerequisites": ["base"]}],
    )


@case("prerequisites")
def _prerequisites() -> tuple[Instance, list[str], Instance, list[str]]:
    late = _prerequisite("2026-09-07")  # the prerequisite only after the follow-up
    early = _prerequisite("2026-03-02")
    return late, ["a"] * 3, early, ["a"] * 3 + ["b"] * 3


def _term(seats: int, year: int = 2030) -> Instance:
    return crowd(
        [{"id": "ku", "weight": 1, "kind": "mandatory", "term": True}, {"id": "x", "weight": 99}],
        [
            {"id": "k", "course": "ku", "start": f"{year}-03-02", "seats": seats},
            {"id": "o", "course": "other", "start": f"{year}-03-02"},  # same day: one of them
        ],
        [{"session": "k", "needs": ["ku"]}, {"session": "o", "needs": ["x"]}],
        years=(year,),
    )


@case("term_coverage")
def _term_coverage() -> tuple[Instance, list[str], Instance, list[str]]:
    # hard at the term's end: the knowledge update wins over a weightier need; before the
    # term's last year it is soft and the weightier need wins
    return _term(3), ["k"] * 3, _term(3, 2029), ["o"] * 3


@case("deadlines")
def _deadlines() -> tuple[Instance, list[str], Instance, list[str]]:
    def inst(start: str) -> Instance:
        return crowd(
            [{"id": "n", "deadline": "2026-06-30"}],
            [{"id": "s", "course": "c", "start": start}],
            [{"session": "s", "needs": ["n"]}],
        )

    return inst("2026-09-07"), [], inst("2026-05-04"), ["s"] * 3


def test_every_rule_has_a_case_and_says_whether_it_couples_officials():
    assert set(CASES) == {rule.NAME for rule in RULES}
    assert {r.NAME for r in coupling_rules()} == {"seats", "min_class", "budget", "unit_share"}
    assert {r.NAME for r in official_rules()} == set(CASES) - {r.NAME for r in coupling_rules()}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_rule_binds_on_both_views_and_the_checker_agrees(rule: str, view: str) -> None:
    binding, planned, loose, planned_loose = CASES[rule]()
    for inst, expected in ((binding, planned), (loose, planned_loose)):
        status, plan = solve_view(inst, view)
        assert status == "optimal"
        assert sessions_of(inst, plan) == expected
        assert rules_broken(inst, plan) == set()
    everything = set(range(len(binding.options)))
    if rule == "deadlines":  # encoded in the options: a late session closes nothing
        assert all(not option.needs for option in binding.options)
        claimed = as_plan(binding, everything)
        for row in claimed["assignments"]:
            row["needs"] = ["n"]
        assert "deadlines" in {v.rule for v in check_plan(binding, claimed).violations}
    elif rule == "term_coverage":
        others = {o for o in everything if binding.sessions[binding.options[o].session].id == "o"}
        assert rule in rules_broken(binding, others)
    else:
        assert rule in rules_broken(binding, everything)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("engine", ["highs", "cpsat"])
def test_a_hard_rule_that_cannot_hold_makes_both_views_infeasible(view: str, engine: str) -> None:
    status, _ = solve_view(_term(2), view, engine)  # three leaders, two seats
    assert status == "infeasible"
    status, plan = solve_view(_term(3), view, engine)
    assert status == "optimal" and sessions_of(_term(3), plan) == ["k"] * 3
