"""The optional units table: distance band to the training venue and difficult-area flag."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from planner.errors import InputError
from planner.io.case import UnitInfo
from planner.io.cells import check_columns, parse_bool, parse_cell, parse_code, parse_str
from planner.io.tables import open_table

UNIT_ALIASES = {
    "don_vi": "unit",
    "vung_kho_khan": "difficult_area",
    "khoang_cach": "distance_band",
    "tinh": "province",
}


def load_units(path: Path, bands: Collection[str] | None = None) -> dict[str, UnitInfo]:
    """The units table; `bands`, when given, are the distance bands the catalog's cost norms
    know (a band they lack would otherwise fail only in `plan`, without a row)."""
    table = open_table(path, UNIT_ALIASES, {})
    check_columns(table, ("unit",), ("unit", "distance_band", "difficult_area", "province"), ())
    units: dict[str, UnitInfo] = {}
    for row in table.rows:
        unit = parse_cell(table, row, "unit", parse_str)
        if unit is None:
            raise InputError("required value is empty", path=path, row=row.number, field="unit")
        if unit in units:
            raise InputError("duplicate unit", path=path, row=row.number, field="unit", found=unit)
        band = (
            parse_cell(table, row, "distance_band", parse_code)
            if "distance_band" in table.columns
            else None
        )
        if bands is not None and band is not None and band not in bands:
            raise InputError(
                "unknown distance band",
                path=path,
                row=row.number,
                column=table.headers.get("distance_band", "distance_band"),
                field="distance_band",
                found=band,
                expected=f"one of {sorted(bands)}",
            )
        hard = (
            parse_cell(table, row, "difficult_area", parse_bool)
            if "difficult_area" in table.columns
            else None
        )
        province = (
            parse_cell(table, row, "province", parse_str) if "province" in table.columns else None
        )
        units[unit] = UnitInfo(unit, band, bool(hard), province)
    return units
