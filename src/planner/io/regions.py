"""Province groups of a national case (`case.yaml` key `regions`): sessions open to the
officials of some provinces only, e.g. the classes of a regional campus of the national academy,
whose seats the provinces of its group share and no other province may use.

A session no group lists is open to every province (national classes). The groups are data of
the case; the optimiser reads them when it builds its options (`optimise/build.py`), so a
plan seating an official outside the group is refused by `planner check` like any option the
case does not offer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from planner.errors import InputError
from planner.law.reference import StrictModel


class RegionGroup(StrictModel):
    """One group of provinces and the sessions only they may attend."""

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=1000)
    provinces: list[str] = Field(min_length=1, description="Provinces as units.csv writes them")
    sessions: list[str] = Field(min_length=1, description="Catalog session ids")


def check_groups(groups: list[RegionGroup]) -> list[RegionGroup]:
    """Group ids distinct and no session in two groups (its seats have one set of sharers)."""
    ids: dict[str, int] = {}
    owner: dict[str, int] = {}
    for index, group in enumerate(groups):
        if group.id in ids:
            raise ValueError(f"regions {ids[group.id]} and {index}: group id {group.id} twice")
        ids[group.id] = index
        for session in group.sessions:
            if session in owner:
                raise ValueError(
                    f"regions {owner[session]} and {index}: session {session} in two groups"
                )
            owner[session] = index
    return groups


def check_against_case(
    path: Path, raw: Any, groups: list[RegionGroup], sessions: set[str], provinces: set[str]
) -> None:
    """Every session a group names is in the catalog and every province in the units table."""
    from planner.io.yamlio import item_line

    no_provinces = "a units table with a `province` column (case.yaml key `units`)"
    for index, group in enumerate(groups):
        checks = (
            (
                "sessions",
                group.sessions,
                sessions,
                "unknown session in a province group",
                "a session id of the catalog",
            ),
            (
                "provinces",
                group.provinces,
                provinces,
                "unknown province in a province group",
                "a province of the units table" if provinces else no_provinces,
            ),
        )
        for key, values, known, message, expected in checks:
            unknown = next((v for v in values if v not in known), None)
            if unknown is not None:
                raise InputError(
                    message,
                    path=path,
                    line=item_line(raw, "regions", index),
                    field=f"regions.{index}.{key}",
                    found=unknown,
                    expected=expected,
                )
