"""The column-spec engine: how the columns of a large table are read row by row (a spec says which
parser reads a column and where its value goes; repeated texts are parsed once per column)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from planner.io.cells import CellError, cell_error, parse_int
from planner.io.tables import Table


@dataclass(frozen=True, slots=True)
class _Column:
    """How one column of a table is read: its place, where its value goes, its parser."""

    index: int
    name: str  # canonical column name
    group: str | None  # None: a field of the row; else the dict it goes in (competency levels)
    key: str  # the field, or the key in `group` (a competency id)
    parse: Callable[[object], Any]
    empty: Any  # what the parser makes of an empty cell
    # Parsed value of each text seen in the column (parsers are pure): codes, flags, levels and
    # names repeat over rows, so most cells are parsed once, and the values are kept once each —
    # at 300,000 officials copies of "Xã ..." would cost more memory than the officials.
    # None for columns whose values hardly repeat (ids, names).
    memo: dict[str, Any] | None


_MEMO_LIMIT = 1 << 16  # values a column memo keeps at most: bounded memory on any table
ColumnSpec = Callable[[str], "tuple[Callable[[object], Any], str | None, str] | None"]


@dataclass(frozen=True, slots=True)
class _Block:
    """Columns read together. A run of level columns (adjacent in the file) is one block: when
    all its cells are empty, as they mostly are in a history table, it is skipped at once."""

    columns: list[_Column]
    skip_if_empty: slice | None  # the cells of the run, or None: read each column


def table_columns(table: Table, spec: ColumnSpec, unique: Iterable[str] = ()) -> list[_Block]:
    """The columns of `table` that `spec` reads (parser, group, key), in file order; `unique`
    names the columns not worth a memo."""
    unique_set = set(unique)
    blocks: list[_Block] = []
    for index, name in enumerate(table.columns):
        found = spec(name)
        if found is None:
            continue
        parse, group, key = found
        column = _Column(
            index, name, group, key, parse, parse(None), None if name in unique_set else {}
        )
        level = group is not None and column.empty is None
        last = blocks[-1] if blocks else None
        if (
            last is not None
            and (last.skip_if_empty is not None) == level
            and last.columns[-1].index == index - 1
        ):
            last.columns.append(column)
        else:
            blocks.append(_Block([column], slice(index, index + 1) if level else None))
    # A run's slice spans its columns, now that they are all known.
    return [
        _Block(b.columns, slice(b.columns[0].index, b.columns[-1].index + 1))
        if b.skip_if_empty is not None
        else b
        for b in blocks
    ]


def field_spec(parsers: dict[str, Callable[[object], Any]]) -> ColumnSpec:
    """Spec of the columns that are fields, each with its own parser."""
    return lambda name: (parsers[name], None, name) if name in parsers else None


def level_spec(groups: dict[str, str]) -> ColumnSpec:
    """Spec of competency level columns ('<prefix>:<competency>'): `groups` maps a prefix to
    the field holding its levels."""
    level = parse_int(0, 5)

    def spec(name: str) -> tuple[Callable[[object], Any], str | None, str] | None:
        prefix, colon, competency = name.partition(":")
        return (level, groups[prefix], competency) if prefix in groups and colon else None

    return spec


def read_cells(
    table: Table, number: int, cells: list[object], blocks: list[_Block], into: dict[str, Any]
) -> None:
    """Parse the columns of one row into `into` (a value of None is left out), in file order so
    that the first bad cell of the row is the one reported."""
    for block in blocks:
        if block.skip_if_empty is not None:
            run = cells[block.skip_if_empty]
            if run.count("") + run.count(None) == len(run):
                continue  # nothing in the run: every value would be None
        _read_block(table, number, cells, block.columns, into)


def _read_block(
    table: Table, number: int, cells: list[object], columns: list[_Column], into: dict[str, Any]
) -> None:
    width = len(cells)
    for column in columns:
        raw = cells[column.index] if column.index < width else None
        if raw is None or raw == "":
            value = column.empty
        else:
            memo = column.memo if type(raw) is str else None  # XLSX: 1 == True, do not mix
            value = memo.get(raw, _UNSEEN) if memo is not None else _UNSEEN
            if value is _UNSEEN:
                try:
                    value = column.parse(raw)
                except CellError as exc:
                    raise cell_error(table, number, column.name, raw, exc) from None
                if memo is not None and len(memo) < _MEMO_LIMIT:
                    memo[raw] = value  # type: ignore[index]
        if value is not None:
            if column.group is None:
                into[column.key] = value
            else:
                into[column.group][column.key] = value


_UNSEEN = object()


# Headers of an export from the national database of cadres, civil servants and public employees
# (Nghị định 27/2026/NĐ-CP, in force 1 July 2026), folded as `planner.io.tables` folds headers.
# Only what is public is accepted: the decree makes the personal identification number (số định
# danh cá nhân) the identification code of each person's electronic dossier [S]. The decree's list
# of 194 data fields in 10 groups and their codes were not found in a public source, so no field
# code or value list of the database is assumed here (docs/legal.md, README "Law as data").
NATIONAL_DATABASE_ALIASES: dict[str, str] = {
    "so_dinh_danh_ca_nhan": "id",
    "so_dinh_danh": "id",
    "ma_dinh_danh": "id",
    "ma_dinh_danh_ho_so": "id",
    "ma_ho_so_dien_tu": "id",
    # Longer forms of headers already accepted ("Lý luận chính trị", ...), as personnel dossiers
    # word them; not confirmed as the database's own field names.
    "trinh_do_chuyen_mon_cao_nhat": "education",
    "trinh_do_ly_luan_chinh_tri": "political_theory",
    "trinh_do_quan_ly_nha_nuoc": "state_management",
}
# The same identification number names the official in a training-history table.
NATIONAL_DATABASE_HISTORY_ALIASES: dict[str, str] = {
    header: "official_id" for header, field in NATIONAL_DATABASE_ALIASES.items() if field == "id"
}
