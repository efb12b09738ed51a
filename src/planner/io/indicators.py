"""Unit indicators: yearly results of each unit (e.g. share of administrative files handled on
time), the optional `indicators` table of a case, used to look at training's impact on the unit
(Kirkpatrick level 4; seed 001 §IV "tác động của đào tạo đến hiệu quả hoạt động của đơn vị").

Table columns (Vietnamese aliases accepted): `unit`, `year`, `indicator`, `value`, and optional
`better` (`higher`/`lower`: which direction is an improvement; default `higher`). One value per
unit, year and indicator; the direction must be the same on every row of an indicator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from planner.errors import InputError
from planner.io.cells import (
    CellError,
    cell_text,
    check_columns,
    check_known,
    parse_cell,
    parse_choice,
    parse_int,
    parse_str,
    require,
)
from planner.io.tables import open_table
from planner.law.reference import StrictModel

Direction = Literal["higher", "lower"]


class IndicatorValue(StrictModel):
    unit: str = Field(min_length=1, description="Unit name, as in the officials table")
    year: int = Field(ge=1900, le=2200)
    indicator: str = Field(min_length=1, description="Indicator name, e.g. 'Hồ sơ đúng hạn (%)'")
    value: float
    better: Direction = Field(default="higher", description="Which direction is an improvement")
    row: int | None = Field(default=None, description="Row in the indicators table, for messages")


INDICATOR_ALIASES = {
    "don_vi": "unit",
    "co_quan": "unit",
    "nam": "year",
    "chi_so": "indicator",
    "chi_tieu": "indicator",
    "ten_chi_so": "indicator",
    "gia_tri": "value",
    "ket_qua": "value",
    "huong_tot": "better",
    "chieu_tot": "better",
    "tot_hon_khi": "better",
}
INDICATOR_REQUIRED = ("unit", "year", "indicator", "value")
_KNOWN = INDICATOR_REQUIRED + ("better",)
_DIRECTIONS = {
    "higher": "higher",
    "cao": "higher",
    "tang": "higher",
    "cao_hon": "higher",
    "lower": "lower",
    "thap": "lower",
    "giam": "lower",
    "thap_hon": "lower",
}


def _parse_value(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value)
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise CellError("a number (decimal point or comma)") from None


_parse_direction = parse_choice(_DIRECTIONS, "higher/lower (cao/thấp)")


_PARSERS: dict[str, Any] = {
    "unit": parse_str,
    "year": parse_int(1900, 2200),
    "indicator": parse_str,
    "value": _parse_value,
    "better": _parse_direction,
}


def load_indicators(path: Path, known_units: set[str] | None = None) -> tuple[IndicatorValue, ...]:
    """Read and check the indicators table; sorted by indicator, unit, year."""
    table = open_table(path, INDICATOR_ALIASES, {})
    check_columns(table, INDICATOR_REQUIRED, _KNOWN, ())
    values: list[IndicatorValue] = []
    seen: dict[tuple[str, str, int], int] = {}
    direction: dict[str, tuple[str, int]] = {}
    for row in table.rows:
        cells = {c: parse_cell(table, row, c, _PARSERS[c]) for c in table.columns}
        require(table, row.number, cells, INDICATOR_REQUIRED)
        unit, indicator, year = cells["unit"], cells["indicator"], cells["year"]
        check_known(
            table,
            row.number,
            "unit",
            unit,
            known_units,
            "unknown unit",
            "a unit of the officials table",
        )
        key = (indicator, unit, year)
        if key in seen:
            raise InputError(
                f"duplicate value (first on row {seen[key]})",
                path=path,
                row=row.number,
                field="indicator",
                found=f"{unit} {year} {indicator}",
                expected="one value per unit, year and indicator",
            )
        seen[key] = row.number
        better = cells.get("better") or "higher"
        first = direction.setdefault(indicator, (better, row.number))
        if first[0] != better:
            raise InputError(
                f"direction differs from row {first[1]}",
                path=path,
                row=row.number,
                column=table.headers.get("better", "better"),
                field="better",
                found=better,
                expected=first[0],
            )
        values.append(
            IndicatorValue(
                unit=unit,
                year=year,
                indicator=indicator,
                value=cells["value"],
                better=better,
                row=row.number,
            )
        )
    values.sort(key=lambda v: (v.indicator, v.unit, v.year))
    return tuple(values)


__all__ = ["IndicatorValue", "load_indicators", "INDICATOR_ALIASES"]
