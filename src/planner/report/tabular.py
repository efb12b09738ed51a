"""Generic tabular outputs (CSV and Excel) from column specs and row values.

A `Sheet` is a title, column headers with kinds, and rows; CSV writes one sheet, Excel writes
several with formatted headers, frozen header row, auto-filter, widths, VND and date formats.
Text starting with = + - @ is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from planner.io.atomic import write_atomic, write_atomic_with

ColumnKind = Literal["text", "int", "vnd", "date", "float", "bool"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = "text"
    width: int | None = None


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)


def to_csv(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # csv quotes a field holding "\n" but not one holding only "\r", which a reader then splits
    # into two records: a row with a CR quotes every text cell (numbers stay numbers).
    quoting = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for values in ([c.header for c in sheet.columns], *sheet.rows):
        cells = [_csv_value(v) for v in values]
        has_cr = any(isinstance(c, str) and "\r" in c for c in cells)
        (quoting if has_cr else writer).writerow(cells)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA_START):
        # OWASP CSV injection rule: a text a spreadsheet would run as a formula gets a leading
        # apostrophe (shown as text); numbers are not strings and stay numbers.
        return "'" + value
    return value


_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(path: Path, sheet: Sheet) -> None:
    # BOM so that Excel opens Vietnamese text correctly.
    write_atomic(path, "\ufeff" + to_csv(sheet))


_FORMULA_START = ("=", "+", "-", "@")


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    formats = {"vnd": "#,##0", "date": "yyyy-mm-dd", "int": "0", "float": "0.00"}
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in sheet.rows:
            ws.append([_xlsx_value(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    # openpyxl stores a leading '=' as a formula; force a plain string.
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            number_format = formats.get(column.kind)
            if column.kind == "text":
                number_format = "@"
            if number_format:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            ws.column_dimensions[letter].width = column.width or _auto_width(sheet, index - 1)
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"
    write_atomic_with(path, lambda tmp: book.save(tmp))


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    return value


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]


def _auto_width(sheet: Sheet, index: int) -> int:
    longest = len(sheet.columns[index].header)
    for row in sheet.rows[:200]:
        if index < len(row) and row[index] is not None:
            longest = max(longest, len(str(row[index])))
    return max(8, min(60, longest + 2))
