"""The history table (DESIGN §4): past courses of each official, with results and evaluation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.domain.profile import TrainingRecord, build_record
from planner.io.cells import (
    check_columns,
    check_known,
    parse_code,
    parse_date,
    parse_float,
    parse_int,
    parse_result,
    require,
)
from planner.io.columns import (
    NATIONAL_DATABASE_HISTORY_ALIASES,
    field_spec,
    level_spec,
    read_cells,
    table_columns,
)
from planner.io.tables import open_table

HISTORY_ALIASES = {
    **NATIONAL_DATABASE_HISTORY_ALIASES,  # ND 27/2026: số định danh cá nhân (io/columns.py)
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
    check_columns(
        table, HISTORY_REQUIRED, _HISTORY_PARSERS, ("competency_before:", "competency_after:")
    )
    fields, levels = (
        field_spec(_HISTORY_PARSERS),
        level_spec(
            {"competency_before": "competency_before", "competency_after": "competency_after"}
        ),
    )
    columns = table_columns(
        table, lambda name: fields(name) or levels(name), unique=("official_id",)
    )
    records = []
    for number, cells in table.values:
        values: dict[str, Any] = {"row": number, "competency_before": {}, "competency_after": {}}
        read_cells(table, number, cells, columns, values)
        require(table, number, values, HISTORY_REQUIRED)
        check_known(
            table,
            number,
            "official_id",
            values["official_id"],
            official_ids,
            "unknown official",
            "an id of the officials table",
        )
        check_known(
            table,
            number,
            "course",
            values["course"],
            course_ids,
            "unknown course",
            "a course id of the catalog",
        )
        records.append(build_record(values))  # cells already validated
    return records
