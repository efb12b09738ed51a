"""Uploaded officials tables: read the raw cells (CSV or XLSX, never a path the client names),
apply a saved header/value mapping, write the canonical CSV the case keeps, and list every bad
row with its field and what is expected (the loader itself stops at the first).

Row checks reuse the loader's own parsers and checks (`planner.io.officials`), so a table that
passes here loads in the pipeline, and the messages are the loader's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import InputError
from planner.io.officials import OFFICIAL_ALIASES, official_reader, open_officials_table
from planner.io.tables import fold

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a province's officials fit in a few MB
MAX_ROWS = 200_000
TABLE_KINDS = {".csv": "csv", ".xlsx": "xlsx"}
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Problem:
    """One bad row (or the header, row 1): what the loader says about it."""

    row: int | None
    column: str | None
    field: str | None
    message: str
    found: str | None
    expected: str | None
    text: str

    @classmethod
    def of(cls, error: InputError, path: Path | None = None, display: str = "") -> Problem:
        """`error` as a problem; the server's own file `path` shown as the client's `display`
        name (the client never learns the server's paths)."""
        found = None if error.found is None else str(error.found)
        text = error.render()
        if path is not None:
            text = text.replace(str(path), display or path.name)
        return cls(error.row, error.column, error.field, error.message, found, error.expected, text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "found": self.found,
            "expected": self.expected,
            "text": self.text,
        }


def table_kind(filename: str, content: bytes) -> str:
    """'csv' or 'xlsx' from the name's suffix, checked against the bytes (a renamed file is
    refused, not guessed)."""
    suffix = Path(filename or "").suffix.lower()
    kind = TABLE_KINDS.get(suffix)
    if kind is None:
        raise InputError(
            "unsupported file type", path=filename, found=suffix or "?", expected=".csv or .xlsx"
        )
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError(
            "file too large",
            path=filename,
            found=f"{len(content)} bytes",
            expected=f"at most {MAX_UPLOAD_BYTES} bytes",
        )
    if not content:
        raise InputError("empty file", path=filename, expected="a table with a header row")
    if (kind == "xlsx") != content.startswith(_XLSX_MAGIC):
        raise InputError(
            "the file's content does not match its type", path=filename, expected=f"a {suffix}"
        )
    return kind


def read_raw(filename: str, content: bytes) -> tuple[list[str], list[list[object]]]:
    """Header and rows of an uploaded table as written (no mapping yet)."""
    kind = table_kind(filename, content)
    if kind == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                "file is not UTF-8 text", path=filename, expected="CSV in UTF-8"
            ) from None
        try:
            rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise InputError(f"CSV syntax error: {exc}", path=filename) from None
    else:
        import openpyxl  # type: ignore[import-untyped]

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InputError(f"cannot read the workbook: {exc}", path=filename) from None
        try:
            rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if not rows:
        raise InputError("empty table: no header row", path=filename, row=1)
    if len(rows) > MAX_ROWS + 1:
        raise InputError(
            "too many rows", path=filename, found=len(rows) - 1, expected=f"at most {MAX_ROWS}"
        )
    header = [("" if h is None else str(h)).strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    return header, rows[1:]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_canonical_csv(
    header: list[str],
    rows: list[list[object]],
    headers_map: Mapping[str, str] | None = None,
    values_map: Mapping[str, Mapping[str, str]] | None = None,
) -> bytes:
    """The table as the UTF-8 CSV a case keeps: headers renamed by `headers_map` (source header
    → planner field; folded, so accents and case do not matter) and cell values by `values_map`
    (field → {source value → planner value}); unmapped headers and values are kept as written,
    for the loader's own aliases to read or reject."""
    by_fold = {fold(k): v for k, v in (headers_map or {}).items() if v}
    names = [by_fold.get(fold(h), h) for h in header]
    value_maps = {
        field: {fold(k): v for k, v in mapping.items()}
        for field, mapping in (values_map or {}).items()
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    width = len(names)
    for raw in rows:
        cells = [_cell_text(v) for v in raw]
        if not any(cells):
            continue
        cells = (cells + [""] * width)[: max(width, len(cells))]
        for index, name in enumerate(names):
            mapping = value_maps.get(_field_of(name))
            if mapping and cells[index]:
                cells[index] = mapping.get(fold(cells[index]), cells[index])
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _field_of(header: str) -> str:
    folded = fold(header)
    return OFFICIAL_ALIASES.get(folded, folded)


def row_problems(
    path: Path,
    known_positions: Collection[str] | None,
    leader_groups: Collection[int] | None,
    limit: int = 500,
    display: str = "",
) -> list[Problem]:
    """Every bad row of the officials table at `path` (up to `limit`), each with the loader's
    message: the first bad cell of each row, duplicates, unknown positions and leader groups.
    A header problem is reported alone (row 1): no row can be read without it."""
    try:
        table = open_officials_table(path)
    except InputError as error:
        return [Problem.of(error, path, display)]
    read = official_reader(table, known_positions, leader_groups)  # the loader's own checks
    problems: list[Problem] = []
    rows = 0
    try:
        for number, cells in table.values:
            rows += 1
            try:
                read(number, cells)
            except InputError as error:
                problems.append(Problem.of(error, path, display))
                if len(problems) >= limit:
                    break
    except InputError as error:  # the file itself (encoding, a row wider than the header)
        problems.append(Problem.of(error, path, display))
    if rows == 0 and not problems:
        empty = InputError("the officials table has no rows", path=path, row=2)
        problems.append(Problem.of(empty, path, display))
    return problems
