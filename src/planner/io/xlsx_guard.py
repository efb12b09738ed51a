"""Checks of an XLSX workbook made on the zip and its XML before openpyxl loads it: the file
and its unzipped parts within limits (a zip bomb or a 20-million-string table is refused in
milliseconds), the sheet's declared size, and what openpyxl would read silently wrong — a
hidden first sheet, a formula saved without its value, merged cells under the header.

The read deadline (PLANNER_LIMIT_READ_SECONDS, `boundary.Deadline`) is checked every
`ROWS_PER_CHECK` rows of the streaming pass, so a workbook on a stalled mount stops too.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from planner.errors import InputError
from planner.io.boundary import Deadline, check_file
from planner.io.limits import limits

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_COUNT = re.compile(rb'<(?:\w+:)?sst[^>]*\buniqueCount="(\d+)"')
ROWS_PER_CHECK = 1000  # rows between two looks at the read deadline (a clock read is cheap)


def check_workbook(
    path: Path, deadline: Deadline | None = None
) -> tuple[str, list[tuple[str, int]]]:
    """The name of the sheet to read (the first) and its merged ranges (reference, last row);
    an InputError for what cannot be read right (or read within `deadline`).

    Merged cells are returned, not refused: an office form merges its title rows above the
    header (io/header_row.py skips them), while a merge at or below the header hides values
    — the table reader refuses those once it knows where the header is."""
    info = check_file(path, "workbook")
    lim = limits()
    if info.st_size > lim.xlsx_bytes:
        raise InputError(
            "workbook too large",
            path=path,
            found=f"{info.st_size:,} bytes",
            expected=f"at most {lim.xlsx_bytes:,} bytes (PLANNER_LIMIT_XLSX_BYTES)",
        )
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"not a valid .xlsx workbook ({exc})", path=path, expected="an Excel .xlsx file"
        ) from None
    with book:
        try:
            return _check(book, path, deadline or Deadline(path))
        except InputError:
            raise
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError, OSError) as exc:
            raise InputError(
                f"broken workbook: {type(exc).__name__}: {str(exc)[:120]}", path=path
            ) from None


def _check(
    book: zipfile.ZipFile, path: Path, deadline: Deadline
) -> tuple[str, list[tuple[str, int]]]:
    lim = limits()
    total = 0
    for item in book.infolist():
        total += item.file_size
        if item.file_size > 1 << 20 and item.file_size > lim.xlsx_ratio * max(
            item.compress_size, 1
        ):
            raise InputError(
                "workbook part compresses implausibly well (a zip bomb?)",
                path=path,
                field=item.filename,
                found=f"{item.file_size:,} bytes from {item.compress_size:,}",
                expected=f"a ratio under {lim.xlsx_ratio}",
            )
    if total > lim.xlsx_uncompressed:
        raise InputError(
            "workbook too large once unzipped",
            path=path,
            found=f"{total:,} bytes",
            expected=f"at most {lim.xlsx_uncompressed:,} (PLANNER_LIMIT_XLSX_UNCOMPRESSED)",
        )
    names = set(book.namelist())
    if "xl/workbook.xml" not in names:
        raise InputError("not an Excel workbook: xl/workbook.xml missing", path=path)
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{_NS}sheets/{_NS}sheet")
    if not sheets:
        raise InputError("workbook has no sheet", path=path)
    first = sheets[0]
    name = first.get("name", "")
    if first.get("state") in ("hidden", "veryHidden"):
        raise InputError(
            "the first sheet is hidden",
            path=path,
            field=f"sheet {name!r}",
            expected="the data on the first, visible sheet (unhide it or move it first)",
        )
    if "xl/sharedStrings.xml" in names:
        with book.open("xl/sharedStrings.xml") as handle:
            head = handle.read(4096)
        count = _COUNT.search(head)
        if count and int(count.group(1)) > lim.xlsx_shared_strings:
            raise InputError(
                "workbook has too many distinct texts",
                path=path,
                found=f"{int(count.group(1)):,} shared strings",
                expected=f"at most {lim.xlsx_shared_strings:,}",
            )
    part = _sheet_part(book, first.get(f"{_REL_NS}id"), names)
    merged = _check_sheet(book, part, path, name, deadline) if part is not None else []
    return name, merged


def _sheet_part(book: zipfile.ZipFile, rel_id: str | None, names: set[str]) -> str | None:
    rels = "xl/_rels/workbook.xml.rels"
    if rel_id and rels in names:
        for rel in ElementTree.fromstring(book.read(rels)):
            if rel.get("Id") == rel_id:
                target = rel.get("Target", "").lstrip("/")
                target = target if target.startswith("xl/") else f"xl/{target}"
                return target if target in names else None
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None


def _check_sheet(
    book: zipfile.ZipFile, part: str, path: Path, sheet: str, deadline: Deadline
) -> list[tuple[str, int]]:
    lim = limits()
    with book.open(part) as handle:
        head = handle.read(8192)
    dimension = _DIMENSION.search(head)
    if dimension:
        last_col = dimension.group(3) or dimension.group(1)
        last_row = int(dimension.group(4) or dimension.group(2))
        columns = _column_number(last_col.decode())
        if last_row > lim.xlsx_rows or columns > lim.xlsx_columns:
            raise InputError(
                "sheet too large",
                path=path,
                field=f"sheet {sheet!r}",
                found=f"{last_row:,} rows × {columns:,} columns",
                expected=f"at most {lim.xlsx_rows:,} rows and {lim.xlsx_columns} columns",
            )
    # One streaming pass over the sheet: rows counted (a sheet without a <dimension> is still
    # bounded), formulas without a cached value and merged cells found.
    rows = 0
    merged: list[tuple[str, int]] = []
    data: ElementTree.Element | None = None
    with book.open(part) as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_NS}sheetData":
                    data = element
                continue
            if tag == f"{_NS}row":
                rows += 1
                if rows > lim.xlsx_rows:
                    raise InputError(
                        "sheet has too many rows",
                        path=path,
                        field=f"sheet {sheet!r}",
                        expected=f"at most {lim.xlsx_rows:,} (PLANNER_LIMIT_XLSX_ROWS)",
                    )
                if data is not None:
                    data.clear()  # rows done with: memory stays flat on a long sheet
                if rows % ROWS_PER_CHECK == 0:
                    deadline.check(f"row {rows:,} of the check")
            elif tag == f"{_NS}c":
                ref = element.get("r") or ""
                letters = ref.rstrip("0123456789")
                # the declared <dimension> may be missing or lie: each cell's column counts
                if len(letters) > 1 and _column_number(letters) > lim.xlsx_columns:
                    raise InputError(
                        "sheet has too many columns",
                        path=path,
                        row=_row_of(ref),
                        column=ref,
                        field=f"sheet {sheet!r}",
                        expected=f"at most {lim.xlsx_columns} (PLANNER_LIMIT_XLSX_COLUMNS)",
                    )
                value = element.find(f"{_NS}v")
                if element.find(f"{_NS}f") is not None and (value is None or not value.text):
                    ref = ref or "?"
                    raise InputError(
                        "formula saved without its value",
                        path=path,
                        row=_row_of(ref),
                        column=ref,
                        expected="the computed value (open and save the file in Excel or "
                        "LibreOffice, or paste values)",
                    )
            elif tag == f"{_NS}mergeCell":
                ref = element.get("ref", "?")
                merged.append((ref, _row_of(ref.split(":")[-1]) or 0))
    return merged


def _row_of(ref: str) -> int | None:
    digits = "".join(ch for ch in ref if ch.isdigit())
    return int(digits) if digits else None


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number
