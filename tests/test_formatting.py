"""Numbers, money, percentages and dates: one module (`planner.i18n`, on Babel), the same text
the hand-written formatters gave (vi: `14.000.000 đ`, `09/03/2026`; en: `14,000,000 VND`, ISO)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from planner.i18n import (
    format_date,
    format_decimal,
    format_int,
    format_number,
    format_percent,
    format_vnd,
)


def test_money_and_dates_read_as_before() -> None:
    assert format_vnd(14_000_000, "vi") == "14.000.000 đ"
    assert format_vnd(14_000_000, "en") == "14,000,000 VND"
    assert format_vnd(0, "vi") == "0 đ"
    assert format_date(dt.date(2026, 3, 9), "vi") == "09/03/2026"
    assert format_date(dt.date(2026, 3, 9), "en") == "2026-03-09"
    assert format_date(None, "vi") == ""


def test_numbers_and_percentages_use_the_language_separators() -> None:
    assert (format_int(1234567, "vi"), format_int(1234567, "en")) == ("1.234.567", "1,234,567")
    assert (format_int(-1234, "vi"), format_int(-1234, "en")) == ("-1.234", "-1,234")
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(1234, "en") == "1,234"
    assert (format_percent(0.04, "vi"), format_percent(0.04, "en")) == ("4,00 %", "4.00%")
    assert format_percent(0.5, "en", 0) == "50%"
    assert format_decimal(9.658, "vi") == "9,7"


@pytest.mark.parametrize("value", [2.675, 0.125, 1.005, 2.5, 1234.565, -0.04])
def test_decimals_round_as_python_does(value: float) -> None:
    # Babel gets the float's exact binary value, so 2.675 → 2.67 as in f"{2.675:.2f}".
    assert format_decimal(value, "en", 2) == f"{value:,.2f}"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_same_text_as_the_hand_written_formatter(value: float, digits: int) -> None:
    expected = f"{value:,.{digits}f}"
    assert format_decimal(value, "en", digits) == expected
    vi = expected.replace(",", "\0").replace(".", ",").replace("\0", ".")
    assert format_decimal(value, "vi", digits) == vi


@given(st.floats(min_value=0, max_value=9.99, allow_nan=False), st.integers(0, 2))
def test_percent_same_as_python(share: float, digits: int) -> None:
    assert format_percent(share, "en", digits) == f"{share:.{digits}%}"
