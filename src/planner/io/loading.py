"""Strict loading of a case folder: case.yaml, rules/, catalogs/, officials and history tables.

Every problem becomes an InputError naming file, line (YAML) or row/column (tables), the field,
what was found and what was expected. Nothing is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from planner.domain.catalog import Catalog, CatalogFile, Course
from planner.domain.profile import Official, TrainingRecord, build_official, build_record
from planner.errors import InputError
from planner.io.case import Case, CaseConfig, UnitInfo
from planner.io.tables import Table, TableRow, fold, open_table
from planner.io.yamlio import LineDict, load_model, parse_model, read_yaml
from planner.law.framework import CompetencyTarget, Framework, ParamRef, ProgrammeTarget, RulesFile
from planner.types import QUALIFICATION_SCALES

# ---------------------------------------------------------------------------------------------
# Bundled data


def bundled_dir(name: str) -> Path:
    """Folder of the bundled `rules` or `catalogs`, installed or in a source checkout."""
    spec = importlib.util.find_spec(f"planner.{name}")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return Path(__file__).resolve().parents[3] / name


# ---------------------------------------------------------------------------------------------
# Cell values

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


class _CellError(ValueError):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def _text(value: object) -> str | None:
    if isinstance(value, str):  # every CSV cell
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return None
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _CellError("true/false, 1/0 or có/không")


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    return _date_from_text(text)


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
    raise _CellError("a date YYYY-MM-DD (or DD/MM/YYYY)")


def parse_int(low: int, high: int) -> Callable[[object], int | None]:
    def parse(value: object) -> int | None:
        text = _text(value)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            raise _CellError(f"a whole number {low}-{high}") from None
        if not low <= number <= high:
            raise _CellError(f"a whole number {low}-{high}")
        return number

    return parse


def parse_float(low: float, high: float) -> Callable[[object], float | None]:
    def parse(value: object) -> float | None:
        text = _text(value)
        if text is None:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise _CellError(f"a number {low}-{high}") from None
        if not low <= number <= high:
            raise _CellError(f"a number {low}-{high}")
        return number

    return parse


def parse_gender(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return _GENDER[fold(text)]
    except KeyError:
        raise _CellError("male/female (nam/nữ)") from None


def parse_qualification(field: str) -> Callable[[object], str | None]:
    scale = QUALIFICATION_SCALES[field]
    aliases = _QUALIFICATION_ALIASES[field]

    def parse(value: object) -> str | None:
        text = _text(value)
        if text is None:
            return None
        key = fold(text)
        key = aliases.get(key, key)
        if key not in scale:
            raise _CellError(f"one of {', '.join(scale)}")
        return key

    return parse


def parse_ratings(value: object) -> tuple[str, ...]:
    text = _text(value)
    if text is None:
        return ()
    out = []
    for part in text.split(";"):
        if not part.strip():
            continue
        key = fold(part)
        if key not in _RATINGS:
            raise _CellError("ratings separated by ';': excellent/good/completed/not_completed")
        out.append(_RATINGS[key])
    return tuple(out)


def parse_result(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return _RESULTS[fold(text)]
    except KeyError:
        raise _CellError("passed/failed/dropped (đạt/không đạt/bỏ học)") from None


def parse_str(value: object) -> str | None:
    return _text(value)


def parse_code(value: object) -> str | None:
    text = _text(value)
    return text if text is None else text.strip()


# ---------------------------------------------------------------------------------------------
# Officials

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
    "leader_group": parse_int(1, 3),
}
OFFICIAL_REQUIRED = ("id", "full_name", "position", "unit", "birth_date", "gender")


def _check_columns(
    table: Table, required: Iterable[str], known: Iterable[str], prefixes: Iterable[str]
) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(
            "missing required column",
            path=table.path,
            row=1,
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
                row=1,
                column=table.headers[column],
                field=column,
                expected="a column of DESIGN §4 (or a Vietnamese alias)",
            )


def _parse_cell(table: Table, row: TableRow, column: str, parser: Callable[[object], Any]) -> Any:
    raw = row.cells.get(column)
    try:
        return parser(raw)
    except _CellError as exc:
        raise _invalid(table, row.number, column, raw, exc) from None


def _invalid(table: Table, number: int, column: str, raw: object, exc: _CellError) -> InputError:
    return InputError(
        "invalid value",
        path=table.path,
        row=number,
        column=table.headers.get(column, column),
        field=column,
        found=raw,
        expected=exc.expected,
    )


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
_Spec = Callable[[str], "tuple[Callable[[object], Any], str | None, str] | None"]


@dataclass(frozen=True, slots=True)
class _Block:
    """Columns read together. A run of level columns (adjacent in the file) is one block: when
    all its cells are empty, as they mostly are in a history table, it is skipped at once."""

    columns: list[_Column]
    skip_if_empty: slice | None  # the cells of the run, or None: read each column


def _columns(table: Table, spec: _Spec, unique: Iterable[str] = ()) -> list[_Block]:
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


def _fields(parsers: dict[str, Callable[[object], Any]]) -> _Spec:
    """Spec of the columns that are fields, each with its own parser."""
    return lambda name: (parsers[name], None, name) if name in parsers else None


def _levels(groups: dict[str, str]) -> _Spec:
    """Spec of competency level columns ('<prefix>:<competency>'): `groups` maps a prefix to
    the field holding its levels."""
    level = parse_int(0, 5)

    def spec(name: str) -> tuple[Callable[[object], Any], str | None, str] | None:
        prefix, colon, competency = name.partition(":")
        return (level, groups[prefix], competency) if prefix in groups and colon else None

    return spec


def _read_cells(
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
                except _CellError as exc:
                    raise _invalid(table, number, column.name, raw, exc) from None
                if memo is not None and len(memo) < _MEMO_LIMIT:
                    memo[raw] = value  # type: ignore[index]
        if value is not None:
            if column.group is None:
                into[column.key] = value
            else:
                into[column.group][column.key] = value


_UNSEEN = object()


def iter_officials(path: Path, known_positions: set[str] | None = None) -> Iterator[Official]:
    """Stream officials from a CSV/XLSX table, validating every cell: one row at a time, parsed
    and checked straight into its Official (no other copy of the table is kept)."""
    table = open_table(path, OFFICIAL_ALIASES, OFFICIAL_PREFIXES)
    _check_columns(table, OFFICIAL_REQUIRED, _OFFICIAL_PARSERS, ("competency:",))
    fields = _columns(table, _fields(_OFFICIAL_PARSERS), unique=("id", "full_name", "birth_date"))
    levels = _columns(table, _levels({"competency": "competencies"}))
    seen: set[str] = set()
    for number, cells in table.values:
        values: dict[str, Any] = {}
        _read_cells(table, number, cells, fields, values)
        for column in OFFICIAL_REQUIRED:
            if column not in values:
                raise InputError(
                    "required value is empty",
                    path=path,
                    row=number,
                    column=table.headers[column],
                    field=column,
                )
        values["competencies"] = {}
        _read_cells(table, number, cells, levels, values)
        if values["id"] in seen:
            raise InputError(
                "duplicate official id",
                path=path,
                row=number,
                column=table.headers["id"],
                field="id",
                found=values["id"],
                expected="each id once",
            )
        seen.add(values["id"])
        if known_positions is not None:
            for column in ("position", "planning_pool"):
                if column in values and values[column] not in known_positions:
                    raise InputError(
                        "unknown position id",
                        path=path,
                        row=number,
                        column=table.headers[column],
                        field=column,
                        found=values[column],
                        expected="a position id defined in rules/ (e.g. xa.chu_tich_ubnd)",
                    )
        # Every cell went through its parser above, which enforces the model's constraints;
        # skipping a second validation keeps loading 300,000 officials fast.
        yield build_official(values)


def load_officials(path: Path, known_positions: set[str] | None = None) -> list[Official]:
    officials = list(iter_officials(path, known_positions))
    if not officials:
        raise InputError("the officials table has no rows", path=path, row=2)
    return officials


# ---------------------------------------------------------------------------------------------
# History

HISTORY_ALIASES = {
    "ma_can_bo": "official_id",
    "ma": "official_id",
    "ma_cbcc": "official_id",
    "khoa_hoc": "course",
    "ma_khoa_hoc": "course",
    "ngay_hoan_thanh": "completed_on",
    "ket_qua": "result",
    "phan_hoi": "feedback",
    "diem": "score",
    "lop": "session",
    "ma_lop": "session",
    "lop_hoc": "session",
    "dot": "session",
}
HISTORY_PREFIXES = {
    "nang_luc_truoc:": "competency_before:",
    "nang_luc_sau:": "competency_after:",
    "competency_before:": "competency_before:",
    "competency_after:": "competency_after:",
}
_HISTORY_PARSERS: dict[str, Callable[[object], Any]] = {
    "official_id": parse_code,
    "course": parse_code,
    "completed_on": parse_date,
    "result": parse_result,
    "feedback": parse_int(1, 5),
    "score": parse_float(0, 100),
    "session": parse_code,
}
HISTORY_REQUIRED = ("official_id", "course", "completed_on", "result")


def load_history(
    path: Path, official_ids: set[str] | None = None, course_ids: set[str] | None = None
) -> list[TrainingRecord]:
    table = open_table(path, HISTORY_ALIASES, HISTORY_PREFIXES)
    _check_columns(
        table, HISTORY_REQUIRED, _HISTORY_PARSERS, ("competency_before:", "competency_after:")
    )
    fields, levels = (
        _fields(_HISTORY_PARSERS),
        _levels({"competency_before": "competency_before", "competency_after": "competency_after"}),
    )
    columns = _columns(table, lambda name: fields(name) or levels(name), unique=("official_id",))
    records = []
    for number, cells in table.values:
        values: dict[str, Any] = {"row": number, "competency_before": {}, "competency_after": {}}
        _read_cells(table, number, cells, columns, values)
        for column in HISTORY_REQUIRED:
            if column not in values:
                raise InputError(
                    "required value is empty",
                    path=path,
                    row=number,
                    column=table.headers[column],
                    field=column,
                )
        if official_ids is not None and values["official_id"] not in official_ids:
            raise InputError(
                "unknown official",
                path=path,
                row=number,
                column=table.headers["official_id"],
                field="official_id",
                found=values["official_id"],
                expected="an id of the officials table",
            )
        if course_ids is not None and values["course"] not in course_ids:
            raise InputError(
                "unknown course",
                path=path,
                row=number,
                column=table.headers["course"],
                field="course",
                found=values["course"],
                expected="a course id of the catalog",
            )
        records.append(build_record(values))  # cells already validated
    return records


# ---------------------------------------------------------------------------------------------
# Units (optional): distance band to the training venue and difficult-area flag

UNIT_ALIASES = {"don_vi": "unit", "vung_kho_khan": "difficult_area", "khoang_cach": "distance_band"}


def load_units(path: Path) -> dict[str, UnitInfo]:
    table = open_table(path, UNIT_ALIASES, {})
    _check_columns(table, ("unit",), ("unit", "distance_band", "difficult_area"), ())
    units: dict[str, UnitInfo] = {}
    for row in table.rows:
        unit = _parse_cell(table, row, "unit", parse_str)
        if unit is None:
            raise InputError("required value is empty", path=path, row=row.number, field="unit")
        if unit in units:
            raise InputError("duplicate unit", path=path, row=row.number, field="unit", found=unit)
        band = (
            _parse_cell(table, row, "distance_band", parse_code)
            if "distance_band" in table.columns
            else None
        )
        hard = (
            _parse_cell(table, row, "difficult_area", parse_bool)
            if "difficult_area" in table.columns
            else None
        )
        units[unit] = UnitInfo(unit, band, bool(hard))
    return units


# ---------------------------------------------------------------------------------------------
# Rules


def _yaml_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise InputError("folder not found", path=folder)
    files = sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    if not files:
        raise InputError("no YAML files", path=folder, expected="*.yaml files")
    return files


def _item_line(raw: Any, section: str, index: int) -> int | None:
    if isinstance(raw, LineDict) and section in raw:
        items = raw[section]
        lines = getattr(items, "item_lines", None)
        if lines is not None and index < len(lines):
            return lines[index]
    return None


def load_rules(folder: Path) -> Framework:
    """Load every YAML file below `folder` and cross-check the ids they name."""
    sections: dict[str, dict[str, Any]] = {
        "parameters": {},
        "competencies": {},
        "programmes": {},
        "positions": {},
        "rules": {},
    }
    where: dict[tuple[str, str], tuple[Path, int | None]] = {}
    for path in _yaml_files(folder):
        raw = read_yaml(path)
        if raw is None:
            continue
        parsed = parse_model(RulesFile, raw, path)
        for section, items in sections.items():
            for index, item in enumerate(getattr(parsed, section)):
                line = _item_line(raw, section, index)
                if item.id in items:
                    first, first_line = where[(section, item.id)]
                    raise InputError(
                        f"duplicate {section[:-1]} id (first defined at {first}:{first_line})",
                        path=path,
                        line=line,
                        field="id",
                        found=item.id,
                    )
                items[item.id] = item
                where[(section, item.id)] = (path, line)
    framework = Framework(**sections, source=str(folder))
    _cross_check_rules(framework, where)
    return framework


def _cross_check_rules(
    fw: Framework, where: dict[tuple[str, str], tuple[Path, int | None]]
) -> None:
    groups = {g for p in fw.positions.values() for g in p.groups}

    def fail(
        section: str, item_id: str, message: str, field: str, found: str, expected: str
    ) -> None:
        path, line = where[(section, item_id)]
        raise InputError(message, path=path, line=line, field=field, found=found, expected=expected)

    for rule in fw.rules.values():
        for pos in rule.applies_to.positions:
            if pos not in fw.positions:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown position id",
                    "applies_to.positions",
                    pos,
                    "a position defined in rules/",
                )
        for group in rule.applies_to.groups:
            if group not in groups:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: no position is in this group",
                    "applies_to.groups",
                    group,
                    f"one of {sorted(groups)}",
                )
        for version in rule.versions:
            target = version.target
            refs = [
                v
                for v in (
                    getattr(target, "count", None),
                    getattr(target, "periods", None),
                    getattr(target, "min_days", None),
                    version.deadline.months,
                )
                if isinstance(v, ParamRef)
            ]
            for ref in refs:
                if ref.param not in fw.parameters:
                    fail(
                        "rules",
                        rule.id,
                        f"rule {rule.id}: unknown parameter",
                        "param",
                        ref.param,
                        "a parameter defined in rules/",
                    )
                param = fw.parameters[ref.param]
                if param.value_on(version.effective_from) is None:
                    fail(
                        "rules",
                        rule.id,
                        f"rule {rule.id}: parameter {ref.param} has no value on {version.effective_from}",
                        "param",
                        ref.param,
                        "a parameter value covering the rule version",
                    )
            if isinstance(target, CompetencyTarget) and target.competency not in fw.competencies:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown competency",
                    "target.competency",
                    target.competency,
                    "a competency defined in rules/",
                )
            if isinstance(target, ProgrammeTarget) and target.programme not in fw.programmes:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown programme",
                    "target.programme",
                    target.programme,
                    "a programme defined in rules/",
                )


# ---------------------------------------------------------------------------------------------
# Catalog


def load_catalog(location: Path, framework: Framework | None = None) -> Catalog:
    """Load every catalog YAML below `location` (a folder or one file) and check its graph."""
    courses: dict[str, Course] = {}
    lines: dict[str, tuple[Path, int | None]] = {}
    norms = []
    limits = []
    session_owner: dict[str, str] = {}
    for path in _yaml_files(location):
        raw = read_yaml(path)
        if raw is None:
            continue
        parsed = parse_model(CatalogFile, raw, path)
        for index, course in enumerate(parsed.courses):
            line = _item_line(raw, "courses", index)
            if course.id in courses:
                first, first_line = lines[course.id]
                raise InputError(
                    f"duplicate course id (first defined at {first}:{first_line})",
                    path=path,
                    line=line,
                    field="id",
                    found=course.id,
                )
            courses[course.id] = course
            lines[course.id] = (path, line)
            for session in course.sessions:
                # Plans, histories and reports name a session by its id: it must be unique.
                if session.id in session_owner:
                    raise InputError(
                        f"duplicate session id (also in course {session_owner[session.id]})",
                        path=path,
                        line=line,
                        field=f"{course.id}.sessions.id",
                        found=session.id,
                        expected="session ids unique across the catalog",
                    )
                session_owner[session.id] = course.id
        norms.extend(parsed.cost_norms)
        limits.extend(parsed.session_limits)
    catalog = Catalog(
        courses=courses, cost_norms=norms, session_limits=limits, source=str(location)
    )
    check_catalog_graph(catalog, lines)
    if framework is not None:
        check_catalog_against_rules(catalog, framework, lines)
    return catalog


def check_catalog_graph(catalog: Catalog, lines: dict[str, tuple[Path, int | None]]) -> None:
    """Prerequisites form a DAG of known course ids: a dangling id or a cycle is a load error."""
    graph = nx.DiGraph()
    graph.add_nodes_from(catalog.courses)
    for course in catalog.courses.values():
        for prerequisite in course.prerequisites:
            if prerequisite.course is None:
                continue
            if prerequisite.course not in catalog.courses:
                path, line = lines[course.id]
                raise InputError(
                    f"course {course.id}: prerequisite names an unknown course",
                    path=path,
                    line=line,
                    field="prerequisites.course",
                    found=prerequisite.course,
                    expected="a course id of the catalog",
                )
            graph.add_edge(prerequisite.course, course.id)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    first = cycle[0][0]
    path, line = lines[first]
    chain = " → ".join([edge[0] for edge in cycle] + [cycle[0][0]])
    raise InputError(
        "prerequisites form a cycle",
        path=path,
        line=line,
        field="prerequisites",
        found=chain,
        expected="no cycle",
    )


def check_catalog_against_rules(
    catalog: Catalog, framework: Framework, lines: dict[str, tuple[Path, int | None]]
) -> None:
    for course in catalog.courses.values():
        path, line = lines[course.id]
        for competency in course.delivers.competencies:
            if competency not in framework.competencies:
                raise InputError(
                    f"course {course.id}: unknown competency",
                    path=path,
                    line=line,
                    field="delivers.competencies",
                    found=competency,
                    expected="a competency defined in rules/",
                )
        for programme in course.delivers.programmes:
            if programme not in framework.programmes:
                raise InputError(
                    f"course {course.id}: unknown programme",
                    path=path,
                    line=line,
                    field="delivers.programmes",
                    found=programme,
                    expected="a programme defined in rules/",
                )


# ---------------------------------------------------------------------------------------------
# Case


def _resolve(folder: Path, value: str, bundled: str) -> Path:
    if value == "bundled":
        return bundled_dir(bundled)
    path = Path(value)
    return path if path.is_absolute() else folder / path


def load_case_config(folder: Path) -> CaseConfig:
    path = folder / "case.yaml" if folder.is_dir() else folder
    return load_model(CaseConfig, path)


def load_case(location: str | Path) -> Case:
    """Load and cross-check a case folder (or its case.yaml)."""
    location = Path(location)
    if not location.exists():
        raise InputError("case folder not found", path=location)
    folder = location if location.is_dir() else location.parent
    config = load_case_config(location)
    framework = load_rules(_resolve(folder, config.rules, "rules"))
    catalog = load_catalog(_resolve(folder, config.catalog, "catalogs"), framework)
    officials = load_officials(folder / config.officials, set(framework.positions))
    history: list[TrainingRecord] = []
    if config.history:
        history = load_history(
            folder / config.history, {o.id for o in officials}, set(catalog.courses)
        )
    units = load_units(folder / config.units) if config.units else {}
    indicators = ()
    if config.indicators:
        from planner.io.indicators import load_indicators  # imports loading: load lazily

        indicators = load_indicators(folder / config.indicators, {o.unit for o in officials})
    return Case(folder, config, framework, catalog, officials, history, units, indicators)
