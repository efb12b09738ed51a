"""Codes given by their title, as office spreadsheets write them: "Chủ tịch UBND xã" for
`xa.chu_tich_ubnd`, "Công chức Tư pháp - hộ tịch" for `xa.tu_phap_ho_tich`.

A `TitleIndex` maps each code and each of its titles (after folding case and diacritics and
writing the usual abbreviations out) to the code. A value that names exactly one code is that
code; one that names several, or none, is an error that lists the closest codes with their
titles, so the planner can correct the cell (`planner codes positions` lists them all).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planner.io.tables import fold

# Abbreviations of the administrative vocabulary, written out before titles are compared.
ABBREVIATIONS = {
    "ubnd": "uy_ban_nhan_dan",
    "hdnd": "hoi_dong_nhan_dan",
    "mttq": "mat_tran_to_quoc",
    "bch": "ban_chi_huy",
    "qs": "quan_su",
    "ca": "cong_an",
    "cc": "cong_chuc",
    "vp": "van_phong",
    "tp": "truong_phong",
    "ct": "chu_tich",
    "pct": "pho_chu_tich",
}
# Words that say where the post is (every post of a commune table is a commune post) or what
# kind of employee holds it; a title is found with or without them.
_OPTIONAL = ("cong_chuc", "xa", "phuong", "dac_khu", "thi_tran", "cap_xa", "so")


_CODE = re.compile(r"[a-z0-9_]+\.[a-z0-9_.]+")


def _key(text: str) -> str:
    words = fold(text).replace(".", "_").split("_")
    expanded: list[str] = []
    for word in words:
        expanded.extend(ABBREVIATIONS.get(word, word).split("_"))
    return "_".join(expanded)


def _keys(text: str) -> set[str]:
    """The forms a title is known by: as written, and without the optional words at its ends."""
    full = _key(text)
    short, changed = full, True
    while changed:
        changed = False
        for word in _OPTIONAL:
            if short.startswith(word + "_"):
                short, changed = short[len(word) + 1 :], True
            if short.endswith("_" + word):
                short, changed = short[: -len(word) - 1], True
    return {full, short} - {""}


class TitleError(ValueError):
    """A value that names no code, or several: the message and what was expected."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


@dataclass
class TitleIndex:
    """Codes of one kind (`what`: position, degree, unit) and the titles they go by."""

    what: str
    titles: dict[str, tuple[str, ...]]
    _by_key: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, what: str, titles: Mapping[str, Iterable[str]]) -> TitleIndex:
        index = cls(what, {code: tuple(t for t in names if t) for code, names in titles.items()})
        for code, names in index.titles.items():
            index._by_key.setdefault(_key(code), set()).add(code)  # a code only as written
            for text in names:
                for key in _keys(text):
                    index._by_key.setdefault(key, set()).add(code)
        return index

    def resolve(self, value: str) -> str:
        """The code `value` names (a code as it is, or a title); `TitleError` otherwise."""
        if value in self.titles:
            return value
        if _CODE.fullmatch(value):  # written as a code: only that code, never a title's guess
            close = self.close(value)
            listed = self._listed(close) if close else f"- (planner codes {self.what}s)"
            raise TitleError(f"unknown {self.what} id", f"a code or title; close: {listed}")
        codes: set[str] = set()
        for key in _keys(value):
            codes |= self._by_key.get(key, set())
        if len(codes) == 1:
            return next(iter(codes))
        if codes:
            raise TitleError(
                f"ambiguous {self.what} title",
                f"a code or title; close: {self._listed(sorted(codes))}",
            )
        close = self.close(value)
        if not close:
            raise TitleError(
                f"unknown {self.what} title",
                f"a code or title; close: - (planner codes {self.what}s)",
            )
        raise TitleError(
            f"unknown {self.what} title", f"a code or title; close: {self._listed(close)}"
        )

    def close(self, value: str, limit: int = 5) -> list[str]:
        """The codes whose code or title reads most like `value`."""
        keys = sorted(_keys(value), key=len, reverse=True)
        scored: dict[str, float] = {}
        for key, codes in self._by_key.items():
            ratio = max(
                1.0 if k in key else difflib.SequenceMatcher(None, k, key).ratio() for k in keys
            )
            for code in codes:
                scored[code] = max(scored.get(code, 0.0), ratio)
        ranked = sorted((c for c, r in scored.items() if r >= 0.6), key=lambda c: (-scored[c], c))
        return ranked[:limit]

    def _listed(self, codes: list[str]) -> str:
        return ", ".join(f"{c} ({self.titles[c][0]})" if self.titles.get(c) else c for c in codes)


__all__ = ["ABBREVIATIONS", "TitleError", "TitleIndex"]
