"""Evaluation after training (issue #8): each Kirkpatrick level on small hand-written histories
with known answers, "no data" kept apart from zero, the flag, and the loop back into `assess`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from planner.analysis.evaluate import (
    EvaluationSettings,
    behaviour,
    course_effectiveness,
    evaluate,
    evaluate_case,
    learning,
    reaction,
    results,
)
from planner.assess.needs import assess_case
from planner.assess.targets import CompetencyNeed
from planner.domain.catalog import Catalog, Course
from planner.domain.profile import Official, TrainingRecord
from planner.errors import InputError
from planner.io.indicators import IndicatorValue, load_indicators
from planner.io.loading import load_case
from planner.report.text import need_reason, render
from planner.synthetic.evaluation_example import build

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "danh-gia-2025"
DAY = dt.date(2025, 9, 1)


def rec(
    official: str,
    course: str = "c",
    result: str = "passed",
    *,
    feedback: int | None = None,
    score: float | None = None,
    before: dict[str, int] | None = None,
    after: dict[str, int] | None = None,
    session: str | None = None,
    on: dt.date = DAY,
) -> TrainingRecord:
    return TrainingRecord(
        official_id=official,
        course=course,
        completed_on=on,
        result=result,
        feedback=feedback,
        score=score,
        session=session,
        competency_before=before or {},
        competency_after=after or {},
    )


def course(cid: str, competencies: dict[str, int] | None = None) -> Course:
    return Course.model_validate(
        {
            "id": cid,
            "title": {"vi": f"Khóa {cid}", "en": f"Course {cid}"},
            "kind": "job_position",
            "delivers": {"competencies": competencies or {}},
            "duration_days": 3,
            "mode": "online",
            "cost": {"tuition": 0},
            "funding_source": "ngan_sach_tinh",
            "reference": {"title": "x"},
        }
    )


def official(oid: str, unit: str) -> Official:
    return Official(
        id=oid,
        full_name=oid,
        position="xa.van_phong_thong_ke",
        unit=unit,
        birth_date=dt.date(1990, 1, 1),
        gender="male",
    )


# -- level 1: reaction -------------------------------------------------------------------------


def test_reaction_is_mean_feedback_over_those_who_answered() -> None:
    got = reaction([rec("a", feedback=5), rec("b", feedback=4), rec("c"), rec("d", feedback=3)])
    assert got is not None
    assert got.responses == 3
    assert got.response_rate == pytest.approx(0.75)
    assert got.mean_feedback == pytest.approx(4.0)
    assert got.counts == [0, 0, 1, 1, 1]


def test_reaction_without_answers_is_no_data_not_zero() -> None:
    assert reaction([rec("a"), rec("b")]) is None


# -- level 2: learning -------------------------------------------------------------------------


def test_learning_pass_rate_and_mean_score() -> None:
    got = learning(
        [
            rec("a", score=80),
            rec("b", "c", "failed", score=40),
            rec("c", "c", "dropped"),
            rec("d", score=90),
        ]
    )
    assert (got.passed, got.failed, got.dropped) == (2, 1, 1)
    assert got.pass_rate == pytest.approx(0.5)
    assert got.scored == 3
    assert got.mean_score == pytest.approx(70.0)


def test_learning_without_scores_has_no_mean_score() -> None:
    assert learning([rec("a")]).mean_score is None


# -- level 3: behaviour ------------------------------------------------------------------------


def test_behaviour_change_and_share_reaching_the_course_target() -> None:
    records = [
        rec("a", before={"k": 1}, after={"k": 3}),  # reached 3
        rec("b", before={"k": 2}, after={"k": 4}),  # reached
        rec("c", before={"k": 1}, after={"k": 2}),  # short
        rec("d", after={"k": 3}),  # reached, no "before": not paired
        rec("e"),  # not measured
    ]
    got = behaviour(records, {"k": 3})
    assert got is not None
    (k,) = got.competencies
    assert (k.target, k.measured, k.paired, k.reached) == (3, 4, 3, 3)
    assert k.mean_before == pytest.approx(4 / 3)
    assert k.mean_after == pytest.approx(3.0)
    assert k.mean_change == pytest.approx(5 / 3)
    assert k.share_reaching == pytest.approx(0.75)
    assert (got.measured, got.reached, got.share_reaching) == (4, 3, pytest.approx(0.75))


def test_behaviour_of_a_competency_the_course_does_not_claim_has_no_target() -> None:
    got = behaviour([rec("a", before={"x": 1}, after={"x": 2})], {"k": 3})
    assert got is not None
    assert got.competencies[0].target is None and got.competencies[0].share_reaching is None
    assert got.share_reaching is None  # nothing the course claims was measured


def test_behaviour_without_measurements_is_no_data() -> None:
    assert behaviour([rec("a", feedback=4)], {"k": 3}) is None


# -- level 4: results (difference in differences) ----------------------------------------------


def _values(
    indicator: str, table: dict[str, tuple[float, float]], better: str = "higher"
) -> list[IndicatorValue]:
    return [
        IndicatorValue(unit=u, year=y, indicator=indicator, value=v, better=better)  # type: ignore[arg-type]
        for u, pair in table.items()
        for y, v in zip((2024, 2025), pair, strict=True)
    ]


def test_results_difference_in_differences_against_untrained_units() -> None:
    values = _values("on_time", {"A": (50, 60), "B": (50, 55), "C": (52, 53), "D": (40, 48)})
    (effect,) = results({"A": 2025, "D": 2025}, ["B", "C"], values)
    assert effect.trained_units == ["A", "D"] and effect.comparison_units == ["B", "C"]
    assert (effect.before_year, effect.after_year) == (2024, 2025)
    assert effect.trained_change == pytest.approx(9.0)  # (10 + 8) / 2
    assert effect.comparison_change == pytest.approx(3.0)  # (5 + 1) / 2
    assert effect.difference == pytest.approx(6.0)
    assert effect.favourable is True


def test_results_respects_an_indicator_where_lower_is_better() -> None:
    values = _values("complaints", {"A": (10, 12), "B": (10, 9)}, better="lower")
    (effect,) = results({"A": 2025}, ["B"], values)
    assert effect.difference == pytest.approx(3.0)
    assert effect.favourable is False


def test_results_need_both_years_and_a_comparison_unit() -> None:
    values = _values("on_time", {"A": (50, 60), "B": (50, 55)})
    assert results({"A": 2025}, [], values) == []  # nobody to compare with
    assert results({"A": 2026}, ["B"], values) == []  # no 2026 values
    assert results({"A": 2025}, ["B"], values[:1] + values[2:]) == []  # A lacks 2025


# -- whole evaluation --------------------------------------------------------------------------


def _evaluation(history: list[TrainingRecord], **kwargs: object):  # type: ignore[no-untyped-def]
    catalog = Catalog(courses={"c": course("c", {"k": 3}), "quiet": course("quiet")})
    people = [official(f"p{i}", "A" if i < 4 else "B") for i in range(8)]
    return evaluate(history, catalog, people, reference_date=dt.date(2026, 1, 15), **kwargs)  # type: ignore[arg-type]


def test_a_course_without_evaluation_data_is_reported_as_no_data() -> None:
    got = _evaluation([rec("p0", "quiet"), rec("p1", "quiet", "failed")])
    (quiet,) = got.courses
    assert quiet.has_data is False
    assert quiet.reaction is None and quiet.behaviour is None and quiet.results == []
    assert quiet.learning.mean_score is None
    assert quiet.flagged is False  # no data is not a failure either
    assert got.summary.mean_feedback is None and got.summary.share_reaching is None
    assert course_effectiveness(got) == {"quiet": None}


def test_flag_when_participants_rarely_reach_the_claimed_level() -> None:
    history = [rec(f"p{i}", after={"k": 3 if i == 0 else 2}) for i in range(4)]
    got = _evaluation(history)
    (c,) = got.courses
    assert c.behaviour is not None and c.behaviour.share_reaching == pytest.approx(0.25)
    assert c.flagged and c.flag_reason.key == "evaluate.flag.below_target"
    assert (c.flag_reason.args["reached"], c.flag_reason.args["measured"]) == (1, 4)
    assert "1/4" in render(c.flag_reason, "en")
    assert course_effectiveness(got) == {"c": pytest.approx(0.25)}
    # The threshold is a named setting; too few measurements never flag.
    assert (
        not _evaluation(history, settings=EvaluationSettings(min_share_reaching_target=0.2))
        .courses[0]
        .flagged
    )
    assert (
        not _evaluation(history[:2], settings=EvaluationSettings(min_measured_to_flag=3))
        .courses[0]
        .flagged
    )


def test_sessions_group_by_session_else_by_year() -> None:
    history = [
        rec("p0", session="S1"),
        rec("p1", session="S1"),
        rec("p2", session="S2"),
        rec("p3", on=dt.date(2024, 5, 1)),
        rec("p4", on=dt.date(2025, 5, 1)),
    ]
    (c,) = _evaluation(history).courses
    assert [(g.key, g.session, g.year, g.participants) for g in c.sessions] == [
        ("2024", None, 2024, 1),
        ("2025", None, 2025, 1),
        ("S1", "S1", None, 2),
        ("S2", "S2", None, 1),
    ]


def test_year_filter_and_reference_date_bound_the_records() -> None:
    history = [rec("p0", on=dt.date(2024, 5, 1)), rec("p1"), rec("p2", on=dt.date(2026, 3, 1))]
    assert _evaluation(history).summary.participants == 2  # 2026-03 is after the reference date
    assert _evaluation(history, year=2025).summary.participants == 1


def test_comparison_units_exclude_units_trained_in_any_year() -> None:
    values = _values("v", {"A": (1, 2), "B": (1, 1)})
    history = [rec("p0"), rec("p5", on=dt.date(2023, 1, 1))]  # B's staff took it in 2023
    got = _evaluation(history, year=2025, indicators=values)
    assert got.courses[0].results == []  # B is not an untrained unit, so nobody to compare with


# -- the example case --------------------------------------------------------------------------


def test_example_is_reproducible_from_its_seeded_script() -> None:
    for name, content in build().items():
        assert (EXAMPLE / name).read_text(encoding="utf-8") == content, name


def test_example_evaluation_finds_what_the_example_was_built_to_show() -> None:
    got = evaluate_case(load_case(EXAMPLE))
    by_id = {c.course: c for c in got.courses}
    assert [c.course for c in got.courses if c.flagged] == ["vtvl_dia_chinh_xay_dung"]
    assert not by_id["cap_nhat_kien_thuc_nhom_3_xa"].has_data
    assert not by_id["quoc_phong_an_ninh_doi_tuong_4"].has_data
    culture = by_id["vtvl_van_hoa_xa_hoi"]
    assert culture.reaction is not None and culture.behaviour is None
    assert [g.key for g in by_id["ky_nang_so_co_ban"].sessions] == ["2025"]  # no session column
    online = {e.indicator: e for e in by_id["ky_nang_so_co_ban"].results}
    effect = online["Tỷ lệ hồ sơ TTHC nộp trực tuyến (%)"]
    assert effect.favourable and effect.difference > 5
    assert got.summary.units_with_indicators == 8


# -- indicators table --------------------------------------------------------------------------


def test_indicators_accept_vietnamese_headers(tmp_path: Path) -> None:
    path = tmp_path / "chi_so.csv"
    path.write_text(
        'Đơn vị,Năm,Chỉ số,Giá trị,Hướng tốt\nXã A,2024,Đúng hạn,"81,5",cao\n'
        "Xã A,2025,Đúng hạn,90,cao\n",
        encoding="utf-8",
    )
    got = load_indicators(path, {"Xã A"})
    assert [(v.unit, v.year, v.value, v.better) for v in got] == [
        ("Xã A", 2024, 81.5, "higher"),
        ("Xã A", 2025, 90.0, "higher"),
    ]


@pytest.mark.parametrize(
    ("body", "message", "row"),
    [
        ("unit,year,indicator,value\nXã Z,2024,x,1\n", "unknown unit", 2),
        ("unit,year,indicator,value\nXã A,2024,x,1\nXã A,2024,x,2\n", "duplicate value", 3),
        ("unit,year,indicator,value\nXã A,2024,x,nhiều\n", "invalid value", 2),
        ("unit,year,indicator,value\nXã A,năm,x,1\n", "invalid value", 2),
        ("unit,year,indicator\nXã A,2024,x\n", "missing required column", 1),
        ("unit,year,indicator,value,colour\nXã A,2024,x,1,red\n", "unknown column", 1),
        ("unit,year,indicator,value\nXã A,2024,,1\n", "required value is empty", 2),
        (
            "unit,year,indicator,value,better\nXã A,2024,x,1,higher\nXã A,2025,x,1,lower\n",
            "direction differs",
            3,
        ),
    ],
)
def test_indicators_errors_name_row_and_field(
    tmp_path: Path, body: str, message: str, row: int
) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_indicators(path, {"Xã A"})
    assert message in caught.value.message
    assert caught.value.row == row


def test_history_session_column_is_read_with_its_vietnamese_alias(tmp_path: Path) -> None:
    folder = _copy_mini(tmp_path)
    (folder / "history.csv").write_text(
        "official_id,course,completed_on,result,Lớp\nA2,two_level_online,2025-08-10,passed,TL-1\n",
        encoding="utf-8",
    )
    case = load_case(folder)
    assert case.history[0].session == "TL-1"


def _copy_mini(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "fixtures" / "cases" / "mini", folder)
    return folder


# -- closing the loop: assess reads the competence measured after training ---------------------


def _loop_case(tmp_path: Path, after: int | None, result: str = "passed") -> Path:
    folder = tmp_path / f"loop-{after}-{result}"
    folder.mkdir(exist_ok=True)
    (folder / "case.yaml").write_text(
        "name: loop\nreference_date: 2026-01-15\nyears: [2026]\nterm: {start: 2026, end: 2030}\n"
        "officials: officials.csv\nhistory: history.csv\n",
        encoding="utf-8",
    )
    (folder / "officials.csv").write_text(
        "id,full_name,position,unit,birth_date,gender,education,political_theory,"
        "competency:land_construction\n"
        "D1,Lê Văn Đất,xa.dia_chinh_xay_dung,Xã A,1990-01-01,nam,dai_hoc,so_cap,1\n",
        encoding="utf-8",
    )
    measured = "" if after is None else str(after)
    (folder / "history.csv").write_text(
        "official_id,course,completed_on,result,competency_before:land_construction,"
        "competency_after:land_construction\n"
        f"D1,vtvl_dia_chinh_xay_dung,2025-06-20,{result},1,{measured}\n",
        encoding="utf-8",
    )
    return folder


def _land_needs(folder: Path):  # type: ignore[no-untyped-def]
    return [
        n
        for n in assess_case(load_case(folder)).needs
        if isinstance(n.target, CompetencyNeed) and n.target.competency == "land_construction"
    ]


def test_loop_passed_but_measured_below_target_keeps_the_need_open(tmp_path: Path) -> None:
    (need,) = _land_needs(_loop_case(tmp_path, after=2))
    assert need.current == 2 and need.target.level == 3
    measured = need.reason.args["measured"]
    assert measured.key == "reason.competency.measured"
    assert measured.args == {"course": "vtvl_dia_chinh_xay_dung", "level": 2}
    en = need_reason(need, "en")
    assert "vtvl_dia_chinh_xay_dung" in en and "level 2" in en
    assert "đánh giá sau đào tạo chỉ đạt mức 2" in need_reason(need, "vi")


def test_loop_passed_and_measured_at_target_closes_the_need(tmp_path: Path) -> None:
    assert _land_needs(_loop_case(tmp_path, after=3)) == []


def test_loop_passed_without_measurement_trusts_the_catalog(tmp_path: Path) -> None:
    assert _land_needs(_loop_case(tmp_path, after=None)) == []


def test_loop_failed_course_leaves_the_need_without_the_measured_reason(tmp_path: Path) -> None:
    (need,) = _land_needs(_loop_case(tmp_path, after=3, result="failed"))
    assert need.reason.args["measured"] == ""
    assert "reached only" not in need_reason(need, "en")


# -- closing the loop: recommend can weight courses by measured effectiveness ------------------


def test_recommend_scales_candidate_scores_by_measured_effectiveness() -> None:
    from planner.recommend.candidates import recommend_case

    case = load_case(EXAMPLE)
    assessment = assess_case(case)

    def ranked(effectiveness: dict[str, float] | None):  # type: ignore[no-untyped-def]
        from planner.recommend.candidates import recommend

        recs = recommend(
            case.officials,
            assessment.needs,
            case.catalog,
            case.framework,
            case.history,
            case.config.years,
            assessment.reference_date,
            term=(case.config.term.start, case.config.term.end),
            effectiveness=effectiveness,
        )
        return {
            (r.official_id, r.need): [(c.course, c.score) for c in r.candidates]
            for r in recs.recommendations
        }

    plain = ranked(None)
    assert (
        plain
        == ranked({})
        == {
            (r.official_id, r.need): [(c.course, c.score) for c in r.candidates]
            for r in recommend_case(case, assessment).recommendations
        }
    )  # off by default
    key, candidates = next((k, c) for k, c in plain.items() if len(c) >= 2)
    top, top_score = candidates[0]
    weighted = ranked({top: 0.1})[key]
    assert dict(weighted)[top] == round(top_score * 0.1)
    assert weighted[0][0] != top  # what did not work ranks below what did
    # The evaluation's own output feeds it directly (None values left out).
    measured = {c: e for c, e in course_effectiveness(evaluate_case(case)).items() if e is not None}
    assert measured["vtvl_dia_chinh_xay_dung"] == pytest.approx(1 / 3)
    ranked(measured)
