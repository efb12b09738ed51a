"""Reading CSV (UTF-8, with or without BOM) and XLSX (first sheet) tables row by row.

Headers are matched through aliases after folding case and Vietnamese diacritics, so "Họ và tên",
"ho va ten" and "full_name" all name the same column. Rows are streamed, never held twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planner.errors import InputError
from planner.io.header_row import find_header


@lru_cache(maxsize=8192)  # table cells repeat the same few codes thousands of times
def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: 'Đại học' → 'dai_hoc'."""
    text = text.strip().replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    out = [ch if ch.isalnum() or ch in ":._" else "_" for ch in ascii_text.lower()]
    return "_".join(part for part in "".join(out).split("_") if part)


@dataclass(frozen=True)
class TableRow:
    number: int  # 1-based row (the header is row 1), as a spreadsheet shows it
    cells: dict[str, object]  # canonical column → raw value (str for CSV; typed for XLSX)


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]  # canonical names, in file order
    headers: dict[str, str]  # canonical → header as written in the file
    # (row number, cells in column order) of every non-blank row, checked against the header;
    # read it or `rows`, once: both draw on the same stream.
    values: Iterator[tuple[int, list[object]]]
    header_row: int = 1  # where the header was found (title rows above it are skipped)

    @property
    def rows(self) -> Iterator[TableRow]:
        """The rows as canonical column → raw value (one small dict per row)."""
        columns = self.columns
        for number, values in self.values:
            yield TableRow(
                number,
                {col: (values[i] if i < len(values) else None) for i, col in enumerate(columns)},
            )


def open_table(path: Path, aliases: dict[str, str], prefixed: dict[str, str]) -> Table:
    """Open `path` and map its headers: `aliases` maps folded header → canonical name;
    `prefixed` maps a folded prefix (e.g. 'nang_luc:') → canonical prefix ('competency:')."""
    if not path.exists():
        raise InputError("file not found", path=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        all_rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        all_rows = _csv_rows(path)
    else:
        raise InputError(
            "unsupported table format", path=path, found=suffix, expected=".csv or .xlsx"
        )
    names = set(aliases) | set(aliases.values())

    def known(text: str) -> bool:
        folded = fold(text)
        return folded in names or any(folded.startswith(p) for p in prefixed)

    found = find_header(all_rows, known)
    if found is None:
        raise InputError("empty table: no header row", path=path, row=1)
    header_row, header, raw_rows = found
    while header and header[-1] is None:
        header = header[:-1]
    columns: list[str] = []
    headers: dict[str, str] = {}
    for index, raw in enumerate(header):
        name = _canonical(str(raw) if raw is not None else "", aliases, prefixed)
        if not name:
            raise InputError(
                "empty column header", path=path, row=header_row, column=_letter(index)
            )
        if name in headers:
            raise InputError(
                "duplicate column",
                path=path,
                row=header_row,
                column=str(raw),
                field=name,
                expected="each column once",
            )
        columns.append(name)
        headers[name] = str(raw)

    def checked() -> Iterator[tuple[int, list[object]]]:
        width = len(columns)
        for number, values in raw_rows:
            first = values[0] if values else None
            if not (isinstance(first, str) and first.strip()) and _blank(values):
                continue  # blank lines carry nothing; skipping them drops no data
            if len(values) > width and any(v not in (None, "") for v in values[width:]):
                raise InputError(
                    "more cells than header columns",
                    path=path,
                    row=number,
                    found=len(values),
                    expected=f"{width} cells",
                )
            yield number, values

    return Table(path, columns, headers, checked(), header_row)


def _blank(values: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _canonical(header: str, aliases: dict[str, str], prefixed: dict[str, str]) -> str:
    folded = fold(header)
    if folded in aliases:
        return aliases[folded]
    for prefix, canonical_prefix in prefixed.items():
        if folded.startswith(prefix):
            return canonical_prefix + folded[len(prefix) :]
    return folded


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    """Every row of a CSV file with its line number, the header among them."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        reader = csv.reader(handle)
        first = next(reader, None)
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path, expected="CSV in UTF-8") from None
    if first is None:
        handle.close()
        raise InputError("empty table: no header row", path=path, row=1)

    def rows() -> Iterator[tuple[int, list[object]]]:
        with handle:
            yield reader.line_num, list(first)
            try:
                for values in reader:
                    yield reader.line_num, values  # csv makes a new list per row
            except UnicodeDecodeError:
                raise InputError(
                    "file is not UTF-8 text", path=path, row=reader.line_num + 1
                ) from None
            except csv.Error as exc:
                raise InputError(
                    f"CSV syntax error: {exc}", path=path, row=reader.line_num
                ) from None

    return rows()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    """Every row of the first sheet with its number, the header among them (a merged title
    cell reads as its text in the first cell and empty cells after it)."""
    import openpyxl  # only needed for XLSX input

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"cannot read the workbook: {exc}", path=path) from None
    sheet = book.worksheets[0]

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_value(v) for v in values]
        finally:
            book.close()

    return rows()


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
