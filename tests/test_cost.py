"""Participant and class costs (TT 36/2018/TT-BTC support from the catalog's cost norms)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.catalog import Catalog, Course
from planner.domain.profile import Official
from planner.errors import InputError
from planner.io.case import UnitInfo
from planner.io.loading import bundled_dir, load_catalog
from planner.recommend.cost import (
    breakdown,
    class_cost,
    in_person_days,
    nominal_cost,
    participant_breakdown,
    participant_cost,
)

# TT 36/2018: one round trip per session, lodging for the nights between the first and last day.
TT36_TRIPS = {
    "round_trips_per_session": 1,
    "lodging_nights": "days_minus_one",
    "confidence": "F",
    "reference": {"title": "Thông tư 36/2018/TT-BTC"},
}
NORMS = {
    "effective_from": "2018-06-15",
    "reference": {"title": "Thông tư 36/2018/TT-BTC"},
    "trips": TT36_TRIPS,
    "default_band": "near",
    "bands": [
        {
            "band": "near",
            "travel_round_trip": 100_000,
            "lodging_per_night": 0,
            "meals_per_day": 50_000,
        },
        {
            "band": "far",
            "travel_round_trip": 600_000,
            "lodging_per_night": 300_000,
            "meals_per_day": 150_000,
        },
    ],
    "difficult_area_extra_per_day": 40_000,
}


def _course(mode: str = "in_person", days: int = 5, support: bool = True) -> Course:
    return Course.model_validate(
        {
            "id": "c",
            "title": {"vi": "c", "en": "c"},
            "kind": "job_position",
            "delivers": {},
            "duration_days": days,
            "mode": mode,
            "cost": {"tuition": 1_000_000, "per_class": 40_000_000, "support": support},
            "funding_source": "ngan_sach_tinh",
            "reference": {"title": "test"},
            "sessions": [
                {
                    "id": "s1",
                    "start": "2026-03-02",
                    "end": "2026-03-06",
                    "location": "x",
                    "seats": 50,
                }
            ],
        }
    )


def _catalog(course: Course, norms: list[dict] | None = None) -> Catalog:
    return Catalog.model_validate(
        {
            "courses": {course.id: course.model_dump()},
            "cost_norms": [NORMS] if norms is None else norms,
        }
    )


OFFICIAL = Official(
    id="A",
    full_name="A",
    position="xa.tu_phap_ho_tich",
    unit="Xã A",
    birth_date=dt.date(1990, 1, 1),
    gender="female",
)
FAR = UnitInfo("Xã A", "far", False)


def _cost(
    course: Course,
    unit: UnitInfo | None = FAR,
    official: Official = OFFICIAL,
    norms: list[dict] | None = None,
) -> int:
    return participant_cost(course, course.sessions[0], official, unit, _catalog(course, norms))


def test_in_person_pays_trip_lodging_between_days_and_meals() -> None:
    course = _course("in_person", 5)
    # tuition + 1 round trip + 4 nights + 5 days of meals
    assert _cost(course) == 1_000_000 + 600_000 + 4 * 300_000 + 5 * 150_000


def test_trips_and_nights_come_from_the_norms() -> None:
    """TT 36/2018's "one round trip, nights between the days" is data: another rule, other costs."""
    course = _course("in_person", 5)
    bundled = load_catalog(bundled_dir("catalogs")).cost_norms[0].trips
    assert (bundled.round_trips_per_session, bundled.lodging_nights) == (1, "days_minus_one")
    assert bundled.reference.title.startswith("Thông tư 36/2018")
    trips = {**TT36_TRIPS, "round_trips_per_session": 2, "lodging_nights": "days"}
    norms = [{**NORMS, "trips": trips}]
    assert _cost(course, norms=norms) == 1_000_000 + 2 * 600_000 + 5 * 300_000 + 5 * 150_000


def test_online_pays_tuition_only() -> None:
    assert _cost(_course("online", 5)) == 1_000_000
    assert in_person_days(_course("online", 5)) == 0


def test_blended_counts_half_the_days_rounded_up() -> None:
    assert in_person_days(_course("blended", 5)) == 3
    assert in_person_days(_course("blended", 4)) == 2
    assert _cost(_course("blended", 5)) == 1_000_000 + 600_000 + 2 * 300_000 + 3 * 150_000


def test_one_day_course_has_no_lodging() -> None:
    assert _cost(_course("in_person", 1)) == 1_000_000 + 600_000 + 150_000


def test_default_band_when_the_unit_is_unknown() -> None:
    assert _cost(_course(), unit=None) == 1_000_000 + 100_000 + 5 * 50_000
    assert _cost(_course(), unit=UnitInfo("Xã B")) == 1_000_000 + 100_000 + 5 * 50_000


def test_difficult_area_extra_from_unit_or_official() -> None:
    base = _cost(_course())
    assert _cost(_course(), unit=UnitInfo("Xã A", "far", True)) == base + 5 * 40_000
    hard = OFFICIAL.model_copy(update={"difficult_area": True})
    assert _cost(_course(), official=hard) == base + 5 * 40_000


def test_no_support_flag_and_no_norms_in_force() -> None:
    assert _cost(_course(support=False)) == 1_000_000
    later = dict(NORMS, effective_from="2027-01-01")
    assert _cost(_course(), norms=[later]) == 1_000_000


def test_amounts_come_from_the_norms_not_the_code() -> None:
    doubled = dict(
        NORMS, bands=[dict(b, meals_per_day=2 * b["meals_per_day"]) for b in NORMS["bands"]]
    )
    assert _cost(_course(), norms=[doubled]) - _cost(_course()) == 5 * 150_000


def test_unknown_band_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        _cost(_course(), unit=UnitInfo("Xã Z", "moon"))
    assert info.value.field == "distance_band" and info.value.found == "moon"


def test_breakdown_sums_to_total_and_class_cost() -> None:
    course = _course()
    parts = participant_breakdown(course, course.sessions[0], OFFICIAL, FAR, _catalog(course))
    assert (
        parts.total
        == parts.tuition + parts.travel + parts.lodging + parts.meals + parts.difficult_area
    )
    assert parts.support == parts.total - 1_000_000
    assert class_cost(course, course.sessions[0]) == 40_000_000
    assert (
        nominal_cost(course, course.sessions[0], _catalog(course))
        == breakdown(course, course.sessions[0], None, False, _catalog(course)).total
    )


def test_bundled_costs_are_non_negative_integers() -> None:
    catalog = load_catalog(bundled_dir("catalogs"))
    for course in catalog.courses.values():
        for session in course.sessions:
            for band in ("duoi_15km", "tren_100km"):
                cost = participant_cost(
                    course, session, OFFICIAL, UnitInfo("u", band, True), catalog
                )
                assert isinstance(cost, int) and cost >= course.cost.tuition
            if course.mode == "online":
                assert (
                    participant_cost(course, session, OFFICIAL, None, catalog)
                    == course.cost.tuition
                )
