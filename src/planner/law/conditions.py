"""A small condition language shared by rules (`when:`) and catalog eligibility.

A condition tests one attribute of an official's profile, or combines conditions with
`all` / `any` / `not`. The attributes are the profile fields plus ones computed on the
reference date (`age`, `years_of_service`, `good_ratings_in_a_row`), so legal thresholds such
as "women ≥ 28" stay in YAML as numbers next to their reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field, model_validator

from planner.law.reference import StrictModel
from planner.types import QUALIFICATION_SCALES, qualification_rank

Attributes = Callable[[str], Any]
"""Looks an attribute up by name; raises KeyError for a name it does not know."""

KNOWN_ATTRIBUTES = frozenset(
    {
        "id",
        "position",
        "unit",
        "gender",
        "ethnic_minority",
        "party_member",
        "grade",
        "education",
        "education_field",
        "political_theory",
        "state_management",
        "it",
        "language",
        "planning_pool",
        "difficult_area",
        "leader_group",
        "age",
        "years_of_service",
        "years_in_position",
        "good_ratings_in_a_row",
        "position_level",
        "position_category",
        "position_groups",
        "education_field_matches",
    }
)


class Condition(StrictModel):
    """Exactly one of: an attribute test (`field` with one comparison), `all`, `any`, `not`."""

    field: str | None = Field(default=None, description="Profile attribute to test")
    equals: Any = Field(default=None, description="Attribute equals this value")
    one_of: list[Any] | None = Field(default=None, description="Attribute is one of these")
    contains: str | None = Field(default=None, description="List attribute contains this value")
    at_least: int | float | str | None = Field(
        default=None, description="Number ≥ value, or qualification level at or above value"
    )
    at_most: int | float | str | None = Field(
        default=None, description="Number ≤ value, or qualification level at or below value"
    )
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = StrictModel.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [c for c in (self.all, self.any, self.not_) if c is not None]
        comparisons = [
            c
            for c in (self.equals, self.one_of, self.contains, self.at_least, self.at_most)
            if c is not None
        ]
        if self.field is None:
            if len(combinators) != 1 or comparisons:
                raise ValueError(
                    "a condition needs `field` with one comparison, or one of all/any/not"
                )
        else:
            if self.field not in KNOWN_ATTRIBUTES:
                raise ValueError(
                    f"unknown attribute {self.field!r}; expected one of {sorted(KNOWN_ATTRIBUTES)}"
                )
            if combinators or len(comparisons) != 1:
                raise ValueError(f"condition on {self.field!r} needs exactly one comparison")
            for bound in (self.at_least, self.at_most):
                if (
                    isinstance(bound, str)
                    and self.field in QUALIFICATION_SCALES
                    and bound not in QUALIFICATION_SCALES[self.field]
                ):
                    raise ValueError(
                        f"{bound!r} is not a level of {self.field}; expected one of "
                        f"{list(QUALIFICATION_SCALES[self.field])}"
                    )
        return self

    def holds(self, attrs: Attributes) -> bool:
        if self.all is not None:
            return all(c.holds(attrs) for c in self.all)
        if self.any is not None:
            return any(c.holds(attrs) for c in self.any)
        if self.not_ is not None:
            return not self.not_.holds(attrs)
        assert self.field is not None
        value = attrs(self.field)
        if self.equals is not None:
            return bool(value == self.equals)
        if self.one_of is not None:
            return value in self.one_of
        if self.contains is not None:
            return value is not None and self.contains in value
        if value is None:
            return False
        if self.at_least is not None:
            return _compare(self.field, value, self.at_least) >= 0
        if self.at_most is not None:
            return _compare(self.field, value, self.at_most) <= 0
        raise AssertionError("unreachable: validated to have one comparison")

    def attributes(self) -> frozenset[str]:
        """Every attribute name the condition reads: officials equal on these get one verdict."""
        if self.field is not None:
            return frozenset((self.field,))
        parts = self.all or self.any or ([self.not_] if self.not_ is not None else [])
        return frozenset().union(*(c.attributes() for c in parts))

    def describe(self) -> str:
        """A compact, language-neutral description used in exclusion details."""
        if self.all is not None:
            return " and ".join(c.describe() for c in self.all)
        if self.any is not None:
            return "(" + " or ".join(c.describe() for c in self.any) + ")"
        if self.not_ is not None:
            return f"not {self.not_.describe()}"
        for op, bound in (
            ("=", self.equals),
            ("in", self.one_of),
            ("has", self.contains),
            ("≥", self.at_least),
            ("≤", self.at_most),
        ):
            if bound is not None:
                return f"{self.field} {op} {bound}"
        return str(self.field)


def _compare(field: str, value: Any, bound: int | float | str) -> int:
    if field in QUALIFICATION_SCALES and isinstance(bound, str):
        a, b = qualification_rank(field, value), qualification_rank(field, bound)
    else:
        a, b = value, bound
    return (a > b) - (a < b)


Condition.model_rebuild()
