"""The officials table (DESIGN §4): columns, Vietnamese aliases, and the streaming loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from planner.domain.profile import Official, build_official
from planner.errors import InputError
from planner.io.cells import (
    check_columns,
    check_known,
    parse_bool,
    parse_code,
    parse_date,
    parse_gender,
    parse_int,
    parse_qualification,
    parse_ratings,
    parse_str,
    require,
    row_error,
)
from planner.io.columns import (
    NATIONAL_DATABASE_ALIASES,
    field_spec,
    level_spec,
    read_cells,
    table_columns,
)
from planner.io.tables import Table, open_table
from planner.io.titles import TitleError, TitleIndex

OFFICIAL_ALIASES: dict[str, str] = {
    "ma": "id",
    "ma_so": "id",
    "ma_can_bo": "id",
    "ma_cb": "id",
    "ma_cbcc": "id",
    "ho_va_ten": "full_name",
    "ho_ten": "full_name",
    "chuc_danh": "position",
    "vi_tri": "position",
    "vi_tri_viec_lam": "position",
    "chuc_vu": "position",
    "ma_chuc_danh": "position",
    "don_vi": "unit",
    "co_quan": "unit",
    "don_vi_cong_tac": "unit",
    "ngay_sinh": "birth_date",
    "gioi_tinh": "gender",
    "dan_toc_thieu_so": "ethnic_minority",
    "dtts": "ethnic_minority",
    "dang_vien": "party_member",
    "ngay_bo_nhiem": "appointed_on",
    "ngay_vao_cong_tac": "started_service_on",
    "ngay_tuyen_dung": "started_service_on",
    "ngach": "grade",
    "trinh_do_chuyen_mon": "education",
    "trinh_do": "education",
    "chuyen_nganh": "education_field",
    "nganh": "education_field",
    "ly_luan_chinh_tri": "political_theory",
    "llct": "political_theory",
    "quan_ly_nha_nuoc": "state_management",
    "qlnn": "state_management",
    "tin_hoc": "it",
    "ngoai_ngu": "language",
    "quy_hoach": "planning_pool",
    "xep_loai": "ratings",
    "danh_gia": "ratings",
    "xep_loai_chat_luong": "ratings",
    "vung_kho_khan": "difficult_area",
    "nhom_lanh_dao": "leader_group",
    **NATIONAL_DATABASE_ALIASES,  # ND 27/2026 national database headers (io/columns.py)
}
OFFICIAL_PREFIXES = {"nang_luc:": "competency:", "competency:": "competency:"}

_OFFICIAL_PARSERS: dict[str, Callable[[object], Any]] = {
    "id": parse_code,
    "full_name": parse_str,
    "position": parse_code,
    "unit": parse_str,
    "birth_date": parse_date,
    "gender": parse_gender,
    "ethnic_minority": parse_bool,
    "party_member": parse_bool,
    "appointed_on": parse_date,
    "started_service_on": parse_date,
    "grade": parse_str,
    "education": parse_qualification("education"),
    "education_field": parse_str,
    "political_theory": parse_qualification("political_theory"),
    "state_management": parse_qualification("state_management"),
    "it": parse_str,
    "language": parse_str,
    "planning_pool": parse_code,
    "ratings": parse_ratings,
    "difficult_area": parse_bool,
    "leader_group": parse_int(1, None),  # an id of leader_groups in rules/
}
OFFICIAL_FIELDS: tuple[str, ...] = tuple(_OFFICIAL_PARSERS)  # the columns besides competencies
OFFICIAL_REQUIRED = ("id", "full_name", "position", "unit", "birth_date", "gender")


def iter_officials(
    path: Path,
    known_positions: Collection[str] | None = None,
    leader_groups: Collection[int] | None = None,
    born_by: dt.date | None = None,
) -> Iterator[Official]:
    """Stream officials from a CSV/XLSX table, validating every cell: one row at a time, parsed
    and checked straight into its Official (no other copy of the table is kept). Positions and
    leader groups are checked against `known_positions` and `leader_groups` (rules/) if given."""
    table = open_officials_table(path)
    read = official_reader(table, known_positions, leader_groups, born_by)
    for number, cells in table.values:
        yield read(number, cells)


def open_officials_table(path: Path) -> Table:
    """The officials table at `path` with its columns checked (an InputError on row 1)."""
    table = open_table(path, OFFICIAL_ALIASES, OFFICIAL_PREFIXES)
    check_columns(table, OFFICIAL_REQUIRED, _OFFICIAL_PARSERS, ("competency:",))
    return table


def official_reader(
    table: Table,
    known_positions: Collection[str] | None = None,
    leader_groups: Collection[int] | None = None,
    born_by: dt.date | None = None,
) -> Callable[[int, list[object]], Official]:
    """A function that reads one row of `table` into its Official, or raises the InputError of
    its first bad cell. It remembers the ids it has read (a repeated id is an error), so the
    loader can stop at the first bad row and the web upload can list every one. A birth date
    after `born_by` (the case's reference date) is an error at its row."""
    fields = table_columns(
        table, field_spec(_OFFICIAL_PARSERS), unique=("id", "full_name", "birth_date")
    )
    levels = table_columns(table, level_spec({"competency": "competencies"}))
    seen: set[str] = set()
    # Positions given as {id: titles}: a cell may hold the title instead of the id.
    titles = (
        TitleIndex.of("position", known_positions) if isinstance(known_positions, Mapping) else None
    )
    groups_expected = (
        f"one of {', '.join(map(str, sorted(leader_groups)))} (leader_groups in rules/)"
        if leader_groups is not None
        else ""
    )

    def read(number: int, cells: list[object]) -> Official:
        values: dict[str, Any] = {}
        read_cells(table, number, cells, fields, values)
        require(table, number, values, OFFICIAL_REQUIRED)
        if born_by is not None and values["birth_date"] > born_by:
            raise row_error(
                table,
                number,
                "birth_date",
                "birth date after the reference date",
                str(values["birth_date"]),
                f"a date before the case's reference_date {born_by}",
            )
        values["competencies"] = {}
        read_cells(table, number, cells, levels, values)
        if values["id"] in seen:
            raise row_error(
                table, number, "id", "duplicate official id", values["id"], "each id once"
            )
        seen.add(values["id"])
        for column in ("position", "planning_pool"):
            if titles is not None and values.get(column) is not None:
                try:
                    values[column] = titles.resolve(values[column])
                except TitleError as exc:
                    raise row_error(
                        table, number, column, exc.message, values[column], exc.expected
                    ) from None
            check_known(
                table,
                number,
                column,
                values.get(column),
                known_positions,
                "unknown position id",
                "a position id defined in rules/ (e.g. xa.chu_tich_ubnd)",
            )
        check_known(
            table,
            number,
            "leader_group",
            values.get("leader_group"),
            leader_groups,
            "unknown leader group",
            groups_expected,
        )
        # Every cell went through its parser above, which enforces the model's constraints;
        # skipping a second validation keeps loading 300,000 officials fast.
        return build_official(values)

    return read


def load_officials(
    path: Path,
    known_positions: Collection[str] | None = None,
    leader_groups: Collection[int] | None = None,
    born_by: dt.date | None = None,
) -> list[Official]:
    officials = list(iter_officials(path, known_positions, leader_groups, born_by))
    if not officials:
        raise InputError("the officials table has no rows", path=path, row=2)
    return officials
