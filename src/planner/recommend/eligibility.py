"""Who may be sent to a course, as dated law (catalog `eligibility:` entries).

Each eligibility entry of a course is a list of dated versions; the version in force on the date
asked about applies (e.g. QĐ 57-QĐ/TW before 1 September 2025, QĐ 350-QĐ/TW after; ND 101/2017
before 1 July 2025, ND 171/2025 after). An entry with no version in force imposes nothing.
The thresholds themselves (ages, years, ratings) are numbers in the YAML beside their reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.domain.attributes import official_attributes
from planner.domain.catalog import Course, Eligibility, EligibilityVersion
from planner.domain.profile import Official
from planner.i18n import has, level_label, t
from planner.law.conditions import Attributes, Condition
from planner.law.framework import Position
from planner.types import QUALIFICATION_SCALES


@dataclass(frozen=True, slots=True)
class EligibilityFailure:
    """One eligibility entry the official does not meet, with the version that applied."""

    eligibility: Eligibility
    version: EligibilityVersion

    def sentence(self, lang: str = "vi") -> str:
        return t(
            lang,
            "eligibility.failed",
            title=self.eligibility.title.in_lang(lang),
            condition=describe(self.version.when, lang),
            citation=self.version.reference.cite(),
            note=t(lang, "eligibility.note", note=self.version.note) if self.version.note else "",
        )


def _value(field: str, value: Any, lang: str) -> str:
    if field in QUALIFICATION_SCALES and isinstance(value, str):
        return level_label(lang, field, value)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if field == "gender":
        return t(lang, f"gender.{value}")
    return str(value)


def describe(condition: Condition, lang: str = "vi") -> str:
    """The condition in words of `lang` (attribute names and levels from the locale files)."""
    if condition.all is not None:
        return t(lang, "cond.and").join(describe(c, lang) for c in condition.all)
    if condition.any is not None:
        return "(" + t(lang, "cond.or").join(describe(c, lang) for c in condition.any) + ")"
    if condition.not_ is not None:
        return t(lang, "cond.not", condition=describe(condition.not_, lang))
    field = condition.field or ""
    attr = t(lang, f"attr.{field}") if has(lang, f"attr.{field}") else field
    if condition.one_of is not None:
        values = ", ".join(_value(field, v, lang) for v in condition.one_of)
        return t(lang, "cond.one_of", attr=attr, values=values)
    for op, bound in (
        ("=", condition.equals),
        ("∋", condition.contains),
        ("≥", condition.at_least),
        ("≤", condition.at_most),
    ):
        if bound is not None:
            return f"{attr} {op} {_value(field, bound, lang)}"
    return attr


def failed_eligibility(course: Course, attrs: Attributes, on: dt.date) -> list[EligibilityFailure]:
    """The entries of `course` whose version in force on `on` does not hold for `attrs`."""
    failures = []
    for entry in course.eligibility:
        version = entry.version_on(on)
        if version is not None and not version.when.holds(attrs):
            failures.append(EligibilityFailure(entry, version))
    return failures


def check_eligibility(
    course: Course, official: Official, position: Position | None, on: dt.date
) -> list[EligibilityFailure]:
    """Every eligibility entry of `course` that `official` fails on `on` (empty: eligible).

    Attributes such as age and consecutive good ratings are computed on `on`, the same date that
    selects the version of the law.
    """
    if not course.eligibility:
        return []
    return failed_eligibility(course, official_attributes(official, position, on), on)
