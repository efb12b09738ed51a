"""A planning case: the `case.yaml` settings (DESIGN §4) and the loaded data they point at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_validator, model_validator

from planner.domain.catalog import Catalog
from planner.domain.profile import Official, TrainingRecord
from planner.errors import InputError
from planner.io.regions import RegionGroup, check_groups
from planner.law.framework import Framework
from planner.law.reference import StrictModel
from planner.types import CourseKind, FundingSource, Money

if TYPE_CHECKING:
    from planner.io.indicators import IndicatorValue
    from planner.io.tables import TextNote


class Term(StrictModel):
    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.end < self.start:
            raise ValueError(f"term end {self.end} is before start {self.start}")
        return self

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.end, 12, 31)


class BudgetLine(StrictModel):
    year: int = Field(ge=1900, le=2200, strict=True)
    source: FundingSource
    # strict: `amount: true` is not 1 VND, and 5e7 written as a float is not money either
    amount: Money = Field(ge=0, le=10**15, strict=True)


# Limits a case may leave out: each is then the `rules/` parameter of the same name in force on
# the reference date (planner defaults, confidence P: policy choices stated in the README, not law).
LIMIT_PARAMETERS: tuple[str, ...] = ("max_days_away_per_year", "max_share_away")


class Limits(StrictModel):
    """Operational limits. A value case.yaml omits is filled in by `with_defaults` (the loader
    does it) from the parameter of the same name in `rules/parameters.yaml`."""

    max_days_away_per_year: int | None = Field(
        default=None, ge=0, description="Default: rules/ parameter max_days_away_per_year"
    )
    max_share_away: float | None = Field(
        default=None, gt=0, le=1, description="Default: rules/ parameter max_share_away"
    )
    days_away_exempt_kinds: list[CourseKind] = Field(
        default_factory=lambda: ["llct", "degree"],
        description="Course kinds not counted toward max_days_away_per_year: political theory "
        "and degree programmes are long and sent by their own decision (cử đi học), "
        "so a cap meant for short courses would rule every one of them out",
    )

    def with_defaults(self, framework: Framework, on: dt.date) -> Limits:
        """These limits with every omitted value taken from `framework`'s parameters on `on`."""
        update: dict[str, int | float] = {}
        for name in LIMIT_PARAMETERS:
            if getattr(self, name) is None:
                try:
                    value = framework.parameter_value(name, on)
                except KeyError:
                    raise InputError(
                        f"limits.{name} is not given and rules/ has no value for it on {on}",
                        path=framework.source or None,
                        field=f"limits.{name}",
                        expected=f"limits.{name} in case.yaml or a parameter {name} in rules/",
                    ) from None
                update[name] = int(value) if name == "max_days_away_per_year" else float(value)
        return self.model_copy(update=update) if update else self


class CaseConfig(StrictModel):
    name: str = Field(max_length=1000)
    # strict: a number (1768435200) is not read as Unix time, nor a text as a date
    reference_date: dt.date = Field(strict=True)
    years: list[Annotated[int, Field(strict=True, ge=1900, le=2200)]] = Field(
        min_length=1, max_length=50
    )
    term: Term
    officials: str
    history: str | None = None
    units: str | None = Field(
        default=None, description="Optional table: unit, distance_band, difficult_area"
    )
    indicators: str | None = Field(
        default=None, description="Optional table: unit, year, indicator, value (evaluation)"
    )
    rules: str = "bundled"
    catalog: str = "bundled"
    budget: list[BudgetLine] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    regions: list[RegionGroup] = Field(
        default_factory=list,
        description="A national case: sessions open to a group of provinces only (io/regions.py)",
    )

    # Whole-list checks as field validators, so an error points at the `years:` or `budget:`
    # key (its line and field), not at the top of the file.
    @field_validator("years")
    @classmethod
    def _years(cls, years: list[int]) -> list[int]:
        if sorted(set(years)) != years:
            raise ValueError(f"years must be increasing and distinct, found {years}")
        return years

    @field_validator("budget")
    @classmethod
    def _budget_once(cls, budget: list[BudgetLine]) -> list[BudgetLine]:
        seen: dict[tuple[int, str], int] = {}
        for index, line in enumerate(budget):
            key = (line.year, line.source)
            if key in seen:
                raise ValueError(
                    f"budget items {seen[key]} and {index}: year {line.year} source "
                    f"{line.source} appears twice"
                )
            seen[key] = index
        return budget

    @field_validator("regions")
    @classmethod
    def _regions(cls, groups: list[RegionGroup]) -> list[RegionGroup]:
        return check_groups(groups)


@dataclass(frozen=True)
class UnitInfo:
    unit: str
    distance_band: str | None = None
    difficult_area: bool = False
    province: str | None = None  # a national case: the province (block) the unit belongs to


@dataclass(frozen=True)
class Case:
    """Everything a case folder holds, validated and cross-checked."""

    folder: Path
    config: CaseConfig
    framework: Framework
    catalog: Catalog
    officials: list[Official]
    history: list[TrainingRecord]
    units: dict[str, UnitInfo] = field(default_factory=dict)
    indicators: tuple[IndicatorValue, ...] = ()  # unit results, for evaluating training
    # cells read in another form than written (NFC, spaces, NULs): `validate` warns of them
    notes: tuple[TextNote, ...] = ()

    @property
    def reference_date(self) -> dt.date:
        return self.config.reference_date

    def with_reference_date(self, on: dt.date) -> Case:
        config = self.config.model_copy(update={"reference_date": on})
        return replace(self, config=config)
