"""Who may be sent to a course, as dated law (catalog `eligibility:` entries).

Each eligibility entry of a course is a list of dated versions; the version in force on the date
asked about applies (e.g. QĐ 57-QĐ/TW before 1 September 2025, QĐ 350-QĐ/TW after; ND 101/2017
before 1 July 2025, ND 171/2025 after). An entry with no version in force imposes nothing.
The thresholds themselves (ages, years, ratings) are numbers in the YAML beside their reference.
A failure is a fact (`EligibilityFailure.message`); `planner.report.text` words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.attributes import official_attributes
from planner.domain.catalog import Course, Eligibility, EligibilityVersion
from planner.domain.message import Message
from planner.domain.profile import Official
from planner.law.conditions import Attributes
from planner.law.framework import Position


@dataclass(frozen=True, slots=True)
class EligibilityFailure:
    """One eligibility entry the official does not meet, with the version that applied."""

    eligibility: Eligibility
    version: EligibilityVersion

    def message(self) -> Message:
        """Which entry failed, its condition (described by the report layer) and citation."""
        note = self.version.note
        return Message(
            "eligibility.failed",
            {
                "title": self.eligibility.title,
                "condition": self.version.when,
                "citation": self.version.reference.cite(),
                "note": Message("eligibility.note", {"note": note}) if note else "",
            },
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
