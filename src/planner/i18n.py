"""Message catalogs for user-facing text (Vietnamese, the default, and English), and the one place
numbers, money, percentages and dates are formatted (with Babel's CLDR data).

Every sentence a user reads comes from `locales/<lang>.json` by key, never from `if lang ==`
branches; identifiers and logs stay in English. Only the report and CLI layers import this module:
the core returns facts (`planner.domain.message`), rendered by `planner.report.text`.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

# The Babel locale of each report language, and how it writes a date: dd/mm/yyyy in Vietnamese;
# ISO 8601 in English (an unambiguous form for an international reader).
_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "yyyy-MM-dd"}
# Money: the amount in the language's digits and the unit Vietnamese officials write (đ), or the
# ISO code in English.
_VND = {"vi": "đ", "en": "VND"}


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    text = resources.files("planner.locales").joinpath(f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def t(lang: str, key: str, /, **values: Any) -> str:
    """The message `key` in `lang`, formatted with `values`; falls back to English, then the key."""
    template = catalog(lang).get(key) or catalog("en").get(key)
    if template is None:
        return key
    return template.format(**values)


def has(lang: str, key: str) -> bool:
    return key in catalog(lang)


def level_label(lang: str, field: str, level: str | None) -> str:
    if level is None:
        return t(lang, "level.unknown")
    return t(lang, f"level.{field}.{level}")


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])


def _number(value: float | int, lang: str, digits: int) -> str:
    """`value` grouped by thousands with `digits` decimals, in the separators of `lang`.

    Floats go to Babel as their exact binary value, so they round as Python's own formatting
    does (2.675 → '2.67', as `f"{2.675:.2f}"`); Babel rounds half to even on that value."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    number = Decimal(value) if isinstance(value, float) else value
    return str(_babel_decimal(number, format=pattern, locale=_locale(lang)))


def format_int(value: int, lang: str) -> str:
    """1234567 → '1.234.567' (vi) or '1,234,567' (en)."""
    return _number(int(value), lang, 0)


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """1234.5 → '1.234,5' (vi) or '1,234.5' (en) with `decimals` decimals."""
    return _number(value, lang, decimals)


def format_decimal(value: float, lang: str, digits: int = 1) -> str:
    """9.658 → '9,7' (vi) or '9.7' (en): a decimal comma in Vietnamese ('.' groups thousands)."""
    return _number(float(value), lang, digits)


# Vietnamese writes a space before the percent sign ("96,2 %"), English none ("96.2%").
_PERCENT = {"vi": " %", "en": "%"}


def format_percent(share: float, lang: str, digits: int = 2) -> str:
    """0.04 → '4,00 %' (vi) or '4.00%' (en)."""
    return _number(float(share) * 100, lang, digits) + _PERCENT.get(lang, "%")


def format_vnd(amount: int, lang: str) -> str:
    """1234567 → '1.234.567 đ' (vi) or '1,234,567 VND' (en)."""
    return f"{format_int(amount, lang)} {_VND.get(lang, _VND[DEFAULT_LANGUAGE])}"


def format_date(value: dt.date | None, lang: str) -> str:
    """9 March 2026 → '09/03/2026' (vi) or '2026-03-09' (en); None → ''."""
    if value is None:
        return ""
    pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS[DEFAULT_LANGUAGE])
    return str(_babel_date(value, pattern, locale=_locale(lang)))
