"""What sending one official to one session costs, as Thông tư 36/2018/TT-BTC counts it.

Pure functions over the catalog: tuition per participant, the fixed cost of running a class, and
— for days spent at the venue — travel, lodging and meal support at the norms in force on the
session's first day. Every amount comes from the catalog YAML (`cost`, `cost_norms`); no legal
number is written here. The optimiser reuses these functions, so they are cheap and integer-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.catalog import Catalog, CostNorms, Course, DistanceBandNorm, Session
from planner.domain.profile import Official
from planner.errors import InputError
from planner.io.case import UnitInfo
from planner.types import Money


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """One participant's cost, split the way a funding request lists it (all integer VND)."""

    tuition: Money = 0
    travel: Money = 0
    lodging: Money = 0
    meals: Money = 0
    difficult_area: Money = 0

    @property
    def support(self) -> Money:
        return self.travel + self.lodging + self.meals + self.difficult_area

    @property
    def total(self) -> Money:
        return self.tuition + self.support


def in_person_days(course: Course) -> int:
    """Days the participant spends at the venue, the basis of TT 36/2018 support.

    Online: none (the official studies from the workplace). Blended: half the days, rounded up —
    blended programmes alternate class days with online study, and a part day at the venue still
    needs the trip and a meal. In person: every day of the course.
    """
    if course.mode == "online":
        return 0
    if course.mode == "blended":
        return (course.duration_days + 1) // 2
    return course.duration_days


def _band(norms: CostNorms, unit: UnitInfo | None) -> DistanceBandNorm:
    name = unit.distance_band if unit is not None and unit.distance_band else norms.default_band
    band = norms.band(name)
    if band is None:
        raise InputError(
            f"unit {unit.unit if unit else '?'}: unknown distance band",
            field="distance_band",
            found=name,
            expected=f"one of {[b.band for b in norms.bands]} ({norms.reference.cite()})",
        )
    return band


def participant_breakdown(
    course: Course, session: Session, official: Official, unit: UnitInfo | None, catalog: Catalog
) -> CostBreakdown:
    """The cost of `official` attending `session`, itemised."""
    hard = official.difficult_area or (unit is not None and unit.difficult_area)
    return breakdown(course, session, unit, hard, catalog)


def breakdown(
    course: Course, session: Session, unit: UnitInfo | None, difficult_area: bool, catalog: Catalog
) -> CostBreakdown:
    """Itemised cost for a participant from `unit` (None: the norms' default band)."""
    tuition = course.cost.tuition
    days = in_person_days(course)
    if days == 0 or not course.cost.support:
        return CostBreakdown(tuition=tuition)
    norms = catalog.norms_on(session.start)
    if norms is None:
        # No norms in force: support cannot be computed; coverage_warnings reports the gap.
        return CostBreakdown(tuition=tuition)
    band = _band(norms, unit)
    trips = norms.trips  # TT 36/2018: round trips per session and nights of lodging, as data
    return CostBreakdown(
        tuition=tuition,
        travel=band.travel_round_trip * trips.round_trips_per_session,
        lodging=band.lodging_per_night * trips.nights(days),
        meals=band.meals_per_day * days,
        difficult_area=norms.difficult_area_extra_per_day * days if difficult_area else 0,
    )


def participant_cost(
    course: Course, session: Session, official: Official, unit: UnitInfo | None, catalog: Catalog
) -> Money:
    """Integer VND to send `official` (working in `unit`) to `session` of `course`."""
    return participant_breakdown(course, session, official, unit, catalog).total


def nominal_cost(course: Course, session: Session, catalog: Catalog) -> Money:
    """A participant's cost from a unit in the default distance band: for ranking courses."""
    return breakdown(course, session, None, False, catalog).total


def class_cost(course: Course, session: Session) -> Money:
    """Fixed cost of running `session` (lecturers, room, materials), whoever attends."""
    return course.cost.per_class
