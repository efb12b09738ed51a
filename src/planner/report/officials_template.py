"""The officials template (`planner template officials -o FILE.xlsx`): a workbook an office
fills in and `planner` reads back as it is.

Sheet one holds a title row (merged, as office forms have it), a note, then the header row with
the Vietnamese column names the loader accepts (`planner.io.officials.OFFICIAL_ALIASES`), and
drop-down lists (Excel data validation) for every column with a closed set of values: position
titles, gender, yes/no, degree levels, leader groups, competency levels 0-5. The lists hold
titles the loader maps back to codes; the long position list lives on a second sheet.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from planner.io.atomic import write_atomic
from planner.report.codes import accepted_label
from planner.types import COMPETENCY_LEVELS, QUALIFICATION_SCALES

if TYPE_CHECKING:
    from planner.law.framework import Framework

# field → the Vietnamese header written (each folds to an alias of the field).
HEADERS: dict[str, str] = {
    "id": "Mã cán bộ",
    "full_name": "Họ và tên",
    "position": "Chức danh",
    "unit": "Đơn vị",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "ethnic_minority": "Dân tộc thiểu số",
    "party_member": "Đảng viên",
    "appointed_on": "Ngày bổ nhiệm",
    "started_service_on": "Ngày tuyển dụng",
    "grade": "Ngạch",
    "education": "Trình độ chuyên môn",
    "education_field": "Chuyên ngành",
    "political_theory": "Lý luận chính trị",
    "state_management": "Quản lý nhà nước",
    "it": "Tin học",
    "language": "Ngoại ngữ",
    "planning_pool": "Quy hoạch",
    "ratings": "Xếp loại",
    "difficult_area": "Vùng khó khăn",
    "leader_group": "Nhóm lãnh đạo",
}
TITLE = "DANH SÁCH CÁN BỘ, CÔNG CHỨC"
NOTE = (
    "Chức danh: chọn trong danh sách (hoặc ghi mã, xem `planner codes positions`); ngày ghi "
    "dd/mm/yyyy; Xếp loại: các năm gần nhất cách nhau bởi dấu ; (ví dụ: Tốt;Tốt;Hoàn thành); "
    "Năng lực: mức 0-5."
)
HEADER_ROW = 3
ROWS = 1000  # rows the lists and formats cover
LISTS_SHEET = "Danh mục"
BOOLEANS = ("ethnic_minority", "party_member", "difficult_area")
DATES = ("birth_date", "appointed_on", "started_service_on")


def template_columns(framework: Framework) -> list[tuple[str, str]]:
    """(canonical column, header) in sheet order: the fields, then one per competency."""
    columns = list(HEADERS.items())
    columns += [(f"competency:{cid}", f"Năng lực:{cid}") for cid in framework.competencies]
    return columns


def write_officials_template(path: Path, framework: Framework) -> None:
    """Write the template workbook to `path` atomically."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cán bộ"
    columns = template_columns(framework)
    last = get_column_letter(len(columns))
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A2"] = NOTE
    sheet["A2"].alignment = Alignment(wrap_text=True)
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 30
    fill = PatternFill("solid", fgColor="D9E2EC")
    for index, (_, header) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)

    lists = book.create_sheet(LISTS_SHEET)
    lists["A1"] = "Chức danh"
    lists["B1"] = "Mã"
    for row, position in enumerate(framework.positions.values(), start=2):
        lists.cell(row=row, column=1, value=position.title.in_lang("vi"))
        lists.cell(row=row, column=2, value=position.id)
    positions_range = f"'{LISTS_SHEET}'!$A$2:$A${len(framework.positions) + 1}"
    lists.sheet_state = "hidden"

    def inline(values: list[str]) -> str:
        return '"' + ",".join(values) + '"'

    first, end = HEADER_ROW + 1, HEADER_ROW + ROWS
    for index, (field, _) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}{first}:{letter}{end}"
        validation: DataValidation | None = None
        if field in ("position", "planning_pool"):
            validation = DataValidation(type="list", formula1=positions_range, allow_blank=True)
        elif field == "gender":
            validation = DataValidation(type="list", formula1=inline(["Nam", "Nữ"]))
        elif field in BOOLEANS:
            validation = DataValidation(type="list", formula1=inline(["Có", "Không"]))
        elif field in QUALIFICATION_SCALES:
            labels = [accepted_label(field, code) for code in QUALIFICATION_SCALES[field]]
            validation = DataValidation(type="list", formula1=inline(labels))
        elif field == "leader_group" and framework.leader_groups:
            groups = [str(g) for g in sorted(framework.leader_groups)]
            validation = DataValidation(type="list", formula1=inline(groups))
        elif field.startswith("competency:"):
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1=str(COMPETENCY_LEVELS.start),
                formula2=str(COMPETENCY_LEVELS.stop - 1),
            )
        if field in DATES:
            for row in range(first, end + 1):
                sheet[f"{letter}{row}"].number_format = "dd/mm/yyyy"
        if validation is not None:
            validation.allow_blank = True
            validation.error = "Giá trị không có trong danh sách"
            validation.errorTitle = HEADERS.get(field, field)
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(cells)
    # Built in memory, then written: a disk that fills up mid-save then fails one plain write
    # (exit 2 naming the path), not a half-closed zip whose finaliser prints a traceback.
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())


__all__ = ["HEADERS", "HEADER_ROW", "template_columns", "write_officials_template"]
