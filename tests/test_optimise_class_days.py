"""In-service programmes hold class in blocks (issue 13 item 5): the rules that read a session's
dates count its class days only. A short course between two blocks fits; one on a block day is
refused (time clash, unit share); days away are the class days; random instances with class
blocks go through every engine and the solver-free checker (tests/test_optimise_hypothesis.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.optimise.factory import make
from tests.test_optimise_rules import ENGINES, causes, plan

from planner import pipeline
from planner.optimise.instance import Limits, class_days_meet

# An in-service programme over February-April 2026, in class the first week of each month.
BLOCKS = [("2026-02-02", "2026-02-06"), ("2026-03-02", "2026-03-06"), ("2026-04-06", "2026-04-10")]
IN_SERVICE = {"id": "ip", "course": "llct", "start": "2026-02-02", "end": "2026-04-10"}
BETWEEN = ("2026-03-09", "2026-03-13")  # the week after the March block
ON_BLOCK = ("2026-03-04", "2026-03-06")  # inside the March block


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
