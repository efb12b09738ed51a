"""One tiny feasible case and one forcing an unmet need (or infeasibility) per hard rule.

Every plan goes through the solver-free checker."""

from __future__ import annotations

import pytest
from tests.optimise.factory import make

from planner.domain.message import Message
from planner.errors import InfeasiblePlanError
from planner.optimise.check import check_plan
from planner.optimise.instance import Limits
from planner.optimise.solve import SolveConfig, solve
from planner.report.plan_text import plan_dict, remedy_text, render, violation_text

ENGINES = ("cpsat", "highs", "greedy")


def plan(inst, engine="cpsat", **kw):
    result = solve(inst, SolveConfig(engine=engine, time_limit=5, **kw))
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective
    return result


def causes(result):
    return {(u.official_id, u.need): u.cause for u in result.unmet}


def two(seats=1, **session):
    return make(
        officials=[("A", "u1"), ("B", "u2")],
        needs=[
            {"id": "n", "official": "A", "weight": 50},
            {"id": "n", "official": "B", "weight": 40},
        ],
        courses=[{"id": "c"}],
        sessions=[{"id": "s", "course": "c", "start": "2026-03-02", "seats": seats, **session}],
        options=[
            {"official": "A", "session": "s", "needs": ["n"], "cost": 1_000_000},
            {"official": "B", "session": "s", "needs": ["n"], "cost": 1_000_000},
        ],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_seats_hold_and_the_less_important_need_is_unmet_for_seats(engine):
    result = plan(two(seats=1), engine)
    assert [a.official_id for a in result.assignments] == ["A"]
    assert causes(result) == {("B", "n"): "seats"}
    assert plan(two(seats=2), engine).unmet == []


@pytest.mark.parametrize("engine", ENGINES)
def test_min_class_a_session_below_minimum_does_not_run_or_spend(engine):
    result = plan(two(seats=5, min=3, class_cost=5_000_000), engine)
    assert result.assignments == [] and result.totals["cost_total"] == 0
    # only 2 could ever attend a class that needs 3: no session can run (not a seat shortage)
    assert set(causes(result).values()) == {"below_minimum"}
    assert "3" in render("en", result.unmet[0].detail)
    assert len(plan(two(seats=5, min=2, class_cost=5_000_000), engine).assignments) == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_budget_counts_tuition_and_class_cost_and_names_the_missing_amount(engine):
    inst = two(seats=5, class_cost=2_000_000)
    inst = inst.replace(budgets={(2026, "ngan_sach_tinh"): 3_500_000})
    result = plan(inst, engine)
    assert len(result.assignments) == 1 and result.totals["cost_total"] == 3_000_000
    unmet = result.unmet[0]
    assert (
        unmet.cause == "budget"
        and "500,000 VND" in render("en", unmet.detail)
        and "2026" in render("en", unmet.detail)
    )
    rich = inst.replace(budgets={(2026, "ngan_sach_tinh"): 4_000_000})
    assert plan(rich, engine).unmet == []


@pytest.mark.parametrize("engine", ENGINES)
def test_min_class_a_session_the_budget_cannot_open_is_a_budget_cause(engine):
    inst = two(seats=5, min=2, class_cost=5_000_000).replace(
        budgets={(2026, "ngan_sach_tinh"): 6_000_000}
    )
    result = plan(inst, engine)
    assert result.assignments == []
    assert set(causes(result).values()) == {"budget"}
    assert "1,000,000 VND" in render("en", result.unmet[0].detail)  # 5M + 2 × 1M − 6M


def test_budget_of_an_unlisted_source_is_zero():
    inst = two(seats=5, source="xa_hoi_hoa")
    result = plan(inst)
    assert result.assignments == [] and set(causes(result).values()) == {"budget"}


def _term(seats, years=(2030,)):
    return make(
        officials=[("A", "u1"), ("B", "u2")],
        years=years,
        needs=[
            {
                "id": "programme:knowledge_update_g3",
                "official": o,
                "weight": 75,
                "kind": "mandatory",
                "term": True,
            }
            for o in ("A", "B")
        ],
        courses=[{"id": "ku", "kind": "knowledge_update"}],
        sessions=[{"id": "ku-1", "course": "ku", "start": "2030-03-02", "seats": seats}],
        options=[
            {
                "official": o,
                "session": "ku-1",
                "needs": ["programme:knowledge_update_g3"],
                "cost": 100_000,
            }
            for o in ("A", "B")
        ],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_term_coverage_is_hard_when_the_horizon_reaches_the_term_end(engine):
    assert plan(_term(2), engine).unmet == []
    with pytest.raises(InfeasiblePlanError) as info:
        solve(_term(1), SolveConfig(engine=engine, time_limit=5))
    assert info.value.rule == "term_coverage"
    assert info.value.officials and "seat" in remedy_text("en", info.value)
    # the remedy is facts: the least change, one more seat in the only session
    seat = Message(
        "plan.remedy.seats", {"extra": 1, "session": "ku-1", "course": "ku", "year": 2030}
    )
    assert info.value.facts == Message("plan.remedy.least", {"changes": (seat,)})
    assert remedy_text("en", info.value) == (
        "Least change that makes it feasible: 1 more seat(s) in session ku-1 (ku, 2030)."
    )


def test_term_coverage_is_soft_before_the_term_end():
    inst = _term(1)
    inst = inst.replace(term=(2026, 2031))
    assert not inst.term_is_hard
    result = plan(inst)
    assert list(causes(result).values()) == ["seats"]


def test_deadline_inside_the_horizon_only_sessions_ending_before_it_close_the_need():
    def inst(start):
        return make(
            needs=[{"id": "n", "deadline": "2026-06-30"}],
            courses=[{"id": "c"}],
            sessions=[{"id": "s", "course": "c", "start": start}],
            options=[{"session": "s", "needs": ["n"]}],
        )

    assert plan(inst("2026-05-04")).unmet == []
    late = plan(inst("2026-09-07"))
    assert late.assignments == [] and causes(late) == {("A", "n"): "no_course"}


def _prereq(first_start):
    return make(
        needs=[{"id": "base", "weight": 10}, {"id": "adv", "weight": 50}],
        courses=[{"id": "p"}, {"id": "c", "prerequisites": ["p"]}],
        sessions=[
            {"id": "p1", "course": "p", "start": first_start},
            {"id": "c1", "course": "c", "start": "2026-06-01"},
        ],
        options=[
            {"session": "p1", "needs": ["base"]},
            {"session": "c1", "needs": ["adv"], "pending": ["p"]},
        ],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_prerequisite_planned_earlier_or_the_need_is_unmet_for_prerequisite(engine):
    assert plan(_prereq("2026-03-02"), engine).unmet == []
    result = plan(_prereq("2026-09-07"), engine)
    assert causes(result) == {("A", "adv"): "prerequisite"}


@pytest.mark.parametrize("engine", ENGINES)
def test_no_double_content_and_no_overlap_in_time(engine):
    overlap = make(
        needs=[{"id": "n1", "weight": 50}, {"id": "n2", "weight": 40}],
        courses=[{"id": "a", "overlaps": ["b"]}, {"id": "b", "overlaps": ["a"]}],
        sessions=[
            {"id": "a1", "course": "a", "start": "2026-03-02"},
            {"id": "b1", "course": "b", "start": "2026-05-04"},
        ],
        options=[{"session": "a1", "needs": ["n1"]}, {"session": "b1", "needs": ["n2"]}],
    )
    result = plan(overlap, engine)
    assert [a.session for a in result.assignments] == ["a1"]
    assert causes(result) == {("A", "n2"): "content_held"}
    clash = make(
        needs=[{"id": "n1", "weight": 50}, {"id": "n2", "weight": 40}],
        courses=[{"id": "a"}, {"id": "b"}],
        sessions=[
            {"id": "a1", "course": "a", "start": "2026-03-02", "end": "2026-03-04"},
            {"id": "b1", "course": "b", "start": "2026-03-04"},
        ],
        options=[{"session": "a1", "needs": ["n1"]}, {"session": "b1", "needs": ["n2"]}],
    )
    result = plan(clash, engine)
    assert causes(result) == {("A", "n2"): "time_clash"}
    once = make(
        needs=[{"id": "n1"}],
        courses=[{"id": "a"}, {"id": "b"}],
        sessions=[
            {"id": "a1", "course": "a", "start": "2026-03-02"},
            {"id": "b1", "course": "b", "start": "2026-05-04"},
        ],
        options=[{"session": "a1", "needs": ["n1"]}, {"session": "b1", "needs": ["n1"]}],
    )
    assert len(plan(once, engine).assignments) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_time_away_per_official_per_year(engine):
    def inst(limit):
        return make(
            needs=[{"id": "n1", "weight": 50}, {"id": "n2", "weight": 40}],
            courses=[{"id": "a"}, {"id": "b"}],
            sessions=[
                {"id": "a1", "course": "a", "start": "2026-03-02", "days": 2},
                {"id": "b1", "course": "b", "start": "2026-05-04", "days": 2},
            ],
            options=[{"session": "a1", "needs": ["n1"]}, {"session": "b1", "needs": ["n2"]}],
            limits=Limits(max_days_away_per_year=limit, max_share_away=0.3),
        )

    assert plan(inst(4), engine).unmet == []
    assert causes(plan(inst(3), engine)) == {("A", "n2"): "time_limit_per_official"}


@pytest.mark.parametrize("engine", ENGINES)
def test_unit_share_in_person_counts_online_does_not(engine):
    def inst(away):
        return make(
            officials=[("A", "u"), ("B", "u"), ("C", "u")],
            needs=[
                {"id": "n", "official": o, "weight": w}
                for o, w in (("A", 30), ("B", 20), ("C", 10))
            ],
            courses=[{"id": "c"}],
            sessions=[{"id": "s", "course": "c", "start": "2026-03-02", "away": away}],
            options=[{"official": o, "session": "s", "needs": ["n"]} for o in "ABC"],
            limits=Limits(30, max_share_away=0.5),
        )

    result = plan(inst(True), engine)
    assert [a.official_id for a in result.assignments] == ["A"]
    assert set(causes(result).values()) == {"unit_share"}
    assert plan(inst(False), engine).unmet == []


def test_same_seed_same_plan_byte_for_byte():
    inst = two(seats=1)
    first = plan_dict(solve(inst, SolveConfig(engine="cpsat", seed=3, workers=2)), "en")
    second = plan_dict(solve(inst, SolveConfig(engine="cpsat", seed=3, workers=2)), "en")
    first.pop("time_s"), second.pop("time_s")
    assert first == second


def test_cost_mode_leaves_a_need_worth_less_than_its_cost_unmet():
    inst = make(
        needs=[{"id": "cheap", "weight": 50}, {"id": "dear", "weight": 5}],
        courses=[{"id": "a"}, {"id": "b"}],
        sessions=[
            {"id": "a1", "course": "a", "start": "2026-03-02"},
            {"id": "b1", "course": "b", "start": "2026-05-04"},
        ],
        options=[
            {"session": "a1", "needs": ["cheap"], "cost": 1_000_000},
            {"session": "b1", "needs": ["dear"], "cost": 9_000_000},
        ],
    )
    result = plan(inst, mode="cost")
    assert [a.session for a in result.assignments] == ["a1"]
    assert causes(result) == {("A", "dear"): "budget"}
