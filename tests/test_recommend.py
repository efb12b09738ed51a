"""recommend(): candidates and exclusions per need, on YAML cases (tests/cases/recommend/*.yaml),
targeted unit tests and a property test that no candidate repeats content already held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from planner.assess.needs import AssessmentContext, Need, assess
from planner.domain.message import Day, Money
from planner.domain.profile import Official, TrainingRecord
from planner.io.loading import bundled_dir, load_catalog, load_rules
from planner.recommend.candidates import Recommendations, closes, overlapping_courses, recommend
from planner.report.recommendation import recommendation_json
from planner.report.text import render
from planner.types import QUALIFICATION_SCALES, qualification_rank

FRAMEWORK = load_rules(bundled_dir("rules"))
CATALOG = load_catalog(bundled_dir("catalogs"), FRAMEWORK)
CASES = sorted((Path(__file__).parent / "cases" / "recommend").glob("*.yaml"))


def _run(
    official: Official,
    history: list[TrainingRecord],
    on: dt.date,
    years: list[int],
    term: tuple[int, int] | None = None,
) -> tuple[list[Need], Recommendations]:
    term = term or (years[0], years[0] + 4)
    context = AssessmentContext(on, term[0], term[1])
    needs = assess([official], FRAMEWORK, CATALOG, history, context).needs
    return needs, recommend([official], needs, CATALOG, FRAMEWORK, history, years, on, term)


def _load_case(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    official = Official(**data["official"])
    history = [TrainingRecord(official_id=official.id, **row) for row in data.get("history", [])]
    term = tuple(data["term"]) if "term" in data else None
    needs, recs = _run(official, history, data["reference_date"], data["years"], term)
    return {"data": data, "needs": needs, "recs": recs}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_recommendation_case(path: Path) -> None:
    loaded = _load_case(path)
    data, recs = loaded["data"], loaded["recs"]
    by_need = {r.need: r for r in recs.recommendations}
    for expect in data["expect"]:
        rec = by_need.get(expect["need"])
        assert rec is not None, f"{path.name}: no need {expect['need']}; got {sorted(by_need)}"
        got = [c.course for c in rec.candidates]
        if "candidates" in expect:
            assert got == expect["candidates"], f"{expect['need']}: {got}"
        for course in expect.get("candidates_include", []):
            assert course in got, f"{expect['need']}: {course} not in {got}"
        causes = {e.course: e.cause for e in rec.excluded}
        for course, cause in expect.get("excluded", {}).items():
            assert causes.get(course) == cause, f"{expect['need']}: {course} → {causes.get(course)}"
        requires = {e.course: list(e.requires) for e in rec.excluded}
        for course, courses in expect.get("requires", {}).items():
            assert requires[course] == courses
    proposed = {c.course for r in recs.recommendations for c in r.candidates}
    assert not proposed & set(data.get("never", []))


def _official(**extra: Any) -> Official:
    values: dict[str, Any] = {
        "id": "A",
        "full_name": "A",
        "position": "xa.chu_tich_ubnd",
        "unit": "Xã A",
        "birth_date": dt.date(1978, 4, 2),
        "gender": "male",
        "party_member": True,
        "education": "dai_hoc",
        "political_theory": "so_cap",
        "ratings": ("good", "good"),
    }
    values.update(extra)
    return Official(**values)


ON = dt.date(2026, 1, 15)
TERM = [2026, 2027, 2028, 2029, 2030]


def test_candidates_are_sorted_scored_and_sessions_in_horizon() -> None:
    _, recs = _run(_official(), [], ON, TERM)
    assert recs.recommendations
    for rec in recs.recommendations:
        scores = [(-c.score, c.course) for c in rec.candidates]
        assert scores == sorted(scores)
        for cand in rec.candidates:
            course = CATALOG.courses[cand.course]
            starts = {s.id: s.start for s in course.sessions}
            assert cand.sessions and all(
                starts[s].year in TERM and starts[s] >= ON for s in cand.sessions
            )
            assert rec.need in cand.closes and cand.reason
        assert [(e.cause, e.course) for e in rec.excluded] == sorted(
            (e.cause, e.course) for e in rec.excluded
        )


def test_a_course_closing_more_needs_scores_higher() -> None:
    # The in-person two-level course also builds state-management skills: it closes two needs.
    _, recs = _run(_official(), [], ON, TERM)
    rec = next(r for r in recs.recommendations if r.need == "programme:two_level_government")
    first, second = rec.candidates[0], rec.candidates[1]
    assert first.course == "chinh_quyen_hai_cap_truc_tiep" and len(first.closes) == 2
    assert second.course == "chinh_quyen_hai_cap_truc_tuyen" and first.score > second.score


def test_online_short_cheap_preferred_when_closing_the_same() -> None:
    _, recs = _run(_official(competencies={"digital_skills": 0}), [], ON, TERM)
    rec = next(r for r in recs.recommendations if r.need == "competency:digital_skills")
    assert [c.course for c in rec.candidates] == ["ky_nang_so_co_ban", "chuyen_doi_so_nang_cao"]


def test_horizon_excludes_sessions_before_the_reference_date() -> None:
    on = dt.date(2026, 8, 20)
    _, recs = _run(_official(), [], on, [2026])
    rec = next(r for r in recs.recommendations if r.need == "programme:knowledge_update_g3")
    [cand] = rec.candidates
    assert cand.sessions == ("ckt3x-2026-4",)


def test_reasons_are_facts_rendered_from_the_locale() -> None:
    _, recs = _run(_official(), [], ON, TERM)
    reasons = [c.reason for r in recs.recommendations for c in r.candidates]
    assert reasons and all(m.key == "recommend.candidate" for m in reasons)
    first = reasons[0]
    assert isinstance(first.args["cost"], Money) and isinstance(first.args["first"], Day)
    vi_texts = [render(m, "vi") for m in reasons]
    en_texts = [render(m, "en") for m in reasons]
    assert all("Khóa" in s for s in vi_texts) and all("Course" in s for s in en_texts)
    for message, vi, en in zip(reasons, vi_texts, en_texts, strict=True):
        if message.args["cost"].amount:  # an amount, or "free" rather than "about 0 VND"
            assert " đ/người" in vi and " VND per participant" in en
        else:
            assert "không thu phí" in vi and "free of charge" in en and " 0 " not in en


def test_overlaps_flag_courses_delivering_the_same_content() -> None:
    pairs = overlapping_courses(CATALOG)
    assert pairs == sorted(pairs)
    assert ("llct_trung_cap_khong_tap_trung", "llct_trung_cap_tap_trung") in pairs
    assert ("chinh_quyen_hai_cap_truc_tiep", "chinh_quyen_hai_cap_truc_tuyen") in pairs
    assert ("llct_so_cap", "llct_trung_cap_tap_trung") not in pairs
    _, recs = _run(_official(), [], ON, TERM)
    assert recs.overlaps == pairs
    assert recs.to_dict(str)["overlapping_courses"][0] == list(pairs[0])


def test_recommend_is_deterministic() -> None:
    first = _run(_official(), [], ON, TERM)[1]
    assert _run(_official(), [], ON, TERM)[1] == first
    assert recommendation_json(first, "en") == recommendation_json(
        _run(_official(), [], ON, TERM)[1], "en"
    )


def test_unknown_official_in_needs_is_refused() -> None:
    needs, _ = _run(_official(), [], ON, TERM)
    with pytest.raises(ValueError, match="officials"):
        recommend([], needs, CATALOG, FRAMEWORK, [], TERM, ON)


# -- property: never repeat held content ---------------------------------------------------------

POSITIONS = sorted(FRAMEWORK.positions)
COURSES = sorted(CATALOG.courses)


@st.composite
def officials_with_history(draw: st.DrawFn) -> tuple[Official, list[TrainingRecord]]:
    official = Official(
        id="P",
        full_name="P",
        position=draw(st.sampled_from(POSITIONS)),
        unit="U",
        birth_date=dt.date(draw(st.integers(1962, 2003)), draw(st.integers(1, 12)), 1),
        gender=draw(st.sampled_from(["male", "female"])),
        party_member=draw(st.booleans()),
        ethnic_minority=draw(st.booleans()),
        **{f: draw(st.sampled_from(QUALIFICATION_SCALES[f])) for f in QUALIFICATION_SCALES},
        ratings=tuple(
            draw(st.lists(st.sampled_from(["good", "excellent", "completed"]), max_size=3))
        ),
        competencies={
            c: draw(st.integers(0, 5))
            for c in draw(st.sets(st.sampled_from(sorted(FRAMEWORK.competencies))))
        },
    )
    history = [
        TrainingRecord(
            official_id="P",
            course=course,
            result=draw(st.sampled_from(["passed", "failed"])),
            completed_on=dt.date(draw(st.integers(2019, 2025)), 6, 1),
        )
        for course in draw(st.lists(st.sampled_from(COURSES), max_size=4, unique=True))
    ]
    return official, history


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(officials_with_history())
def test_no_candidate_repeats_content_already_held(
    case: tuple[Official, list[TrainingRecord]],
) -> None:
    official, history = case
    needs, recs = _run(official, history, ON, TERM)
    passed = {r.course for r in history if r.result == "passed"}
    held = {f: official.qualification(f) for f in QUALIFICATION_SCALES}
    for record in history:
        if record.result == "passed":
            for f, level in CATALOG.courses[record.course].delivers.qualifications.items():
                held[f] = max(held[f], level, key=lambda lv: qualification_rank(f, lv))
    by_need = {n.need: n for n in needs}
    for rec in recs.recommendations:
        for cand in rec.candidates:
            course = CATALOG.courses[cand.course]
            renewed_in_term = course.renewed is not None
            assert cand.course not in passed or renewed_in_term
            for f, level in course.delivers.qualifications.items():
                assert qualification_rank(f, held[f]) < qualification_rank(f, level), (
                    cand.course,
                    f,
                )
            assert closes(course, by_need[rec.need].target, FRAMEWORK, ON)
            # Eligible on at least one proposed session, and every prerequisite is met.
            for prerequisite in course.prerequisites:
                if prerequisite.course:
                    assert prerequisite.course in passed
                else:
                    assert qualification_rank(
                        prerequisite.qualification, held[prerequisite.qualification]
                    ) >= qualification_rank(prerequisite.qualification, prerequisite.level)


def test_age_reached_during_the_horizon_keeps_only_later_sessions() -> None:
    # 27 on the reference date, 28 from 2026-06-01: in-service trung cấp only from then on.
    official = _official(
        position="xa.pho_chu_tich_hdnd",
        gender="female",
        birth_date=dt.date(1998, 6, 1),
        political_theory="so_cap",
    )
    _, recs = _run(official, [], ON, [2026])
    # The vice-chair's intermediate LLCT is the ND 33 title standard (need kind `standard`).
    rec = next(r for r in recs.recommendations if r.need == "standard:political_theory")
    in_service = next(c for c in rec.candidates if c.course == "llct_trung_cap_khong_tap_trung")
    assert in_service.sessions == ("tckt-2026-2",)  # 2026-09-07; the April class is refused


def test_pool_members_may_take_the_programme_of_the_post_they_are_planned_for() -> None:
    official = _official(
        position="xa.tu_phap_ho_tich", planning_pool="xa.truong_phong", political_theory="trung_cap"
    )
    _, recs = _run(official, [], ON, TERM)
    rec = next(r for r in recs.recommendations if r.need == "programme:leadership_cap_phong")
    assert [c.course for c in rec.candidates] == ["lanh_dao_cap_phong"]
