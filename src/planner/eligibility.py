"""Who may be sent to a course, as dated law (catalog `eligibility:` entries).

Each eligibility entry of a course is a list of dated versions; the version in force on the date
asked about applies (e.g. QĐ 57-QĐ/TW before 1 September 2025, QĐ 350-QĐ/TW after; ND 101/2017
before 1 July 2025, ND 171/2025 after). An entry with no version in force imposes nothing.
The thresholds themselves (ages, years, ratings) are numbers in the YAML beside their reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.attributes import official_attributes
from planner.catalog import Course, Eligibility, EligibilityVersion
from planner.conditions import Attributes
from planner.framework import Position
from planner.i18n import t
from planner.profile import Official


@dataclass(frozen=True, slots=True)
class EligibilityFailure:
    """One eligibility entry the official does not meet, with the version that applied."""

    eligibility: Eligibility
    version: EligibilityVersion

    def sentence(self, lang: str = "vi") -> str:
        return t(
            lang, "eligibility.failed", title=self.eligibility.title.in_lang(lang),
            condition=self.version.when.describe(), citation=self.version.reference.cite(),
            note=t(lang, "eligibility.note", note=self.version.note) if self.version.note else "",
        )


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
