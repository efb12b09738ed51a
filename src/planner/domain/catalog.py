"""Schema of `catalogs/`: courses, what they deliver, prerequisites, eligibility, costs, sessions.

Cost *norms* (TT 36/2018/TT-BTC support for travel, lodging and meals) are data too: they live in a
catalog file's `cost_norms` section with their reference, and `planner.recommend.cost` applies them.

*Class days* (issue 13 item 5): an in-service (không tập trung, vừa làm vừa học) session runs for
18 months or more, but its learners attend class blocks and keep working in between. A session
(or its course, for all its sessions) may say which days it holds class: explicit `blocks` of
dates, a named pattern of the catalog's `class_day_patterns` (data, with reference and
confidence), or a pattern written inline (`days_per_month: N`, or `weeks: W` with
`every_months: M`) that expands to dated blocks within the session's span. A session without
class days holds class on every day of its span, as before.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from planner.law.conditions import Condition
from planner.law.framework import CONFIDENCE_DESCRIPTION, Confidence
from planner.law.reference import Dated, LocalizedText, Reference, StrictModel
from planner.types import (
    COMPETENCY_LEVELS,
    QUALIFICATION_SCALES,
    CourseKind,
    FundingSource,
    Money,
    QualificationField,
    Seats,
)

# Sanity bounds of a session date, not law: a date outside them is a typo (2062 for 2026) and
# lies outside every planning horizon this tool can be asked about.
SESSION_YEAR_MIN = 2000
SESSION_YEAR_MAX = 2100


class Delivers(StrictModel):
    """What passing the course gives: qualification levels, competency levels, programmes."""

    qualifications: dict[QualificationField, str] = Field(default_factory=dict)
    competencies: dict[str, int] = Field(default_factory=dict)
    programmes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_levels(self) -> Delivers:
        for field, level in self.qualifications.items():
            if level not in QUALIFICATION_SCALES[field]:
                raise ValueError(
                    f"{level!r} is not a level of {field}; expected one of "
                    f"{list(QUALIFICATION_SCALES[field])}"
                )
        for comp, level in self.competencies.items():
            if level not in COMPETENCY_LEVELS:
                raise ValueError(f"competency {comp} level {level} is outside 0-5")
        return self

    def content_keys(self) -> set[str]:
        """Keys of the content delivered, comparable across courses to detect overlap."""
        keys = {f"qualification:{f}:{lvl}" for f, lvl in self.qualifications.items()}
        keys |= {f"competency:{c}" for c in self.competencies}
        keys |= {f"programme:{p}" for p in self.programmes}
        return keys


class Prerequisite(StrictModel):
    """Either a course passed earlier, or a qualification level already held."""

    course: str | None = None
    qualification: QualificationField | None = None
    level: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Prerequisite:
        if (self.course is None) == (self.qualification is None):
            raise ValueError("a prerequisite names either `course` or `qualification` + `level`")
        if (
            self.qualification is not None
            and self.level not in QUALIFICATION_SCALES[self.qualification]
        ):
            raise ValueError(
                f"{self.level!r} is not a level of {self.qualification}; expected one of "
                f"{list(QUALIFICATION_SCALES[self.qualification])}"
            )
        return self


class EligibilityVersion(Dated):
    when: Condition
    reference: Reference
    note: str = ""


class Eligibility(StrictModel):
    """A dated eligibility rule: the version in force on the reference date must hold."""

    id: str
    title: LocalizedText
    versions: list[EligibilityVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> Eligibility:
        for i, a in enumerate(self.versions):
            for b in self.versions[i + 1 :]:
                if a.overlaps(b):
                    raise ValueError(
                        f"eligibility {self.id}: version from {a.effective_from} overlaps "
                        f"version from {b.effective_from}"
                    )
        return self

    def version_on(self, on: dt.date) -> EligibilityVersion | None:
        return next((v for v in self.versions if v.in_force(on)), None)


class Cost(StrictModel):
    tuition: Money = Field(ge=0, description="Per participant, VND")
    per_class: Money = Field(default=0, ge=0, description="Fixed cost of running one session")
    support: bool = Field(
        default=True,
        description="Whether travel/lodging/meal support by the cost norms is paid (in person)",
    )


class ClassBlock(StrictModel):
    """A run of class days, first and last day inclusive."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> ClassBlock:
        if self.end < self.start:
            raise ValueError(f"class block ends ({self.end}) before it starts ({self.start})")
        return self


# Sanity bounds of a pattern, not law: more than 15 working days (3 weeks) of class a month is
# no longer a class *block* of an in-service programme, and blocks must not run into each other.
MAX_DAYS_PER_MONTH = 15
MAX_BLOCK_WEEKS = 8
MAX_EVERY_MONTHS = 12


class ClassPattern(StrictModel):
    """N working days (Monday-Friday) every M months: `days_per_month: N`, or `weeks: W` (5·W
    working days) with `every_months: M`. Block k starts on the first Monday on or after the
    session's start plus k·M months and is cut at the session's end."""

    days_per_month: int | None = Field(default=None, ge=1, le=MAX_DAYS_PER_MONTH)
    weeks: int | None = Field(default=None, ge=1, le=MAX_BLOCK_WEEKS)
    every_months: int = Field(default=1, ge=1, le=MAX_EVERY_MONTHS)

    @model_validator(mode="after")
    def _one_size(self) -> ClassPattern:
        if (self.days_per_month is None) == (self.weeks is None):
            raise ValueError("a class-day pattern gives either `days_per_month` or `weeks`")
        if self.weeks is not None and self.weeks > 3 * self.every_months:
            # so that a block ends before the next one starts (at most 3 weeks a month)
            raise ValueError(
                f"{self.weeks} weeks every {self.every_months} month(s) leaves no time between "
                f"blocks; expected at most {3 * self.every_months} weeks"
            )
        if self.days_per_month is not None and self.every_months != 1:
            raise ValueError(
                "`days_per_month` is a monthly pattern; for blocks every M months write "
                "`weeks` with `every_months`"
            )
        return self

    @property
    def block_days(self) -> int:
        return self.days_per_month if self.days_per_month is not None else 5 * (self.weeks or 0)

    def expand(self, start: dt.date, end: dt.date) -> tuple[ClassBlock, ...]:
        """The dated blocks of this pattern within [start, end], one block per week of class
        (weekends are not class days), in date order."""
        runs: list[ClassBlock] = []
        k = 0
        while (anchor := _add_months(start, k * self.every_months)) <= end:
            day = anchor + dt.timedelta(days=(7 - anchor.weekday()) % 7)  # first Monday
            left = self.block_days
            while left > 0 and day <= end:
                last = min(day + dt.timedelta(days=min(left, 5 - day.weekday()) - 1), end)
                runs.append(ClassBlock(start=day, end=last))
                left -= (last - day).days + 1
                day = last + dt.timedelta(days=3 if last.weekday() == 4 else 1)
            k += 1
        return tuple(runs)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ClassDayPattern(ClassPattern):
    """A named class-day pattern of the catalog (`class_day_patterns`): data, with its source.
    Courses and sessions name it by id (`class_days: {pattern: ID}`)."""

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    title: LocalizedText
    confidence: Confidence = Field(description=CONFIDENCE_DESCRIPTION)
    reference: Reference
    note: str = ""


class ClassDays(StrictModel):
    """Which days a session holds class: exactly one of `blocks` (dated runs, in order, without
    overlap), `pattern` (id of a catalog `class_day_patterns` entry) or an inline pattern."""

    blocks: list[ClassBlock] | None = Field(default=None, min_length=1)
    pattern: str | None = None
    days_per_month: int | None = Field(default=None, ge=1, le=MAX_DAYS_PER_MONTH)
    weeks: int | None = Field(default=None, ge=1, le=MAX_BLOCK_WEEKS)
    every_months: int | None = Field(default=None, ge=1, le=MAX_EVERY_MONTHS)

    @model_validator(mode="after")
    def _one_form(self) -> ClassDays:
        inline = any(v is not None for v in (self.days_per_month, self.weeks, self.every_months))
        forms = [self.blocks is not None, self.pattern is not None, inline]
        if sum(forms) != 1:
            raise ValueError(
                "class_days gives exactly one of `blocks`, `pattern` (a class_day_patterns id) "
                "or an inline pattern (`days_per_month`, or `weeks` with `every_months`)"
            )
        if inline:
            self.inline()  # raises the pattern's own error
        for a, b in zip(self.blocks or [], (self.blocks or [])[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(
                    f"class block from {b.start} starts before the block before it ends "
                    f"({a.end}); expected blocks in date order without overlap"
                )
        return self

    def inline(self) -> ClassPattern | None:
        """The inline pattern, if this is one."""
        if self.days_per_month is None and self.weeks is None and self.every_months is None:
            return None
        return ClassPattern(
            days_per_month=self.days_per_month,
            weeks=self.weeks,
            every_months=self.every_months or 1,
        )


class Session(StrictModel):
    id: str
    start: dt.date
    end: dt.date
    location: str
    seats: Seats
    min_participants: int = Field(default=0, ge=0)
    class_days: ClassDays | None = Field(
        default=None,
        description="Days of class within start-end (in-service programmes); default: the "
        "course's class_days, else every day of the span",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        for name, day in (("start", self.start), ("end", self.end)):
            if not SESSION_YEAR_MIN <= day.year <= SESSION_YEAR_MAX:
                raise ValueError(
                    f"session {self.id}: {name} {day} lies outside every planning horizon; "
                    f"expected a date in {SESSION_YEAR_MIN}-{SESSION_YEAR_MAX}"
                )
        if self.end < self.start:
            raise ValueError(f"session {self.id} ends ({self.end}) before it starts ({self.start})")
        if self.min_participants > self.seats:
            raise ValueError(
                f"session {self.id}: min_participants {self.min_participants} exceeds seats "
                f"{self.seats}"
            )
        for block in (self.class_days.blocks or []) if self.class_days else []:
            if block.start < self.start or block.end > self.end:
                raise ValueError(
                    f"session {self.id}: class block {block.start} to {block.end} lies outside "
                    f"the session ({self.start} to {self.end})"
                )
        return self

    @property
    def year(self) -> int:
        return self.start.year

    def working_days(self) -> int:
        """Monday-Friday days from start to end inclusive (public holidays are not modelled)."""
        return working_days(self.start, self.end)


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-Friday days from `start` to `end` inclusive (public holidays are not modelled)."""
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (weekday + i) % 7 < 5)


class Course(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    title: LocalizedText
    kind: CourseKind
    delivers: Delivers
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    eligibility: list[Eligibility] = Field(default_factory=list)
    duration_days: int = Field(gt=0, description="Days away from work")
    periods: int | None = Field(
        default=None, gt=0, description="Tiết (45-minute periods); counted toward annual training"
    )
    mode: Literal["in_person", "online", "blended"]
    cost: Cost
    funding_source: FundingSource
    reference: Reference
    sessions: list[Session] = Field(default_factory=list)
    audience: list[str] = Field(
        default_factory=list,
        description="Position groups (rules/positions.yaml) the course is designed for; empty: any",
    )
    class_days: ClassDays | None = Field(
        default=None,
        description="Class days of every session that gives none of its own: a `pattern` id "
        "or an inline pattern (dated `blocks` belong to one session)",
    )
    renewed: Literal["term", "year"] | None = Field(
        default=None,
        description="Content renewed each congress term or year (knowledge updates): a pass "
        "before the current term/year does not make a new session a repeat",
    )

    @model_validator(mode="after")
    def _unique_sessions(self) -> Course:
        if self.class_days is not None and self.class_days.blocks is not None:
            raise ValueError(
                f"course {self.id}: class_days.blocks are dates of one session; write them on "
                "the session, or give the course a `pattern`"
            )
        seen: set[str] = set()
        for session in self.sessions:
            if session.id in seen:
                raise ValueError(f"course {self.id}: duplicate session id {session.id}")
            seen.add(session.id)
        return self


class DistanceBandNorm(StrictModel):
    """Support per participant for one distance band between the unit and the venue."""

    band: str
    travel_round_trip: Money = Field(ge=0)
    lodging_per_night: Money = Field(ge=0)
    meals_per_day: Money = Field(ge=0)


class TripRule(StrictModel):
    """How the support counts trips and nights for one session at the venue (TT 36/2018: one
    round trip, "1 lượt đi và về"; lodging for the nights between the first and the last day)."""

    round_trips_per_session: int = Field(ge=0, description="Round trips paid per session")
    lodging_nights: Literal["days_minus_one", "days"] = Field(
        description="Nights of lodging for a session of n days at the venue: n - 1 (the trip "
        "brings the learner on the first day and home after the last) or n"
    )
    confidence: Confidence = Field(description=CONFIDENCE_DESCRIPTION)
    reference: Reference

    def nights(self, days: int) -> int:
        """Nights of lodging paid for `days` (≥ 1) at the venue."""
        return days - 1 if self.lodging_nights == "days_minus_one" else days


class CostNorms(Dated):
    """TT 36/2018/TT-BTC support norms, dated like every legal value."""

    reference: Reference
    trips: TripRule
    bands: list[DistanceBandNorm] = Field(min_length=1)
    default_band: str
    difficult_area_extra_per_day: Money = Field(default=0, ge=0)

    def band(self, name: str) -> DistanceBandNorm | None:
        return next((b for b in self.bands if b.band == name), None)

    @model_validator(mode="after")
    def _default_known(self) -> CostNorms:
        names = [b.band for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError(f"cost norms: a distance band appears twice in {names}")
        if self.default_band not in names:
            raise ValueError(f"default_band {self.default_band!r} is not one of the bands {names}")
        return self


class SessionLimit(Dated):
    """A cap on the working days of one session for an audience (e.g. CV 4962/BNV-ĐT: commune
    courses run in sessions of at most 5 working days)."""

    id: str
    audience: str = Field(description="Position group the limit protects, e.g. xa")
    kinds: list[CourseKind] = Field(min_length=1, description="Course kinds the limit applies to")
    max_working_days: int = Field(gt=0)
    reference: Reference


class CatalogFile(StrictModel):
    """One YAML file of `catalogs/`."""

    courses: list[Course] = Field(default_factory=list)
    cost_norms: list[CostNorms] = Field(default_factory=list)
    session_limits: list[SessionLimit] = Field(default_factory=list)
    class_day_patterns: list[ClassDayPattern] = Field(default_factory=list)


class Catalog(StrictModel):
    courses: dict[str, Course]
    cost_norms: list[CostNorms] = Field(default_factory=list)
    session_limits: list[SessionLimit] = Field(default_factory=list)
    class_day_patterns: dict[str, ClassDayPattern] = Field(default_factory=dict)
    source: str = ""

    def norms_on(self, on: dt.date) -> CostNorms | None:
        return next((n for n in self.cost_norms if n.in_force(on)), None)

    def class_days_of(self, course: Course, session: Session) -> ClassDays | None:
        """The session's class days as written: its own, else its course's, else None."""
        return session.class_days if session.class_days is not None else course.class_days

    def class_blocks(self, course: Course, session: Session) -> tuple[ClassBlock, ...] | None:
        """The dated class blocks of `session`, or None when it holds class on every day of its
        span (no class days given). A pattern id must name a `class_day_patterns` entry (the
        loader checks it, naming the file and line)."""
        days = self.class_days_of(course, session)
        if days is None:
            return None
        if days.blocks is not None:
            return tuple(days.blocks)
        pattern = self.class_day_patterns[days.pattern] if days.pattern else days.inline()
        assert pattern is not None  # ClassDays has exactly one form
        return pattern.expand(session.start, session.end)
