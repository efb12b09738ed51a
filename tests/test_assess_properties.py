"""Properties of `assess` over random profiles and dates (hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings, strategies as st

from planner.assess.needs import AssessmentContext, Assessor
from planner.domain.profile import Official, TrainingRecord
from planner.io.loading import bundled_dir, load_catalog, load_rules
from planner.report.text import need_reason
from planner.types import QUALIFICATION_SCALES

FRAMEWORK = load_rules(bundled_dir("rules"))
CATALOG = load_catalog(Path(__file__).parent / "cases" / "rules" / "catalog.yaml", FRAMEWORK)
POSITIONS = sorted(FRAMEWORK.positions)
COMPETENCIES = sorted(FRAMEWORK.competencies)
# Courses of the test catalog that together deliver every programme the rules can require.
FULL_HISTORY_COURSES = (
    "lead_cp_20",
    "lead_cs",
    "ku_g1",
    "ku_g2",
    "ku_g3",
    "two_level",
    "finance_5d",
)

dates = st.dates(min_value=dt.date(2018, 3, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def officials(draw: st.DrawFn) -> Official:
    return Official(
        id="P1",
        full_name="Người Thử",
        unit="Xã Thử",
        position=draw(st.sampled_from(POSITIONS)),
        planning_pool=draw(st.none() | st.sampled_from(POSITIONS)),
        birth_date=draw(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2000, 1, 1))),
        gender=draw(st.sampled_from(["male", "female"])),
        party_member=draw(st.booleans()),
        ethnic_minority=draw(st.booleans()),
        difficult_area=draw(st.booleans()),
        leader_group=draw(st.none() | st.integers(1, 3)),
        grade=draw(
            st.none() | st.sampled_from(["chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"])
        ),
        appointed_on=draw(
            st.none() | st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2030, 1, 1))
        ),
        education=draw(st.none() | st.sampled_from(QUALIFICATION_SCALES["education"])),
        political_theory=draw(
            st.none() | st.sampled_from(QUALIFICATION_SCALES["political_theory"])
        ),
        state_management=draw(
            st.none() | st.sampled_from(QUALIFICATION_SCALES["state_management"])
        ),
        competencies=draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(0, 5))),
    )


def _context(on: dt.date, offset: int) -> AssessmentContext:
    start = on.year - offset
    return AssessmentContext(on, start, start + 4)


@settings(max_examples=150, deadline=None)
@given(officials(), dates, st.integers(0, 4))
def test_an_official_meeting_every_requirement_has_no_need(
    official: Official, on: dt.date, offset: int
) -> None:
    qualified = official.model_copy(
        update={
            "education": "tien_si",
            "political_theory": "cu_nhan",
            "state_management": "chuyen_vien_cao_cap",
            "competencies": dict.fromkeys(COMPETENCIES, 5),
        }
    )
    history = [
        TrainingRecord(official_id=official.id, course=c, completed_on=on, result="passed")
        for c in FULL_HISTORY_COURSES
    ]
    needs = Assessor(FRAMEWORK, CATALOG, _context(on, offset)).assess_official(qualified, history)
    assert needs == []


@settings(max_examples=200, deadline=None)
@given(officials(), dates, st.integers(0, 4), st.sampled_from(sorted(QUALIFICATION_SCALES)))
def test_raising_a_qualification_never_adds_a_need(
    official: Official, on: dt.date, offset: int, field: str
) -> None:
    scale = QUALIFICATION_SCALES[field]
    held = official.qualification(field)
    rank = -1 if held is None else scale.index(held)
    if rank + 1 >= len(scale):
        return
    raised = official.model_copy(update={field: scale[rank + 1]})
    assessor = Assessor(FRAMEWORK, CATALOG, _context(on, offset))
    before = {n.need for n in assessor.assess_official(official, [])}
    after = {n.need for n in assessor.assess_official(raised, [])}
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(officials(), dates, st.integers(0, 4))
def test_every_need_has_a_reference_a_reason_and_a_rule_in_force(
    official: Official, on: dt.date, offset: int
) -> None:
    for need in Assessor(FRAMEWORK, CATALOG, _context(on, offset)).assess_official(official, []):
        rule = FRAMEWORK.rules[need.rule]
        version = rule.version_on(on)
        assert version is not None and version.reference == need.reference
        assert need.reason.key.startswith("reason.") and need.reference.title
        assert need_reason(need, "vi").endswith(".") and need_reason(need, "en").endswith(".")
        if need.overdue:
            assert need.deadline is not None and need.deadline <= on
        if need.deadline is not None and need.deadline < on:
            assert need.overdue
