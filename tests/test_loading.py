"""Loading officials, history and case folders: encodings, XLSX, Vietnamese aliases."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from planner.errors import InputError
from planner.io.loading import bundled_dir, load_case, load_history, load_officials, load_rules
from planner.io.tables import fold

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
POSITIONS = set(load_rules(bundled_dir("rules")).positions)

VIETNAMESE_HEADER = [
    "Mã cán bộ",
    "Họ và tên",
    "Chức danh",
    "Đơn vị",
    "Ngày sinh",
    "Giới tính",
    "Đảng viên",
    "Dân tộc thiểu số",
    "Trình độ chuyên môn",
    "Lý luận chính trị",
    "Quản lý nhà nước",
    "Xếp loại",
    "Năng lực:digital_skills",
]
VIETNAMESE_ROW = [
    "CB01",
    "Phạm Thị Hoa",
    "xa.van_hoa_xa_hoi",
    "Xã Hòa Bình",
    "05/03/1990",
    "Nữ",
    "Có",
    "không",
    "Đại học",
    "Sơ cấp",
    "Chuyên viên",
    "Hoàn thành tốt nhiệm vụ; Xuất sắc",
    "2",
]


def _check_vietnamese_official(officials: list) -> None:  # type: ignore[type-arg]
    (official,) = officials
    assert official.id == "CB01" and official.full_name == "Phạm Thị Hoa"
    assert official.birth_date == dt.date(1990, 3, 5)
    assert official.gender == "female" and official.party_member and not official.ethnic_minority
    assert official.education == "dai_hoc" and official.political_theory == "so_cap"
    assert official.state_management == "chuyen_vien"
    assert official.ratings == ("good", "excellent")
    assert official.competencies == {"digital_skills": 2}


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Đại học") == "dai_hoc"
    assert fold("  Họ và tên ") == "ho_va_ten"
    assert fold("Năng lực:digital_skills") == "nang_luc:digital_skills"


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_vietnamese_headers_and_values(tmp_path: Path, bom: bool) -> None:
    path = tmp_path / "officials.csv"
    text = ",".join(VIETNAMESE_HEADER) + "\n" + ",".join(f'"{v}"' for v in VIETNAMESE_ROW) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    _check_vietnamese_official(load_officials(path, POSITIONS))


def test_xlsx_first_sheet_with_vietnamese_headers(tmp_path: Path) -> None:
    path = tmp_path / "officials.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(VIETNAMESE_HEADER)
    row = list(VIETNAMESE_ROW)
    row[4] = dt.datetime(1990, 3, 5)  # Excel stores dates as datetimes
    row[12] = 2
    sheet.append(row)
    book.create_sheet("Ghi chú").append(["not read"])
    book.save(path)
    _check_vietnamese_official(load_officials(path, POSITIONS))


def test_xlsx_error_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "officials.xlsx"
    book = openpyxl.Workbook()
    book.active.append(VIETNAMESE_HEADER)
    bad = list(VIETNAMESE_ROW)
    bad[5] = "khác"
    book.active.append(VIETNAMESE_ROW)
    book.active.append(["CB02"] + bad[1:])
    book.save(path)
    with pytest.raises(InputError) as info:
        load_officials(path, POSITIONS)
    assert "row 3" in str(info.value) and "'Giới tính'" in str(info.value)


def test_blank_lines_are_skipped_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "officials.csv"
    path.write_text(
        "id,full_name,position,unit,birth_date,gender\n"
        "A1,An,xa.bi_thu,Xã A,1980-01-01,male\n\n,,,,,\n"
        "A2,Bình,xa.pho_bi_thu,Xã A,1981-01-01,female\n",
        encoding="utf-8",
    )
    assert [o.id for o in load_officials(path, POSITIONS)] == ["A1", "A2"]


def test_empty_table_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "officials.csv"
    path.write_text("id,full_name,position,unit,birth_date,gender\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rows"):
        load_officials(path, POSITIONS)


def test_history_with_evaluation_columns(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "Mã cán bộ,Khóa học,Ngày hoàn thành,Kết quả,Phản hồi,Điểm,"
        "nang_luc_truoc:digital_skills,nang_luc_sau:digital_skills\n"
        "A1,two_level_online,2025-08-10,Đạt,4,85.5,1,2\n"
        "A1,two_level_online,2025-09-10,Bỏ học,,,,\n",
        encoding="utf-8",
    )
    first, second = load_history(path, {"A1"}, {"two_level_online"})
    assert first.result == "passed" and first.feedback == 4 and first.score == 85.5
    assert first.competency_before == {"digital_skills": 1}
    assert first.competency_after == {"digital_skills": 2}
    assert second.result == "dropped" and second.feedback is None


def test_load_case_mini() -> None:
    case = load_case(MINI)
    assert case.config.name == "Mini commune"
    assert [o.id for o in case.officials] == ["A1", "A2", "B1"]
    assert len(case.history) == 2
    assert "two_level_online" in case.catalog.courses
    assert len(case.framework.rules) >= 20


def test_bundled_rules_cover_every_position_of_the_contract() -> None:
    required = {
        "xa.bi_thu",
        "xa.pho_bi_thu",
        "xa.chu_tich_hdnd",
        "xa.pho_chu_tich_hdnd",
        "xa.chu_tich_ubnd",
        "xa.pho_chu_tich_ubnd",
        "xa.chu_tich_mttq",
        "xa.truong_phong",
        "xa.pho_truong_phong",
        "xa.van_phong_thong_ke",
        "xa.dia_chinh_xay_dung",
        "xa.tai_chinh_ke_toan",
        "xa.tu_phap_ho_tich",
        "xa.van_hoa_xa_hoi",
        "xa.chi_huy_truong_quan_su",
        "xa.truong_cong_an",
        "tinh.giam_doc_so",
        "tinh.pho_giam_doc_so",
        "tinh.truong_phong",
        "tinh.pho_truong_phong",
        "tinh.chuyen_vien_chinh",
        "tinh.chuyen_vien",
    }
    assert required <= POSITIONS


def test_every_rule_version_carries_a_reference_and_dates() -> None:
    framework = load_rules(bundled_dir("rules"))
    for rule in framework.rules.values():
        for version in rule.versions:
            assert version.reference.title
            assert version.effective_from is not None
    for parameter in framework.parameters.values():
        assert parameter.values and all(v.reference.title for v in parameter.values)


def test_loaded_models_equal_model_construct(tmp_path: Path) -> None:
    """The fast constructor makes what pydantic's model_construct makes: same fields, order,
    defaults and fields set; repeated codes are one object."""
    from planner.domain.profile import Official, TrainingRecord

    path = tmp_path / "officials.csv"
    path.write_text(
        "id,full_name,position,unit,birth_date,gender,ratings,competency:digital_skills\n"
        "A1,An,xa.bi_thu,Xã A,1980-01-01,male,good;good,3\n"
        "A2,Bình,xa.bi_thu,Xã A,1981-02-03,female,,\n",
        encoding="utf-8",
    )
    first, second = load_officials(path, POSITIONS)
    for official in (first, second):
        values = {k: getattr(official, k) for k in official.model_fields_set}
        expected = Official.model_construct(**values)
        assert official == expected and repr(official) == repr(expected)
        assert official.model_fields_set == expected.model_fields_set
        assert official.model_dump() == Official.model_validate(official.model_dump()).model_dump()
    assert second.ratings == () and second.competencies == {}
    assert first.unit is second.unit and first.position is second.position
    history = tmp_path / "history.csv"
    history.write_text(
        "official_id,course,completed_on,result\nA1,c1,2025-01-02,passed\n", encoding="utf-8"
    )
    (record,) = load_history(history, {"A1"}, {"c1"})
    values = {k: getattr(record, k) for k in record.model_fields_set}
    assert record == TrainingRecord.model_construct(**values)
    assert repr(record) == repr(TrainingRecord.model_construct(**values))


def test_a_bad_cell_after_many_good_rows_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "officials.csv"
    rows = [f"A{i},An,xa.bi_thu,Xã A,1980-01-01,male,{i % 6}" for i in range(500)]
    rows.append("B1,Bình,xa.bi_thu,Xã A,1980-01-01,male,7")
    path.write_text(
        "id,full_name,position,unit,birth_date,gender,Năng lực:digital_skills\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_officials(path, POSITIONS)
    message = str(info.value)
    assert "row 502" in message and "Năng lực:digital_skills" in message and "'7'" in message


def test_level_zero_in_a_workbook_is_read_not_skipped(tmp_path: Path) -> None:
    """Runs of empty level columns are skipped at once; a 0 stored as a number is not empty."""
    path = tmp_path / "officials.xlsx"
    book = openpyxl.Workbook()
    book.active.append(VIETNAMESE_HEADER + ["Năng lực:party_work"])
    row = list(VIETNAMESE_ROW)
    row[4] = dt.datetime(1990, 3, 5)
    row[12] = 0
    book.active.append(row + [None])
    book.save(path)
    (official,) = load_officials(path, POSITIONS)
    assert official.competencies == {"digital_skills": 0}


def test_omitted_limits_are_the_rules_parameters(tmp_path: Path) -> None:
    """case.yaml without `limits`: the planner defaults come from rules/parameters.yaml (one
    source), and a value the case gives wins."""
    framework = load_rules(bundled_dir("rules"))
    case = load_case(MINI)
    assert "limits" not in (MINI / "case.yaml").read_text()
    on = case.reference_date
    assert case.config.limits.max_days_away_per_year == framework.parameter_value(
        "max_days_away_per_year", on
    )
    assert case.config.limits.max_share_away == framework.parameter_value("max_share_away", on)
    assert framework.parameters["max_share_away"].confidence == "P"
    folder = tmp_path / "case"
    shutil.copytree(MINI, folder)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(text + "limits: {max_share_away: 0.5}\n", encoding="utf-8")
    limits = load_case(folder).config.limits
    assert (limits.max_days_away_per_year, limits.max_share_away) == (30, 0.5)


def test_omitted_limit_without_a_parameter_is_an_input_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    parameters = rules / "parameters.yaml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text[: text.index("  - id: max_days_away_per_year")], encoding="utf-8")
    folder = tmp_path / "case"
    shutil.copytree(MINI, folder)
    config = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(
        config.replace("rules: bundled", f"rules: {rules}"), encoding="utf-8"
    )
    with pytest.raises(InputError, match="limits.max_days_away_per_year is not given"):
        load_case(folder)


def test_leader_group_must_be_one_of_the_rules(tmp_path: Path) -> None:
    framework = load_rules(bundled_dir("rules"))
    assert sorted(framework.leader_groups) == [1, 2, 3]
    assert all(g.reference.title == "Quy định 145-QĐ/TW" for g in framework.leader_groups.values())
    table = tmp_path / "officials.csv"
    table.write_text(
        "id,full_name,position,unit,birth_date,gender,leader_group\n"
        "A1,A,xa.bi_thu,Xã A,1980-01-01,male,2\n",
        encoding="utf-8",
    )
    assert load_officials(table, POSITIONS, {1, 2, 3})[0].leader_group == 2
    with pytest.raises(InputError, match="unknown leader group"):
        load_officials(table, POSITIONS, {1, 3})
