"""Generic tabular outputs (CSV and Excel) from column specs and row values.

A `Sheet` is a title, column headers with kinds, rows and optional total rows (`footer`); CSV
writes one sheet, Excel writes several with formatted headers, frozen header row, auto-filter,
widths, VND, dd/mm/yyyy date and percent formats, and a print setup on every sheet: A4
landscape, the header row repeated on each page, fitted to the page width.
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

from planner.io.atomic import write_atomic

# "pct": a share (0.962), shown as a percentage; "year": a year, always shown as text (a number
# format would print 2026 as "2.026" in Vietnamese).
ColumnKind = Literal["text", "int", "vnd", "date", "float", "bool", "pct", "year"]


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
    # Total rows under the data (bold in Excel, <tfoot> in HTML, never sorted or filtered).
    footer: list[Sequence[Any]] = field(default_factory=list)
    # Lines above the header: warnings (the solver's gap; red, bold) then notes (how to read
    # the sheet); in Excel they push the header down, in HTML they precede the table.
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A sheet laid out by hand (the signable summary): no header row, filter or freeze.
    plain: bool = False


def to_csv(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # csv quotes a field holding "\n" but not one holding only "\r", which a reader then splits
    # into two records: a row with a CR quotes every text cell (numbers stay numbers).
    quoting = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for values in ([c.header for c in sheet.columns], *sheet.rows, *sheet.footer):
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


# Excel formats; a date format is a pattern, not a locale: dd/mm/yyyy as Vietnamese write it.
_FORMATS = {
    "vnd": "#,##0",
    "date": "dd/mm/yyyy",
    "int": "0",
    "float": "0.00",
    "pct": "0.0%",
    "text": "@",
    "year": "@",
}


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        if sheet.plain:
            _plain_sheet(ws, sheet)
        else:
            _table_sheet(ws, sheet)
        _print_setup(ws, sheet)
    # Built in memory, then written: a disk that fills up mid-save then fails one plain write
    # (exit 2 naming the path), not a half-closed zip whose finaliser prints a traceback.
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())


def _table_sheet(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    widths = [c.width or _auto_width(sheet, i) for i, c in enumerate(sheet.columns)]
    for note, warn in [(w, True) for w in sheet.warnings] + [(n, False) for n in sheet.notes]:
        # merged over the table's width and wrapped: a long line would widen the printed page
        ws.append([note])
        r = int(ws._current_row)
        cell = ws.cell(r, 1)
        cell.font = Font(bold=True, color="C62828") if warn else Font(italic=True, color="5B6B7A")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if len(sheet.columns) > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(sheet.columns))
        lines = -(-int(len(note) * 1.15) // max(10, sum(widths)))
        ws.row_dimensions[r].height = 15 * max(1, lines)
    header_row = len(sheet.warnings) + len(sheet.notes) + 1
    ws.append([c.header for c in sheet.columns])
    for index in range(1, len(sheet.columns) + 1):
        cell = ws.cell(header_row, index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        _append(ws, sheet, row, wrap)
    bold = Font(bold=True)
    for row in sheet.footer:
        r = _append(ws, sheet, row, wrap)
        for index in range(1, len(sheet.columns) + 1):
            ws.cell(r, index).font = bold
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width or _auto_width(
            sheet, index - 1
        )
    ws.freeze_panes = f"A{header_row + 1}"
    if sheet.rows:
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(sheet.rows)}"
    ws.print_title_rows = f"{header_row}:{header_row}"


def _append(ws: Any, sheet: Sheet, row: Sequence[Any], wrap: Any) -> int:
    """Append `row` formatted by its columns; the row's number."""
    ws.append([_xlsx_value(v, c.kind) for v, c in zip(row, sheet.columns, strict=False)])
    # ws.max_row scans every cell: on a sheet of thousands of rows, keep the number instead
    r = int(ws._current_row)
    lines = 1
    for index, column in enumerate(sheet.columns[: len(row)], start=1):
        cell = ws.cell(r, index)
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            # openpyxl stores a leading '=' as a formula; force a plain string.
            cell.data_type = "s"
            cell.quotePrefix = True
        cell.number_format = _FORMATS.get(column.kind, "General")
        if column.kind == "text" and (column.width or 0) >= 36:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                lines = max(lines, -(-int(len(cell.value) * 1.1) // (column.width or 36)))
    if lines > 1:
        # Excel and LibreOffice do not grow a row for wrapped text written by a program:
        # without a height the wrapped lines print over the next row.
        ws.row_dimensions[r].height = 15 * min(lines, 12)
    return r


def _plain_sheet(ws: Any, sheet: Sheet) -> None:
    """Rows as given, column widths from the columns; a cell may be a `Styled` value."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for row in sheet.rows:
        ws.append([v.text if isinstance(v, Styled) else _xlsx_value(v, "text") for v in row])
        r = int(ws._current_row)
        for index, value in enumerate(row, start=1):
            if not isinstance(value, Styled):
                continue
            cell = ws.cell(r, index)
            cell.font = Font(bold=value.bold, italic=value.italic, size=value.size)
            cell.alignment = Alignment(horizontal=value.align, vertical="top", wrap_text=True)
            if value.number_format:
                cell.number_format = value.number_format
            width = sum(c.width or 12 for c in sheet.columns[index - 1 : index - 1 + value.span])
            lines = -(-int(len(str(value.text)) * 1.1 * value.size / 11) // max(8, width))
            if lines > 1:
                ws.row_dimensions[r].height = max(
                    ws.row_dimensions[r].height or 0, 15 * lines * value.size / 11
                )
            if value.span > 1:
                ws.merge_cells(
                    start_row=r, start_column=index, end_row=r, end_column=index + value.span - 1
                )
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width or 12


@dataclass(frozen=True)
class Styled:
    """A cell of a hand-laid sheet: text with a style, optionally merged over `span` columns."""

    text: Any
    bold: bool = False
    italic: bool = False
    size: float = 11
    align: Literal["left", "center", "right"] = "left"
    span: int = 1
    number_format: str = ""


def _print_setup(ws: Any, sheet: Sheet) -> None:
    """A4 landscape (portrait for the one-page summary), narrow margins, fitted to one page
    wide (as many pages tall as needed; the summary on one page), page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait" if sheet.plain else "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet.plain else 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = bool(sheet.plain)
    if not sheet.plain:
        ws.oddFooter.center.text = "&P / &N"
        ws.oddHeader.left.text = _sheet_title(sheet.title)


def _xlsx_value(value: Any, kind: str = "text") -> Any:
    if kind == "year" and value is not None and not isinstance(value, str):
        return str(value)
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
    for row in [*sheet.rows[:200], *sheet.footer]:
        if index < len(row) and row[index] is not None:
            longest = max(longest, len(str(row[index])))
    return max(8, min(60, longest + 2))
