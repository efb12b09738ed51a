"""`planner validate` warns (in Vietnamese by default) about budget lines no course can draw on,
courses no budget line can pay one class of, sessions nobody is offered and needs no course
closes — each naming the ids (issue 14, item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from planner import pipeline
from planner.analysis.validation import budget_warnings, case_warnings, opening_cost
from planner.cli import cli
from planner.report.text import render

ROOT = Path(__file__).resolve().parents[1]
THOI_BINH = ROOT / "examples" / "thoi-binh"


def _keys(warnings):
    return [w.key for w in warnings]


def test_validate_names_unusable_lines_unaffordable_courses_idle_sessions_and_stuck_needs():
    result = CliRunner().invoke(cli, ["validate", str(THOI_BINH)])
    assert result.exit_code == 0, result.output
    err = result.stderr
    # No catalog course is funded from xa_hoi_hoa: its 150 M can never be spent.
    assert "Dự toán Xã hội hóa năm 2026 (150.000.000 đ, mã nguồn xa_hoi_hoa) không dùng được" in err
    # The online two-level government course costs 15 M against a 10 M central line.
    assert (
        "(mã chinh_quyen_hai_cap_truc_tuyen) không thể mở trong dự toán: lớp rẻ nhất (chc-2026-1)"
        " tốn ít nhất 15.000.000 đ, nhưng Ngân sách trung ương năm 2026 chỉ có 10.000.000 đ" in err
    )
    assert "không cán bộ nào vừa có nhu cầu vừa đủ điều kiện học các lớp" in err
    assert "(mã qualification:political_theory) của 4 cán bộ (TB000038" in err
    english = CliRunner().invoke(cli, ["validate", str(THOI_BINH), "--lang", "en"]).stderr
    assert "source id xa_hoi_hoa" in english and "cannot be used" in english


def test_each_warning_goes_away_when_its_cause_is_fixed(tmp_path):
    case = pipeline.load(THOI_BINH)
    before = budget_warnings(case)
    assert _keys(before).count("validate.line_unused") == 1
    unaffordable = [w for w in before if w.key == "validate.course_unaffordable"]
    online = next(
        w for w in unaffordable if w.args["course_id"] == "chinh_quyen_hai_cap_truc_tuyen"
    )
    # The cost is the catalog's: per-class cost plus the minimum class at the participant rate.
    course = case.catalog.courses["chinh_quyen_hai_cap_truc_tuyen"]
    session = next(s for s in course.sessions if s.id == online.args["session"])
    assert online.args["cost"].amount == opening_cost(case, course, session)

    folder = tmp_path / "case"
    shutil.copytree(THOI_BINH, folder)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "source: ngan_sach_trung_uong, amount: 10000000",
        "source: ngan_sach_trung_uong, amount: 20000000",
    )
    text = text.replace("  - {year: 2026, source: xa_hoi_hoa, amount: 150000000}\n", "")
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    after = budget_warnings(pipeline.load(folder))
    assert "validate.line_unused" not in _keys(after)
    assert all(w.args.get("course_id") != "chinh_quyen_hai_cap_truc_tuyen" for w in after)


def test_stuck_needs_and_idle_sessions_agree_with_the_recommendation():
    case = pipeline.load(THOI_BINH)
    assessment = pipeline.assess(case)
    recs = pipeline.recommend(case, assessment)
    warnings = case_warnings(case)
    stuck = {
        w.args["need_id"]: w.args["count"] for w in warnings if w.key == "validate.need_unclosable"
    }
    expected: dict[str, int] = {}
    for rec in recs.recommendations:
        if not rec.candidates:
            expected[rec.need] = expected.get(rec.need, 0) + 1
    assert stuck == expected and stuck
    offered = {s for r in recs.recommendations for c in r.candidates for s in c.sessions}
    for w in warnings:
        if w.key == "validate.session_unoffered":
            shown = [i for i in w.args["sessions"].items if isinstance(i, str)]
            assert shown and not set(shown) & offered
    assert all(render(w, "vi") for w in warnings)


def test_a_unit_row_nobody_belongs_to_and_officials_of_unlisted_units_are_named(tmp_path):
    case_dir = tmp_path / "case"
    shutil.copytree(THOI_BINH, case_dir)
    units = (case_dir / "units.csv").read_text(encoding="utf-8").splitlines()
    units[1] = units[1].replace("Thị trấn Thới Bình", "Xã Không Có", 1)
    (case_dir / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    from planner.analysis.validation import unit_warnings

    case = pipeline.load(case_dir)
    texts = [render(w, "vi") for w in unit_warnings(case)]
    stranded = sum(1 for o in case.officials if o.unit == "Thị trấn Thới Bình")
    assert texts == [
        "Bảng đơn vị có đơn vị không có cán bộ nào trong danh sách: Xã Không Có (kiểm tra lại "
        "tên đơn vị).",
        f"{stranded} cán bộ thuộc đơn vị không có trong bảng đơn vị: Thị trấn Thới Bình; các "
        "đơn vị này được tính theo vùng cự ly mặc định.",
    ]
    assert unit_warnings(pipeline.load(THOI_BINH)) == []  # the example's table is whole
