"""An official's profile and training record, as the officials and history tables give them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, Field, model_validator

from planner.law.reference import StrictModel
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
    leader_group: int | None = Field(
        default=None, ge=1, description="QĐ 145 group: an id of leader_groups in rules/"
    )
    competencies: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _levels(self) -> Official:
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


M = TypeVar("M", bound=BaseModel)


def constructor(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """A fast `model.model_construct(**values)` for values validated cell by cell while loading.

    It makes the same instance (fields in model order, defaults where a value is missing, the
    fields set), but resolves the defaults once instead of per row, and officials that set the
    same fields share one fields-set object — safe since the models are frozen, and worth ~700
    bytes an official at national scale. Where the model needs more than that (private
    attributes, extras, post-init, a required field missing), it falls back to model_construct.
    """
    fields = model.model_fields
    required = frozenset(name for name, info in fields.items() if info.is_required())
    template = {
        name: None if info.is_required() or info.default_factory else info.default
        for name, info in fields.items()
    }
    factories = {
        name: info.default_factory for name, info in fields.items() if info.default_factory
    }
    plain = (
        not model.__private_attributes__
        and model.model_config.get("extra") != "allow"
        and not model.__pydantic_post_init__
        and not model.__pydantic_root_model__
    )
    fields_sets: dict[frozenset[str], set[str]] = {}
    setattr_ = object.__setattr__
    new = model.__new__

    def build(values: dict[str, Any]) -> M:
        if not plain or not required.issubset(values):
            return model.model_construct(**values)
        data = template.copy()
        data.update(values)
        for name, factory in factories.items():
            if name not in values:
                data[name] = factory()  # type: ignore[call-arg]
        names = frozenset(values)
        fields_set = fields_sets.get(names)
        if fields_set is None:
            fields_set = fields_sets[names] = set(names)
        instance = new(model)
        setattr_(instance, "__dict__", data)
        setattr_(instance, "__pydantic_fields_set__", fields_set)
        setattr_(instance, "__pydantic_extra__", None)
        setattr_(instance, "__pydantic_private__", None)
        return instance

    return build


build_official = constructor(Official)
build_record = constructor(TrainingRecord)
