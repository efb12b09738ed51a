"""Reading CSV (UTF-8, with or without BOM) and XLSX (first sheet) tables row by row.

Headers are matched through aliases after folding case and Vietnamese diacritics, so "Họ và tên",
"ho va ten" and "full_name" all name the same column. Rows are streamed, never held twice.

Cells are compared in one form: NFC, without the spaces around a key (a unit, a position, an
id) and without trailing NUL characters. A cell that form changed is matched, never silently:
the first one of each file is kept as a `TextNote` for `validate` to warn about (`collect_notes`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from planner.domain.message import Message
from planner.errors import InputError
from planner.io.boundary import Deadline, TextError, check_file, read_text
from planner.io.header_row import find_header
from planner.io.limits import limits


@lru_cache(maxsize=8192)  # table cells repeat the same few codes thousands of times
def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: 'Đại học' → 'dai_hoc'."""
    text = text.strip().replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    out = [ch if ch.isalnum() or ch in ":._" else "_" for ch in ascii_text.lower()]
    return "_".join(part for part in "".join(out).split("_") if part)


# Columns whose values are keys other tables or files refer to: spaces around them are noted.
KEY_COLUMNS = frozenset({"id", "unit", "position", "planning_pool", "official_id", "course"})


@dataclass(frozen=True)
class TextNote:
    """A cell whose text was read in another form than written (NFC, spaces around a key,
    trailing NULs), the first of its file; `count` cells of the file were changed so."""

    path: Path
    row: int
    field: str  # the column header as written
    found: str  # as written, with invisible characters shown as \uXXXX
    read: str  # as compared and used
    count: int = 1


def note_message(note: TextNote) -> Message:
    """The named warning `validate.text_normalised` for `note`: file, row, column, both
    spellings and how many cells of the file were read so."""
    return Message(
        "validate.text_normalised",
        {
            "file": note.path.name,
            "row": str(note.row),
            "field": note.field,
            "found": note.found,
            "read": note.read,
            "count": note.count,
        },
    )


_NOTES: ContextVar[dict[Path, TextNote] | None] = ContextVar("planner_text_notes", default=None)


@contextlib.contextmanager
def collect_notes() -> Iterator[dict[Path, TextNote]]:
    """Collect the TextNotes of the tables read inside the block (per thread / task)."""
    notes: dict[Path, TextNote] = {}
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def _note(path: Path, row: int, field: str, found: str, read: str) -> None:
    notes = _NOTES.get()
    if notes is None:
        return
    old = notes.get(path)
    notes[path] = (
        TextNote(path, row, field, visible(found), read)
        if old is None
        else replace(old, count=old.count + 1)
    )


def visible(text: str) -> str:
    """`text` with combining marks, controls and odd spaces written as escapes (a backslash,
    'u' and four hex digits), so two spellings that look alike on a screen are told apart."""
    out = []
    for ch in text:
        odd = unicodedata.combining(ch) or unicodedata.category(ch)[0] == "C"
        out.append(f"\\u{ord(ch):04x}" if odd or (ch.isspace() and ch != " ") else ch)
    return "".join(out)


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
    check_file(path, "table file")
    suffix = path.suffix.lower()
    merged: list[tuple[str, int]] = []
    # what the file may hold that the cells must be cleaned of: (NFD text, NULs)
    unclean = (True, False)
    if suffix in (".xlsx", ".xlsm"):
        first, raw_rows, merged = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        first, raw_rows, unclean = _csv_rows(path)
    else:
        raise InputError(
            "unsupported table format", path=path, found=suffix, expected=".csv or .xlsx"
        )
    names = set(aliases) | set(aliases.values())

    def known(text: str) -> bool:
        folded = fold(text)
        return folded in names or any(folded.startswith(p) for p in prefixed)

    # Office forms put title rows above the header (io/header_row.py finds it).
    found = find_header(itertools.chain([(1, list(first))], raw_rows), known)
    if found is None:
        raise InputError("empty table: no header row", path=path, row=1)
    header_row, header, raw_rows = found
    for ref, last_row in merged:
        if last_row >= header_row:  # a merge above the header is a title; below, it hides values
            raise InputError(
                "merged cells: only the first cell of a merged range holds the value",
                path=path,
                row=max(header_row, _first_row(ref)),
                column=ref,
                expected="one value per cell (unmerge the cells and fill them in)",
            )
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

    keys = {i for i, c in enumerate(columns) if c in KEY_COLUMNS}
    written = [headers[c] for c in columns]
    nfd, nuls = unclean
    # the cells to look at: all of them when the file holds NFD text or NULs, else the keys
    every = nfd or nuls

    def clean(number: int, values: list[object]) -> None:
        """Cells in the one form they are compared in, each change noted (see the module)."""
        for index in range(min(len(values), len(written))) if every else keys:
            value = values[index] if index < len(values) else None
            if not isinstance(value, str):
                continue
            text = value
            if nuls and "\x00" in text:
                text = text.strip().rstrip("\x00")
                if "\x00" in text:
                    raise InputError(
                        "control character in text",
                        path=path,
                        row=number,
                        column=written[index],
                        field=columns[index],
                        found="U+0000",
                        expected="printable text (remove the character)",
                    )
            if nfd and not text.isascii():
                text = unicodedata.normalize("NFC", text)
            if index in keys and text.strip():
                text = text.strip()
            if text != value:
                values[index] = text
                _note(path, number, written[index], value, text)

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
            clean(number, values)
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


def _csv_rows(
    path: Path,
) -> tuple[list[str], Iterator[tuple[int, list[object]]], tuple[bool, bool]]:
    """The header, the numbered records of a CSV file read through the input boundary, and
    whether its text is not all NFC and whether it holds NULs (its cells need cleaning).

    A record is numbered as a spreadsheet shows it (header = 1, a blank line is a row too), so
    a quoted name over two lines does not shift the rows after it."""
    text = _csv_text(path)
    # One pass over the whole text each, in C; the cell-by-cell work only when needed.
    unclean = (not text.isascii() and not unicodedata.is_normalized("NFC", text), "\x00" in text)
    delimiter = _sniff_delimiter(text)
    cell_limit = limits().cell_chars
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    csv.field_size_limit(cell_limit)
    number = 0

    def syntax_error(exc: csv.Error) -> InputError:
        message = str(exc)
        if "field larger than field limit" in message:
            return InputError(
                "cell too long",
                path=path,
                row=number + 1,
                expected=f"at most {cell_limit:,} characters (PLANNER_LIMIT_CELL_CHARS)",
            )
        if "new-line character seen in unquoted field" in message:
            return InputError(
                "a line break (CR) inside a cell that is not in quotes",
                path=path,
                row=number + 1,
                expected="the cell in double quotes, or the line break removed",
            )
        return InputError(
            f"CSV syntax error: {message}",
            path=path,
            row=number + 1,
            expected=f"CSV separated by {_DELIMITER_NAMES[delimiter]}",
        )

    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise syntax_error(exc) from None
    number = 1
    if header is None:
        raise InputError("empty table: no header row", path=path, row=1)
    if any(unclean):
        header = [unicodedata.normalize("NFC", h.replace("\x00", "")) for h in header]

    def rows() -> Iterator[tuple[int, list[object]]]:
        nonlocal number
        try:
            for values in reader:
                number += 1
                yield number, values  # csv makes a new list per row
        except csv.Error as exc:
            raise syntax_error(exc) from None

    return header, rows(), unclean


_DELIMITER_NAMES = {",": "commas (,)", ";": "semicolons (;)", "\t": "tabs"}


def _csv_text(path: Path) -> str:
    try:
        return read_text(path, limits().table_bytes, "table file", table=True)
    except TextError as exc:
        # The line of a bad byte is not its row: count the logical records before it.
        row = _records_in(exc.prefix)
        raise InputError(
            exc.message, path=path, row=row, found=exc.found, expected=exc.expected
        ) from None


def _records_in(prefix: str) -> int:
    """The 1-based record of the character just after `prefix` (quoted newlines respected)."""
    try:
        return sum(1 for _ in csv.reader(_lines(prefix + "x")))
    except csv.Error:
        return prefix.count("\n") + 1  # broken quoting: the line is the best guess


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings, without copying it into a list."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _sniff_delimiter(text: str) -> str:
    """`;` when the header has semicolons and no commas (Excel in a Vietnamese or European
    locale writes them), a tab likewise; else `,`."""
    end = text.find("\n")
    first = text[: end if end >= 0 else 4096]
    commas = first.count(",")
    for candidate in (";", "\t"):
        if first.count(candidate) > commas:
            return candidate
    return ","


def _xlsx_rows(
    path: Path,
) -> tuple[list[object], Iterator[tuple[int, list[object]]], list[tuple[str, int]]]:
    """The first row, the numbered rows after it and the sheet's merged ranges."""
    import openpyxl  # only needed for XLSX input

    from planner.io.xlsx_guard import ROWS_PER_CHECK, check_workbook

    deadline = Deadline(path)  # one for the check and the reading (boundary.py)
    sheet_name, merged = check_workbook(path, deadline)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book[sheet_name] if sheet_name in book.sheetnames else book.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"cannot read the workbook: {_short(exc)}", path=path) from None
    if header is None:
        book.close()
        raise InputError("empty table: no header row", path=path, row=1)
    while header and header[-1] is None:
        header = header[:-1]
    cell_limit = limits().cell_chars  # a crafted sheet's XML may hold more than Excel's 32,767
    try:
        _check_cell_length(path, 1, list(header), cell_limit)
    except InputError:
        book.close()
        raise

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 1
        try:
            for number, values in enumerate(iterator, start=2):
                if number % ROWS_PER_CHECK == 0:
                    deadline.check(f"row {number:,}")
                cells = [_xlsx_value(v) for v in values]
                _check_cell_length(path, number, cells, cell_limit)
                yield number, cells
        except InputError:
            raise
        except Exception as exc:  # a part broken further down the sheet
            raise InputError(
                f"cannot read the workbook: {_short(exc)}", path=path, row=number + 1
            ) from None
        finally:
            book.close()

    return list(header), rows(), merged


def _check_cell_length(path: Path, number: int, cells: list[object], limit: int) -> None:
    for index, value in enumerate(cells):
        if isinstance(value, str) and len(value) > limit:
            raise InputError(
                "cell too long",
                path=path,
                row=number,
                column=_letter(index),
                expected=f"at most {limit:,} characters (PLANNER_LIMIT_CELL_CHARS)",
            )


def _first_row(ref: str) -> int:
    digits = "".join(ch for ch in ref.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 1


def _short(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 160 else text[:157] + "…"


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
