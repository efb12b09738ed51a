"""In-service programmes hold class in blocks (issue 13 item 5): the rules that read a session's
dates count its class days only. A short course between two blocks fits; one on a block day is
refused (time clash, unit share); days away are the class days; random instances with class
blocks go through every engine and the solver-free checker."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from tests.optimise.factory import make
from tests.optimise.strategies import finish

from planner import pipeline
from planner.optimise.check import check_plan
from planner.optimise.instance import Limits, class_days_meet
from planner.optimise.solve import SolveConfig, solve
from planner.report.plan_text import violation_text

ENGINES = ("cpsat", "highs", "greedy")

# An in-service programme over February-April 2026, in class the first week of each month.
BLOCKS = [("2026-02-02", "2026-02-06"), ("2026-03-02", "2026-03-06"), ("2026-04-06", "2026-04-10")]
IN_SERVICE = {"id": "ip", "course": "llct", "start": "2026-02-02", "end": "2026-04-10"}
BETWEEN = ("2026-03-09", "2026-03-13")  # the week after the March block
ON_BLOCK = ("2026-03-04", "2026-03-06")  # inside the March block


def plan(inst, engine):
    result = solve(inst, SolveConfig(engine=engine, time_limit=5))
    report = check_plan(inst, result)
    assert report.ok, [violation_text("en", v) for v in report.violations]
    assert report.objective == result.objective
    return result


def causes(result):
    return {(u.official_id, u.need): u.cause for u in result.unmet}


def one_official(short: tuple[str, str], blocks=BLOCKS):
    return make(
        needs=[{"id": "theory", "weight": 50}, {"id": "skill", "weight": 40}],
        courses=[{"id": "llct"}, {"id": "short"}],
        sessions=[
            {**IN_SERVICE, "blocks": blocks, "days": 15},
            {"id": "s1", "course": "short", "start": short[0], "end": short[1]},
        ],
        options=[{"session": "ip", "needs": ["theory"]}, {"session": "s1", "needs": ["skill"]}],
        limits=Limits(max_days_away_per_year=60, max_share_away=0.3),
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_short_course_between_blocks_is_allowed(engine):
    result = plan(one_official(BETWEEN), engine)
    assert sorted(a.session for a in result.assignments) == ["ip", "s1"]
    assert result.unmet == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_short_course_on_a_block_day_is_refused(engine):
    result = plan(one_official(ON_BLOCK), engine)
    assert [a.session for a in result.assignments] == ["ip"]
    assert causes(result) == {("A", "skill"): "time_clash"}


@pytest.mark.parametrize("engine", ENGINES)
def test_without_class_days_the_whole_span_blocks_as_before(engine):
    result = plan(one_official(BETWEEN, blocks=()), engine)
    assert [a.session for a in result.assignments] == ["ip"]
    assert causes(result) == {("A", "skill"): "time_clash"}


def unit_of_two(short: tuple[str, str], blocks=BLOCKS):
    # two officials of one unit, at most one away a week (share 0.5 of 2)
    return make(
        officials=[("A", "u"), ("B", "u")],
        needs=[
            {"id": "theory", "official": "A", "weight": 50},
            {"id": "skill", "official": "B", "weight": 40},
        ],
        courses=[{"id": "llct"}, {"id": "short"}],
        sessions=[
            {**IN_SERVICE, "blocks": blocks, "days": 15},
            {"id": "s1", "course": "short", "start": short[0], "end": short[1]},
        ],
        options=[
            {"official": "A", "session": "ip", "needs": ["theory"]},
            {"official": "B", "session": "s1", "needs": ["skill"]},
        ],
        limits=Limits(max_days_away_per_year=60, max_share_away=0.5),
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_unit_share_counts_the_weeks_of_class_only(engine):
    between = plan(unit_of_two(BETWEEN), engine)
    assert between.unmet == []
    on_block = plan(unit_of_two(ON_BLOCK), engine)
    assert causes(on_block) == {("B", "skill"): "unit_share"}
    whole_span = plan(unit_of_two(BETWEEN, blocks=()), engine)
    assert causes(whole_span) == {("B", "skill"): "unit_share"}


@pytest.mark.parametrize("engine", ENGINES)
def test_days_away_sum_the_class_days(engine):
    # 15 class days in the blocks (the days build counts, see below), 5 in the short course:
    # 20 fit a limit of 20, not of 19
    def inst(limit):
        base = one_official(BETWEEN)
        return base.replace(limits=Limits(max_days_away_per_year=limit, max_share_away=0.3))

    assert plan(inst(20), engine).unmet == []
    assert causes(plan(inst(19), engine)) == {("A", "skill"): "time_limit_per_official"}


def test_class_days_meet_compares_blocks_not_spans():
    inst = one_official(BETWEEN)
    ip, short = inst.sessions
    assert ip.start <= short.start <= ip.end  # inside the span…
    assert not class_days_meet(ip, short)  # …but between the blocks
    assert not ip.holds_class(short.start)
    assert class_days_meet(ip, one_official(ON_BLOCK).sessions[1])
    assert inst.session_weeks[0] == (202606, 202610, 202615)


# -- the bundled catalog: in-service sessions carry the default pattern ---------------------------


@pytest.fixture(scope="module")
def thoi_binh():
    return pipeline.load("examples/thoi-binh")


def test_bundled_in_service_sessions_hold_class_one_week_a_month(thoi_binh):
    inst = pipeline.prepare(thoi_binh).instance
    by_id = {s.id: s for s in inst.sessions}
    tckt = by_id["tckt-2026-1"]  # 2026-04-06 to 2027-09-30: 18 monthly blocks of 5 days
    assert len(tckt.blocks) == 18
    assert {b - a for a, b in tckt.blocks} == {4}
    assert dt.date.fromordinal(tckt.blocks[0][0]) == dt.date(2026, 4, 6)
    assert tckt.days == 0  # political theory is exempt from the days-away cap (limits)
    full_time = by_id["tctt-2026-1"]
    assert full_time.blocks == ()  # no class days given: the whole span, as before
    assert full_time.class_blocks == ((full_time.start, full_time.end),)


def test_days_away_of_an_in_service_session_are_its_class_days(thoi_binh):
    limits = thoi_binh.config.limits.model_copy(update={"days_away_exempt_kinds": []})
    case = dataclasses.replace(
        thoi_binh, config=thoi_binh.config.model_copy(update={"limits": limits})
    )
    by_id = {s.id: s for s in pipeline.prepare(case).instance.sessions}
    assert by_id["tckt-2026-1"].days == 18 * 5  # = the course's duration_days (90)
    assert by_id["cckt-2026-1"].days == 24 * 5  # = 120
    assert by_id["ths-2026-1"].days == 24 * 4  # 4 working days a month over 2 years
    assert by_id["tctt-2026-1"].days == 160  # full time: duration_days, unchanged


# -- random instances with class blocks: every engine's plan passes the checker ------------------


@st.composite
def in_service_instances(draw):
    n_off = draw(st.integers(1, 3))
    officials = [(f"O{i}", f"u{draw(st.integers(0, 1))}") for i in range(n_off)]
    courses = [{"id": f"c{i}"} for i in range(3)]
    sessions = []
    for i in range(draw(st.integers(1, 4))):
        month = draw(st.integers(1, 9))
        if draw(st.booleans()):  # in service: class the first `w` days of 1-3 months
            w = draw(st.integers(1, 5))
            months = draw(st.integers(1, 3))
            blocks = [
                (f"2026-{m:02d}-01", f"2026-{m:02d}-{w:02d}") for m in range(month, month + months)
            ]
            start, end = blocks[0][0], f"2026-{month + months - 1:02d}-28"
        else:
            day = draw(st.integers(1, 27))
            start = f"2026-{month:02d}-{day:02d}"
            end = f"2026-{month:02d}-{min(28, day + draw(st.integers(0, 4))):02d}"
            blocks = []
        sessions.append(
            {
                "id": f"s{i}",
                "course": f"c{draw(st.integers(0, 2))}",
                "start": start,
                "end": end,
                "blocks": blocks,
                "seats": draw(st.integers(1, 3)),
                "away": draw(st.booleans()),
            }
        )
    needs = [
        {"id": f"n{k}", "official": official, "weight": draw(st.integers(1, 90))}
        for official, _ in officials
        for k in range(draw(st.integers(0, 3)))
    ]
    return finish(draw, officials, needs, courses, sessions)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(in_service_instances())
def test_plans_with_class_blocks_pass_the_checker(inst):
    best = {}
    for engine in ENGINES:
        result = solve(inst, SolveConfig(engine=engine, time_limit=5))
        report = check_plan(inst, result)
        assert report.ok, (engine, [violation_text("en", v) for v in report.violations])
        assert report.objective == result.objective <= result.bound
        best[engine] = result
    # the model and the checker agree: an exact engine is never below the greedy plan
    assert best["cpsat"].objective >= best["greedy"].objective
    if best["cpsat"].status == "optimal" and best["highs"].status == "optimal":
        assert best["cpsat"].objective == best["highs"].objective
