"""Office Excel as it comes (issue 14, item 8): title rows and merged title cells above the
header, positions by their Vietnamese title, close matches named when a title is wrong,
`planner codes KIND` listing what is accepted and `planner template officials` writing a
workbook with drop-down lists that loads back once filled in."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.cli import cli
from planner.io.bundled import bundled_dir
from planner.io.rules_loader import load_rules
from planner.io.tables import fold
from planner.io.titles import TitleError, TitleIndex
from planner.report.codes import KINDS
from planner.report.officials_template import HEADER_ROW, HEADERS, template_columns

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
FRAMEWORK = load_rules(bundled_dir("rules"))
TITLES = {
    pid: (p.title.in_lang("vi"), p.title.in_lang("en")) for pid, p in FRAMEWORK.positions.items()
}


def _case_with(tmp_path: Path, officials: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(MINI, folder)
    (folder / "officials.csv").unlink()
    shutil.copy(officials, folder / officials.name)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(
        text.replace("officials: officials.csv", f"officials: {officials.name}"), encoding="utf-8"
    )
    return folder


def _mini_rows() -> list[dict[str, str]]:
    with (MINI / "officials.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_titles_resolve_to_codes_and_wrong_ones_list_close_matches():
    index = TitleIndex.of("position", TITLES)
    assert index.resolve("Chủ tịch UBND xã") == "xa.chu_tich_ubnd"
    assert index.resolve("chu tich uy ban nhan dan") == "xa.chu_tich_ubnd"
    assert index.resolve("Công chức Tư pháp - hộ tịch") == "xa.tu_phap_ho_tich"
    assert index.resolve("xa.truong_phong") == "xa.truong_phong"
    with pytest.raises(TitleError) as caught:
        index.resolve("Chủ tịch")  # several chairs: the error lists them
    assert "xa.chu_tich_ubnd (Chủ tịch UBND xã)" in caught.value.expected
    assert "xa.chu_tich_hdnd" in caught.value.expected
    with pytest.raises(TitleError) as caught:
        index.resolve("xa.giam_doc")  # a code is never guessed from a title
    assert caught.value.message == "unknown position id"


def test_title_rows_and_merged_cells_above_the_header_are_skipped(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "UBND HUYỆN THỚI BÌNH"
    sheet.merge_cells("A1:M1")
    sheet["A2"] = "DANH SÁCH CÁN BỘ, CÔNG CHỨC CẤP XÃ NĂM 2026"
    sheet.merge_cells("A2:M2")
    rows = _mini_rows()
    headers = [HEADERS.get(c, c.replace("competency:", "Năng lực:")) for c in rows[0]]
    sheet.append([None])  # a blank row between the titles and the header
    sheet.append(headers)
    for row in rows:
        values = dict(row)
        values["position"] = TITLES[values["position"]][0]  # the title, as offices write it
        values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
        sheet.append(list(values.values()))
    path = tmp_path / "officials.xlsx"
    book.save(path)
    folder = _case_with(tmp_path, path)
    case = pipeline.load(folder)
    by_id = {o.id: o for o in case.officials}
    assert [by_id[r["id"]].position for r in rows] == [r["position"] for r in rows]

    # A wrong title is an error on the right row (two titles, a blank, the header, then A1).
    sheet.cell(row=5, column=3, value="Chủ tịch")
    book.save(folder / path.name)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "officials.xlsx: dòng 5, cột 'Chức danh'" in result.output
    assert "gần giống: xa.chu_tich_hdnd (Chủ tịch HĐND xã)" in result.output


def test_csv_title_rows_are_skipped_too(tmp_path):
    lines = (MINI / "officials.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "officials.csv"
    path.write_text("UBND XÃ A,,\nDANH SÁCH CÁN BỘ,,\n" + "\n".join(lines) + "\n", "utf-8")
    case = pipeline.load(_case_with(tmp_path, path))
    assert len(case.officials) == len(lines) - 1


def test_the_officials_template_has_lists_and_loads_back_when_filled(tmp_path):
    path = tmp_path / "officials.xlsx"
    result = CliRunner().invoke(cli, ["template", "officials", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert "A1:" in " ".join(str(r) for r in sheet.merged_cells.ranges)
    columns = template_columns(FRAMEWORK)
    header = [c.value for c in sheet[HEADER_ROW]][: len(columns)]
    assert header == [h for _, h in columns]
    letters = {h: openpyxl.utils.get_column_letter(i) for i, (_, h) in enumerate(columns, 1)}
    validations = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            validations[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    position = validations[letters["Chức danh"]]
    assert position.type == "list" and "Danh mục" in position.formula1
    lists = book["Danh mục"]
    titles = [c.value for c in lists["A"][1:] if c.value]
    assert titles == [TITLES[p][0] for p in FRAMEWORK.positions]
    assert validations[letters["Giới tính"]].formula1 == '"Nam,Nữ"'
    assert validations[letters["Đảng viên"]].formula1 == '"Có,Không"'
    assert "Đại học" in validations[letters["Trình độ chuyên môn"]].formula1
    level = validations[letters["Năng lực:digital_skills"]]
    assert (level.type, level.formula1, level.formula2) == ("whole", "0", "5")

    # Fill one row the way an office would (titles and list values) and load it.
    values = {
        "Mã cán bộ": "A1",
        "Họ và tên": "Nguyễn Văn An",
        "Chức danh": "Chủ tịch UBND xã",
        "Đơn vị": "Xã A",
        "Ngày sinh": dt.date(1978, 4, 2),
        "Giới tính": "Nữ",
        "Đảng viên": "Có",
        "Trình độ chuyên môn": "Đại học",
        "Lý luận chính trị": "Sơ cấp",
        "Quản lý nhà nước": "Chưa có",
        "Năng lực:digital_skills": 2,
    }
    for header, value in values.items():
        sheet[f"{letters[header]}{HEADER_ROW + 1}"] = value
    book.save(path)
    folder = _case_with(tmp_path, path)
    (folder / "history.csv").write_text("official_id,course,completed_on,result\n", "utf-8")
    official = pipeline.load(folder).officials[0]
    assert (official.position, official.gender, official.education) == (
        "xa.chu_tich_ubnd",
        "female",
        "dai_hoc",
    )
    assert official.state_management == "none" and official.competencies == {"digital_skills": 2}


def test_template_headers_are_loader_aliases():
    from planner.io.officials import OFFICIAL_ALIASES

    for field, header in HEADERS.items():
        assert OFFICIAL_ALIASES.get(fold(header), fold(header)) == field


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "units"])
def test_codes_lists_every_kind(kind):
    result = CliRunner().invoke(cli, ["codes", kind, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) > 2 and lines[0].startswith("Mã,Tên")
    if kind == "positions":
        assert "xa.chu_tich_ubnd,Chủ tịch UBND xã" in lines


def test_codes_units_reads_the_case():
    result = CliRunner().invoke(cli, ["codes", "units", "--case", str(MINI), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "Xã A,Xã A" in result.output.splitlines()
    assert CliRunner().invoke(cli, ["codes", "units"]).exit_code == 2


def test_degrees_and_levels_as_office_sheets_write_them():
    """A level followed by its field ("Đại học Luật", "Trung cấp lý luận chính trị") is that
    level; a misspelt one is an error naming the closest levels."""
    from planner.io.cells import CellError, parse_qualification

    education = parse_qualification("education")
    theory = parse_qualification("political_theory")
    assert education("Đại học Luật") == "dai_hoc"
    assert education("Thạc sĩ Quản lý công") == "thac_si"
    assert education("Cử nhân Kinh tế") == "dai_hoc"
    assert education("Trung học phổ thông") == "thpt"
    assert theory("Trung cấp lý luận chính trị") == "trung_cap"
    assert theory("Cao cấp LLCT") == "cao_cap"
    with pytest.raises(CellError) as caught:
        education("Daihoc")
    assert "closest: dai_hoc" in str(caught.value.expected)
