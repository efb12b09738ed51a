"""An official's profile and training record, as the officials and history tables give them."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from planner.reference import StrictModel
from planner.types import QUALIFICATION_SCALES, Gender, Rating, TrainingResult


class Official(StrictModel):
    id: str = Field(min_length=1)
    full_name: str = Field(min_length=1)
    position: str
    unit: str = Field(min_length=1)
    birth_date: dt.date
    gender: Gender
    ethnic_minority: bool = False
    party_member: bool = False
    appointed_on: dt.date | None = None
    started_service_on: dt.date | None = None
    grade: str | None = None
    education: str | None = None
    education_field: str | None = None
    political_theory: str | None = None
    state_management: str | None = None
    it: str | None = None
    language: str | None = None
    planning_pool: str | None = None
    ratings: tuple[Rating, ...] = ()
    difficult_area: bool = False
    leader_group: int | None = Field(default=None, ge=1, le=3)
    competencies: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _levels(self) -> "Official":
        for field, scale in QUALIFICATION_SCALES.items():
            value = getattr(self, field)
            if value is not None and value not in scale:
                raise ValueError(f"{field}: {value!r} is not one of {list(scale)}")
        return self

    def qualification(self, field: str) -> str | None:
        value: str | None = getattr(self, field)
        return value

    def age_on(self, on: dt.date) -> int:
        return whole_years_between(self.birth_date, on)


class TrainingRecord(StrictModel):
    official_id: str
    course: str
    completed_on: dt.date
    result: TrainingResult
    session: str | None = Field(
        default=None, description="Session (class) attended, for per-session evaluation"
    )
    feedback: int | None = Field(default=None, ge=1, le=5)
    score: float | None = Field(default=None, ge=0, le=100)
    competency_before: dict[str, int] = Field(default_factory=dict)
    competency_after: dict[str, int] = Field(default_factory=dict)
    row: int | None = Field(default=None, description="Row in the history table, for messages")


def whole_years_between(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
