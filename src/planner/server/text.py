"""The web pages' text: `server/locales/<lang>.json` (web.* keys), falling back to the
package's catalogs (`planner.i18n`) for everything the reports already say."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from planner.i18n import LANGUAGES, t


@cache
def _catalog(lang: str) -> dict[str, str]:
    text = resources.files("planner.server.locales").joinpath(f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def tr(lang: str, key: str, /, **values: Any) -> str:
    """The text `key` in `lang` (vi or en), formatted with `values`."""
    lang = lang if lang in LANGUAGES else "vi"
    template = _catalog(lang).get(key) or _catalog("en").get(key)
    if template is None:
        return t(lang, key, **values)
    return template.format(**values) if values else template


def keys(lang: str) -> set[str]:
    return set(_catalog(lang))


def known(lang: str, prefix: str, text: str | None) -> str:
    """`text` (a loader's English phrase) in `lang` where the catalog has `prefix + text`,
    else as it is."""
    if not text:
        return ""
    lang = lang if lang in LANGUAGES else "vi"
    return _catalog(lang).get(prefix + text) or text
