"""Cell parsers of the officials, history, units and indicators tables, and the errors they
raise: a bad cell becomes an InputError naming file, row, column, what was found and expected."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Any

from planner.errors import InputError
from planner.io.tables import Table, TableRow, fold
from planner.types import QUALIFICATION_SCALES

_TRUE = {"true", "1", "co", "yes", "x", "y"}
_FALSE = {"false", "0", "khong", "no", "n"}
_GENDER = {
    "male": "male",
    "nam": "male",
    "m": "male",
    "female": "female",
    "nu": "female",
    "f": "female",
}
_QUALIFICATION_ALIASES: dict[str, dict[str, str]] = {
    "education": {
        "trung_hoc_co_so": "thcs",
        "trung_hoc_pho_thong": "thpt",
        "12_12": "thpt",
        "cu_nhan": "dai_hoc",
        "ky_su": "dai_hoc",
        "dh": "dai_hoc",
        "cd": "cao_dang",
        "tc": "trung_cap",
        "ths": "thac_si",
        "ts": "tien_si",
        "sau_dai_hoc": "thac_si",
    },
    "political_theory": {
        "khong": "none",
        "chua_co": "none",
        "chua_qua_dao_tao": "none",
        "sc": "so_cap",
        "tc": "trung_cap",
        "cc": "cao_cap",
    },
    "state_management": {
        "khong": "none",
        "chua_co": "none",
        "cv": "chuyen_vien",
        "cvc": "chuyen_vien_chinh",
        "cvcc": "chuyen_vien_cao_cap",
    },
}
_RATINGS = {
    "excellent": "excellent",
    "xuat_sac": "excellent",
    "hoan_thanh_xuat_sac_nhiem_vu": "excellent",
    "good": "good",
    "tot": "good",
    "hoan_thanh_tot_nhiem_vu": "good",
    "completed": "completed",
    "hoan_thanh": "completed",
    "hoan_thanh_nhiem_vu": "completed",
    "not_completed": "not_completed",
    "khong_hoan_thanh": "not_completed",
    "khong_hoan_thanh_nhiem_vu": "not_completed",
}
_RESULTS = {
    "passed": "passed",
    "dat": "passed",
    "failed": "failed",
    "khong_dat": "failed",
    "dropped": "dropped",
    "bo_hoc": "dropped",
    "thoi_hoc": "dropped",
}
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


class CellError(ValueError):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def cell_text(value: object) -> str | None:
    if isinstance(value, str):  # every CSV cell (already NFC: the boundary normalised the file)
        text = value.strip()
        if not text.isascii():  # an XLSX text may be NFD: compare names in one form
            text = unicodedata.normalize("NFC", text)
        return text or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if text is None:
        return None
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("true/false, 1/0 or có/không")


# Dates a table row can mean: a birth from 1900 to a course in 2200. 0001-01-01 or 9999-12-31
# are placeholders, and would overflow the date arithmetic further on.
DATE_WINDOW = (dt.date(1900, 1, 1), dt.date(2200, 12, 31))


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = cell_text(value)
        if text is None:
            return None
        day = _date_from_text(text)
    if not DATE_WINDOW[0] <= day <= DATE_WINDOW[1]:
        raise CellError(f"a date from {DATE_WINDOW[0]} to {DATE_WINDOW[1]}")
    return day


@lru_cache(maxsize=1 << 16)  # birth, appointment and course dates repeat: parse each text once
def _date_from_text(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise CellError("a date YYYY-MM-DD (or DD/MM/YYYY)")


def parse_int(low: int, high: int | None) -> Callable[[object], int | None]:
    """A whole number from `low` to `high` (None: no upper bound)."""
    expected = f"a whole number {low}-{high}" if high is not None else f"a whole number ≥ {low}"

    def parse(value: object) -> int | None:
        text = cell_text(value)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            raise CellError(expected) from None
        if number < low or (high is not None and number > high):
            raise CellError(expected)
        return number

    return parse


def parse_float(low: float, high: float) -> Callable[[object], float | None]:
    def parse(value: object) -> float | None:
        text = cell_text(value)
        if text is None:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise CellError(f"a number {low}-{high}") from None
        if not low <= number <= high:
            raise CellError(f"a number {low}-{high}")
        return number

    return parse


def parse_choice(choices: dict[str, str], expected: str) -> Callable[[object], str | None]:
    """One of a fixed vocabulary: the folded cell text looked up in `choices` (aliases included)."""

    def parse(value: object) -> str | None:
        text = cell_text(value)
        if text is None:
            return None
        try:
            return choices[fold(text)]
        except KeyError:
            raise CellError(expected) from None

    return parse


parse_gender = parse_choice(_GENDER, "male/female (nam/nữ)")


def parse_qualification(field: str) -> Callable[[object], str | None]:
    scale = QUALIFICATION_SCALES[field]
    aliases = _QUALIFICATION_ALIASES[field]

    names = {**{level: level for level in scale}, **aliases}  # every accepted writing → level

    def parse(value: object) -> str | None:
        text = cell_text(value)
        if text is None:
            return None
        key = fold(text)
        if key in names:
            return names[key]
        # Office sheets add the field after the level: "Đại học Luật", "Thạc sĩ Quản lý công",
        # "Trung cấp lý luận chính trị". The longest level (or alias) the value begins with.
        starts = [name for name in names if key.startswith(name + "_")]
        if starts:
            return names[max(starts, key=len)]
        closest = difflib.get_close_matches(key, list(names), n=3, cutoff=0.5)
        hint = (
            f"; closest: {', '.join(dict.fromkeys(names[c] for c in closest))}" if closest else ""
        )
        raise CellError(f"one of {', '.join(scale)}{hint}")

    return parse


def parse_ratings(value: object) -> tuple[str, ...]:
    text = cell_text(value)
    if text is None:
        return ()
    out = []
    for part in text.split(";"):
        if not part.strip():
            continue
        key = fold(part)
        if key not in _RATINGS:
            raise CellError("ratings separated by ';': excellent/good/completed/not_completed")
        out.append(_RATINGS[key])
    return tuple(out)


parse_result = parse_choice(_RESULTS, "passed/failed/dropped (đạt/không đạt/bỏ học)")


def parse_str(value: object) -> str | None:
    return cell_text(value)


def parse_code(value: object) -> str | None:
    text = cell_text(value)
    return text if text is None else text.strip()


def check_columns(
    table: Table, required: Iterable[str], known: Iterable[str], prefixes: Iterable[str]
) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(
            "missing required column",
            path=table.path,
            row=table.header_row,
            field=missing[0],
            found=", ".join(table.headers.values()),
            expected=f"columns {', '.join(required)}",
        )
    known_set = set(known)
    for column in table.columns:
        if column not in known_set and not any(column.startswith(p) for p in prefixes):
            raise InputError(
                "unknown column",
                path=table.path,
                row=table.header_row,
                column=table.headers[column],
                field=column,
                expected="a column of the officials template (or its Vietnamese header)",
            )


def parse_cell(table: Table, row: TableRow, column: str, parser: Callable[[object], Any]) -> Any:
    raw = row.cells.get(column)
    try:
        return parser(raw)
    except CellError as exc:
        raise cell_error(table, row.number, column, raw, exc) from None


def row_error(
    table: Table,
    number: int,
    column: str,
    message: str,
    found: object = None,
    expected: str | None = None,
) -> InputError:
    """An error about the cell of `column` on row `number`."""
    return InputError(
        message,
        path=table.path,
        row=number,
        column=table.headers.get(column, column),
        field=column,
        found=found,
        expected=expected,
    )


def cell_error(table: Table, number: int, column: str, raw: object, exc: CellError) -> InputError:
    return row_error(table, number, column, "invalid value", raw, exc.expected)


def require(table: Table, number: int, values: dict[str, Any], columns: Iterable[str]) -> None:
    """Every one of `columns` has a value on row `number` (an empty cell is left out)."""
    for column in columns:
        if values.get(column) is None:
            raise row_error(table, number, column, "required value is empty")


def check_known(
    table: Table,
    number: int,
    column: str,
    value: object,
    known: Collection[Any] | None,
    message: str,
    expected: str,
) -> None:
    """`value` (read from `column` on row `number`) is one of `known`, if that is given."""
    if known is not None and value is not None and value not in known:
        raise row_error(table, number, column, message, value, expected)
