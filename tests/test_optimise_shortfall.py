"""Never "no plan": when the hard rules cannot all hold, the best plan anyway (status
`infeasible_rules`), who falls short, and the remedy found — one case per rule that keeps the
term's knowledge update from everyone who must have it (seats, budget, days away, unit share,
class minimum, deadline), each with its shortfall and remedy asserted, and the plan checked."""

from __future__ import annotations

import pytest
from tests.optimise.factory import make

from planner.domain.message import Message, Money
from planner.optimise import shortfall
from planner.optimise.check import check_plan
from planner.optimise.instance import Limits
from planner.optimise.result import Infeasible
from planner.optimise.solve import SolveConfig, solve
from planner.report.plan_text import plan_dict, remedy_text, shortfall_lines

KU = "programme:knowledge_update_g3"


def leaders(officials=(("A", "u1"), ("B", "u2")), sessions=None, **kw):
    """Leaders who must all get the term's knowledge update (the horizon ends the term)."""
    sessions = sessions or [{"id": "ku-1", "start": "2030-03-02", "seats": 5}]
    return make(
        officials=officials,
        years=(2030,),
        needs=[
            {"id": KU, "official": o, "weight": 75, "kind": "mandatory", "term": True, **kw}
            for o, _ in officials
        ],
        courses=[{"id": "ku", "kind": "knowledge_update"}],
        sessions=[{"course": "ku", **s} for s in sessions],
        options=[
            {"official": o, "session": s["id"], "needs": [KU], "cost": 100_000}
            for o, _ in officials
            for s in sessions
        ],
    )


def best(inst, engine="auto"):
    """The plan the solver makes anyway, checked: the check finds exactly its shortfalls."""
    with pytest.raises(Infeasible) as info:
        solve(inst, SolveConfig(engine=engine, time_limit=5, work_limit=200))
    plan = info.value.plan
    assert plan is not None and plan.status == "infeasible_rules"
    data = plan_dict(plan, "en")
    report = check_plan(inst, data)
    assert report.ok and not report.violations
    assert report.declared == len(report.shortfalls) == sum(f.count for f in plan.shortfalls)
    assert {v.official_id for v in report.shortfalls} == set(plan.shortfalls[0].officials)
    assert data["shortfalls"][0]["remedy"] == remedy_text("en", info.value)
    assert shortfall_lines("en", plan)  # the top of every report
    return plan, info.value


def changes(error):
    return error.facts.args["changes"]


@pytest.mark.parametrize("engine", ["auto", "highs", "cpsat", "greedy", "colgen"])
def test_seats_one_leader_short_and_one_more_seat_named(engine):
    inst = leaders(sessions=[{"id": "ku-1", "start": "2030-03-02", "seats": 1}])
    plan, error = best(inst, engine)
    assert len(plan.assignments) == 1  # as many hard needs as possible: the one seat is used
    (short,) = plan.shortfalls
    assert short.rule == "term_coverage" and short.count == 1 and short.causes == {"seats": 1}
    assert error.facts.key == "plan.remedy.least"
    assert changes(error) == (
        Message("plan.remedy.seats", {"extra": 1, "session": "ku-1", "course": "ku", "year": 2030}),
    )
    assert "1 more seat(s) in session ku-1 (ku, 2030)" in remedy_text("en", error)


def test_budget_the_missing_amount_on_its_line():
    inst = leaders().replace(budgets={(2030, "ngan_sach_tinh"): 150_000})
    plan, error = best(inst)
    assert plan.shortfalls[0].count == 1 and plan.shortfalls[0].causes == {"budget": 1}
    assert changes(error) == (
        Message(
            "plan.remedy.budget", {"extra": Money(50_000), "source": "ngan_sach_tinh", "year": 2030}
        ),
    )


def test_days_away_each_leader_short_by_the_days_over_the_limit():
    sessions = [{"id": "ku-1", "start": "2030-03-02", "end": "2030-03-21", "seats": 5}]
    inst = leaders(sessions=sessions).replace(limits=Limits(10, 0.3))
    plan, error = best(inst)
    assert plan.assignments == [] and plan.shortfalls[0].count == 2
    assert plan.shortfalls[0].officials == ("A", "B")
    assert sorted(changes(error), key=lambda m: m.args["official"]) == [
        Message("plan.remedy.time_away", {"extra": 10, "official": o}) for o in ("A", "B")
    ]


def test_unit_share_one_more_person_of_the_unit_away():
    inst = leaders(officials=(("A", "u1"), ("B", "u1")))  # 2 staff, 30 %: one away at a time
    plan, error = best(inst)
    assert len(plan.assignments) == 1 and plan.shortfalls[0].causes == {"unit_share": 1}
    assert changes(error) == (Message("plan.remedy.unit_share", {"extra": 1, "unit": "u1"}),)


def test_class_minimum_open_below_it_or_more_learners():
    inst = leaders(sessions=[{"id": "ku-1", "start": "2030-03-02", "seats": 5, "min": 3}])
    plan, error = best(inst)
    assert plan.assignments == [] and plan.shortfalls[0].count == 2
    (change,) = changes(error)
    assert change.key == "plan.remedy.min_class"
    assert (change.args["participants"], change.args["minimum"], change.args["extra"]) == (2, 3, 1)


def test_deadline_the_session_before_it_needs_the_seat_not_the_later_one():
    sessions = [
        {"id": "ku-1", "start": "2030-03-02", "seats": 1},
        {"id": "ku-2", "start": "2030-09-07", "seats": 5},  # after the deadline: useless
    ]
    plan, error = best(leaders(sessions=sessions, deadline="2030-06-30"))
    assert [a.session for a in plan.assignments] == ["ku-1"]
    assert plan.shortfalls[0].count == 1
    assert changes(error) == (
        Message("plan.remedy.seats", {"extra": 1, "session": "ku-1", "course": "ku", "year": 2030}),
    )


def test_too_big_for_the_elastic_solve_the_completed_plan_gives_a_sufficient_remedy(monkeypatch):
    monkeypatch.setattr(shortfall, "CPSAT_MAX_OPTIONS", 0)
    monkeypatch.setattr("planner.optimise.remedy.CPSAT_MAX_OPTIONS", 0)
    plan, error = best(leaders(sessions=[{"id": "ku-1", "start": "2030-03-02", "seats": 1}]))
    assert error.facts.key == "plan.remedy.enough"  # found by completing the plan, not least
    assert changes(error) == (
        Message("plan.remedy.seats", {"extra": 1, "session": "ku-1", "course": "ku", "year": 2030}),
    )
    assert len(plan.assignments) == 1


def test_a_plan_that_hides_a_shortfall_or_declares_a_wrong_one_fails_the_check():
    inst = leaders(sessions=[{"id": "ku-1", "start": "2030-03-02", "seats": 1}])
    plan, _ = best(inst)
    data = plan_dict(plan, "en")
    hidden = {**data, "status": "feasible", "shortfalls": []}
    assert not check_plan(inst, hidden).ok
    wrong = {**data, "shortfalls": [{**data["shortfalls"][0], "count": 2}]}
    assert not check_plan(inst, wrong).ok


def test_best_effort_off_raises_without_a_plan():
    inst = leaders(sessions=[{"id": "ku-1", "start": "2030-03-02", "seats": 1}])
    with pytest.raises(Infeasible) as info:
        solve(inst, SolveConfig(time_limit=5, best_effort=False))
    assert info.value.plan is None
