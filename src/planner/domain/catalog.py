"""Schema of `catalogs/`: courses, what they deliver, prerequisites, eligibility, costs, sessions.

Cost *norms* (TT 36/2018/TT-BTC support for travel, lodging and meals) are data too: they live in a
catalog file's `cost_norms` section with their reference, and `planner.recommend.cost` applies them.
"""

from __future__ import annotations

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


class Session(StrictModel):
    id: str
    start: dt.date
    end: dt.date
    location: str
    seats: Seats
    min_participants: int = Field(default=0, ge=0)

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
        return self

    @property
    def year(self) -> int:
        return self.start.year

    def working_days(self) -> int:
        """Monday-Friday days from start to end inclusive (public holidays are not modelled)."""
        total = (self.end - self.start).days + 1
        weeks, rest = divmod(total, 7)
        days = weeks * 5
        weekday = self.start.weekday()
        days += sum(1 for i in range(rest) if (weekday + i) % 7 < 5)
        return days


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
    renewed: Literal["term", "year"] | None = Field(
        default=None,
        description="Content renewed each congress term or year (knowledge updates): a pass "
        "before the current term/year does not make a new session a repeat",
    )

    @model_validator(mode="after")
    def _unique_sessions(self) -> Course:
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


class Catalog(StrictModel):
    courses: dict[str, Course]
    cost_norms: list[CostNorms] = Field(default_factory=list)
    session_limits: list[SessionLimit] = Field(default_factory=list)
    source: str = ""

    def norms_on(self, on: dt.date) -> CostNorms | None:
        return next((n for n in self.cost_norms if n.in_force(on)), None)
