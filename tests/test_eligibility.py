"""Dated eligibility of the bundled catalog: both sides of every age and date threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.profile import Official
from planner.io.loading import bundled_dir, load_catalog, load_rules
from planner.recommend.eligibility import check_eligibility
from planner.report.text import render

FRAMEWORK = load_rules(bundled_dir("rules"))
CATALOG = load_catalog(bundled_dir("catalogs"), FRAMEWORK)
AFTER_350 = dt.date(2026, 1, 15)  # QĐ 350-QĐ/TW in force
BEFORE_350 = dt.date(2025, 6, 1)  # QĐ 57-QĐ/TW in force


def _official(age: int, gender: str, on: dt.date, **extra: object) -> Official:
    """Someone whose birthday is exactly `age` years before `on`."""
    values: dict = {
        "id": "X",
        "full_name": "X",
        "position": "xa.pho_chu_tich_ubnd",
        "unit": "Xã A",
        "birth_date": on.replace(year=on.year - age),
        "gender": gender,
        "party_member": True,
        "education": "dai_hoc",
        "ratings": ("good", "good"),
    }
    values.update(extra)
    return Official(**values)


def _failed(course_id: str, official: Official, on: dt.date) -> list[str]:
    position = FRAMEWORK.positions[official.position]
    return [
        f.eligibility.id
        for f in check_eligibility(CATALOG.courses[course_id], official, position, on)
    ]


@pytest.mark.parametrize("on", [BEFORE_350, AFTER_350])
@pytest.mark.parametrize(
    ("gender", "age", "ok"),
    [("female", 27, False), ("female", 28, True), ("male", 29, False), ("male", 30, True)],
)
def test_trung_cap_in_service_ages(on: dt.date, gender: str, age: int, ok: bool) -> None:
    failed = _failed("llct_trung_cap_khong_tap_trung", _official(age, gender, on), on)
    assert ("trung_cap.in_service_age" not in failed) is ok
    # Full-time has no age condition.
    assert _failed("llct_trung_cap_tap_trung", _official(age, gender, on), on) == []


def test_age_is_counted_to_the_day() -> None:
    on = AFTER_350
    day_before_birthday = _official(30, "male", on).model_copy(
        update={"birth_date": on.replace(year=on.year - 30) + dt.timedelta(days=1)}
    )
    assert "trung_cap.in_service_age" in _failed(
        "llct_trung_cap_khong_tap_trung", day_before_birthday, on
    )


def test_the_reference_date_picks_the_version() -> None:
    official = _official(25, "female", AFTER_350)
    course = CATALOG.courses["llct_trung_cap_khong_tap_trung"]
    position = FRAMEWORK.positions[official.position]
    after = check_eligibility(course, official, position, AFTER_350)
    before = check_eligibility(course, official, position, BEFORE_350)
    assert {f.version.reference.title for f in after} == {"Quy định 350-QĐ/TW"}
    assert {f.version.reference.title for f in before} == {"Quy định 57-QĐ/TW"}
    # The "who" list (QĐ 350) did not exist before 1/9/2025; the day before it applies nothing.
    outsider = official.model_copy(update={"position": "xa.tu_phap_ho_tich"})
    pos = FRAMEWORK.positions["xa.tu_phap_ho_tich"]
    assert "trung_cap.who" in [
        f.eligibility.id for f in check_eligibility(course, outsider, pos, dt.date(2025, 9, 1))
    ]
    assert "trung_cap.who" not in [
        f.eligibility.id for f in check_eligibility(course, outsider, pos, dt.date(2025, 8, 31))
    ]


@pytest.mark.parametrize(
    ("change", "ok"),
    [
        ({}, True),
        ({"party_member": False}, False),
        ({"education": "trung_cap"}, False),
        ({"education": "cao_dang"}, True),
        ({"education": "thpt"}, False),
        ({"education": "thpt", "ethnic_minority": True}, True),
        ({"ratings": ("completed", "good")}, False),
        ({"ratings": ("good",)}, False),
        ({"ratings": ("completed", "excellent", "good")}, True),
    ],
)
def test_trung_cap_standards(change: dict, ok: bool) -> None:
    official = _official(35, "male", AFTER_350).model_copy(update=change)
    failed = _failed("llct_trung_cap_tap_trung", official, AFTER_350)
    assert ("trung_cap.standard" not in failed) is ok


@pytest.mark.parametrize(
    ("gender", "age", "in_service"),
    [("male", 39, False), ("male", 40, True), ("female", 34, False), ("female", 35, True)],
)
def test_cao_cap_mode_by_age(gender: str, age: int, in_service: bool) -> None:
    official = _official(age, gender, AFTER_350, position="xa.chu_tich_ubnd")
    assert (_failed("llct_cao_cap_khong_tap_trung", official, AFTER_350) == []) is in_service
    assert (_failed("llct_cao_cap_tap_trung", official, AFTER_350) == []) is not in_service


def test_cao_cap_only_for_listed_posts_or_their_pool() -> None:
    staff = _official(45, "male", AFTER_350, position="xa.tu_phap_ho_tich")
    assert "cao_cap.who" in _failed("llct_cao_cap_khong_tap_trung", staff, AFTER_350)
    pooled = staff.model_copy(update={"planning_pool": "xa.chu_tich_ubnd"})
    assert _failed("llct_cao_cap_khong_tap_trung", pooled, AFTER_350) == []


def _postgraduate(age: int, on: dt.date, **extra: object) -> Official:
    values: dict = {
        "position": "xa.tu_phap_ho_tich",
        "education_field": "luat",
        "started_service_on": dt.date(2015, 1, 1),
    }
    values.update(extra)
    return _official(age, "female", on, **values)


@pytest.mark.parametrize(
    ("on", "age", "ok"),
    [
        (dt.date(2025, 6, 30), 40, True),
        (dt.date(2025, 6, 30), 41, False),  # ND 101/2017: ≤ 40
        (dt.date(2025, 7, 1), 41, True),
        (dt.date(2025, 7, 1), 45, True),  # ND 171/2025: ≤ 45
        (dt.date(2025, 7, 1), 46, False),
    ],
)
def test_postgraduate_age_limit_changes_on_1_july_2025(on: dt.date, age: int, ok: bool) -> None:
    assert (_failed("thac_si", _postgraduate(age, on), on) == []) is ok


@pytest.mark.parametrize(
    ("change", "ok"),
    [
        ({"started_service_on": dt.date(2023, 1, 15)}, True),  # exactly 3 years on 2026-01-15
        ({"started_service_on": dt.date(2023, 1, 16)}, False),  # a day short of 3 years
        ({"started_service_on": None}, False),  # unknown service: not shown eligible
        ({"ratings": ("good", "completed")}, False),
        ({"education_field": "ke_toan"}, False),  # does not fit a justice post
    ],
)
def test_postgraduate_service_ratings_and_field(change: dict, ok: bool) -> None:
    official = _postgraduate(35, AFTER_350).model_copy(update=change)
    assert (_failed("thac_si", official, AFTER_350) == []) is ok


def test_failure_sentences_in_both_languages() -> None:
    official = _official(27, "female", AFTER_350)
    course = CATALOG.courses["llct_trung_cap_khong_tap_trung"]
    [failure] = check_eligibility(
        course, official, FRAMEWORK.positions[official.position], AFTER_350
    )
    message = failure.message()
    assert message.key == "eligibility.failed" and message.args["condition"] == failure.version.when
    vi, en = render(message, "vi"), render(message, "en")
    assert "Chưa đủ điều kiện" in vi and "tuổi ≥ 28" in vi and "Quy định 350-QĐ/TW" in vi
    assert "Not eligible" in en and "age ≥ 28" in en and "female" in en


def test_course_without_eligibility_accepts_everyone() -> None:
    official = _official(70, "male", AFTER_350, party_member=False, education="thcs")
    assert _failed("ky_nang_so_co_ban", official, AFTER_350) == []
