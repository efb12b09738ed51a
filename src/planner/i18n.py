"""Message catalogs for user-facing text: Vietnamese (default) and English.

Every sentence a user reads comes from `locales/<lang>.json` by key, never from `if lang ==`
branches; identifiers and logs stay in English.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


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


def format_int(value: int, lang: str) -> str:
    """1234567 → '1.234.567' (vi) or '1,234,567' (en)."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_percent(share: float, lang: str, digits: int = 2) -> str:
    """0.04 → '4,00%' (vi) or '4.00%' (en)."""
    text = f"{share:.{digits}%}"
    return text.replace(".", ",") if lang == "vi" else text


def format_decimal(value: float, lang: str, digits: int = 1) -> str:
    """9.658 → '9,7' (vi) or '9.7' (en): a decimal comma in Vietnamese, where '.' groups thousands."""
    text = f"{value:,.{digits}f}"
    if lang == "vi":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_vnd(amount: int, lang: str) -> str:
    """1234567 → '1.234.567 đ' (vi) or '1,234,567 VND' (en)."""
    return f"{format_int(amount, lang)} {'đ' if lang == 'vi' else 'VND'}"


def format_date(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if lang == "vi":
        return value.strftime("%d/%m/%Y")
    return value.isoformat()
