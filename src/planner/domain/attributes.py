"""The attributes conditions may test: profile fields plus values computed on a date."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from planner.domain.profile import Official, whole_years_between
from planner.law.conditions import KNOWN_ATTRIBUTES, Attributes
from planner.law.framework import Position

_GOOD = ("good", "excellent")


def good_ratings_in_a_row(official: Official) -> int:
    """Consecutive yearly ratings of good or better, counted back from the newest."""
    count = 0
    for rating in reversed(official.ratings):
        if rating not in _GOOD:
            break
        count += 1
    return count


# The attributes whose value changes with the date they are computed on; every other attribute
# is fixed by the profile and the post (callers caching a verdict key the dated ones per date).
DATED_ATTRIBUTES = ("age", "years_of_service", "years_in_position")


def dated_start(official: Official, name: str) -> dt.date | None:
    """The date one of DATED_ATTRIBUTES counts whole years from: birth, service start or
    appointment (None where the profile does not say)."""
    if name == "age":
        return official.birth_date
    return official.started_service_on if name == "years_of_service" else official.appointed_on


def dated_attribute(official: Official, name: str, on: dt.date) -> int | None:
    """One of DATED_ATTRIBUTES on `on`: whole years since birth, service start or appointment."""
    start = dated_start(official, name)
    return whole_years_between(start, on) if start else None


def years_signature(
    start: dt.date | None, month_days: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """What fixes the whole years since `start` on every day of a fixed set of days, given their
    sorted (month, day) pairs: the start's year and how many pairs fall before its own (the
    years on a day are its year minus the start's, less one if it falls before the anniversary).
    Equal signatures, equal values on every one of those days — one look-up instead of one
    count per day."""
    if start is None:
        return None
    return start.year, bisect_left(month_days, (start.month, start.day))


# Attributes that are profile fields as they stand (the other known attributes are computed).
_PROFILE_FIELDS = (KNOWN_ATTRIBUTES & frozenset(Official.model_fields)) - {"leader_group"}


def hashable(value: Any) -> Any:
    """An attribute value as a cache key part (lists, e.g. position groups, become tuples)."""
    return tuple(value) if isinstance(value, list) else value


def official_attributes(official: Official, position: Position | None, on: dt.date) -> Attributes:
    def lookup(name: str) -> Any:
        if name in _PROFILE_FIELDS:  # most conditions test these: answer them first
            return getattr(official, name)
        if name in DATED_ATTRIBUTES:
            return dated_attribute(official, name, on)
        if name == "good_ratings_in_a_row":
            return good_ratings_in_a_row(official)
        if name == "leader_group":
            if official.leader_group is not None:
                return official.leader_group
            return position.leader_group if position else None
        if name == "position_level":
            return position.level if position else None
        if name == "position_category":
            return position.category if position else None
        if name == "position_groups":
            return position.groups if position else []
        if name == "education_field_matches":
            if position is None or not position.education_fields:
                return True
            return official.education_field in position.education_fields
        return getattr(official, name)

    return lookup
