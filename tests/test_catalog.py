"""The catalog: strict loading, the prerequisite graph, one broken file per error, and the bundled
province catalog (loads, covers every rule in force, respects the session limits)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.analysis.coverage import catalog_warnings, rule_gaps
from planner.cli import cli
from planner.domain.catalog import Catalog, Course
from planner.errors import InputError
from planner.io.loading import bundled_dir, check_catalog_graph, load_case, load_catalog, load_rules
from planner.report.text import render

INVALID = Path(__file__).parent / "fixtures" / "invalid" / "catalog"
FRAMEWORK = load_rules(bundled_dir("rules"))
BUNDLED = load_catalog(bundled_dir("catalogs"), FRAMEWORK)
HORIZON = [2026, 2027, 2028, 2029, 2030]
ON_2026 = dt.date(2026, 1, 15)

# fixture, [fragments the message must contain: file:line, field, found/expected]
INVALID_CASES = [
    (
        "unknown_prerequisite.yaml",
        [
            "unknown_prerequisite.yaml:13",
            "field 'prerequisites.course'",
            "'no_such_course'",
            "a course id of the catalog",
        ],
    ),
    (
        "prerequisite_cycle.yaml",
        ["prerequisite_cycle.yaml:13", "cycle", "field 'prerequisites'", "c1 → c2 → c1"],
    ),
    (
        "session_ends_before_start.yaml",
        ["session_ends_before_start.yaml:23", "field 'courses.1.sessions.0'", "before it starts"],
    ),
    (
        "session_outside_horizon.yaml",
        [
            "session_outside_horizon.yaml:23",
            "field 'courses.1.sessions.0'",
            "2206-03-02",
            "2000-2100",
        ],
    ),
    (
        "negative_seats.yaml",
        [
            "negative_seats.yaml:23",
            "field 'courses.1.sessions.0.seats'",
            "found -5",
            "greater than or equal to 0",
        ],
    ),
    (
        "negative_cost.yaml",
        ["negative_cost.yaml:19", "field 'courses.1.cost.tuition'", "found -900000"],
    ),
    (
        "unknown_funding_source.yaml",
        [
            "unknown_funding_source.yaml:20",
            "field 'courses.1.funding_source'",
            "'ngan_sach_huyen'",
            "'ngan_sach_tinh'",
        ],
    ),
    (
        "unknown_default_band.yaml",
        ["unknown_default_band.yaml:14", "field 'cost_norms.0'", "'xa_lam'"],
    ),
    (
        "duplicate_session_id.yaml",
        [
            "duplicate_session_id.yaml:13",
            "duplicate session id",
            "also in course base",
            "'b-2026-1'",
        ],
    ),
    (
        "unknown_history_course",
        [
            "history.csv: row 3",
            "column 'course'",
            "'trung_cap_llct_2019'",
            "a course id of the catalog",
        ],
    ),
]


@pytest.mark.parametrize(("name", "fragments"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_invalid_catalog_input_names_file_line_and_field(name: str, fragments: list[str]) -> None:
    path = INVALID / name
    with pytest.raises(InputError) as info:
        load_case(path) if path.is_dir() else load_catalog(path, FRAMEWORK)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_every_invalid_fixture_is_tested() -> None:
    assert {p.name for p in INVALID.iterdir()} == {name for name, _ in INVALID_CASES}


def test_cli_exits_2_on_bad_catalog_input() -> None:
    result = CliRunner().invoke(cli, ["recommend", str(INVALID / "unknown_history_course")])
    assert result.exit_code == 2
    assert "trung_cap_llct_2019" in result.output


# -- prerequisite graph ---------------------------------------------------------------------------


def _course(cid: str, *prerequisites: str) -> Course:
    return Course.model_validate(
        {
            "id": cid,
            "title": {"vi": cid, "en": cid},
            "kind": "digital",
            "delivers": {},
            "prerequisites": [{"course": p} for p in prerequisites],
            "duration_days": 1,
            "mode": "online",
            "cost": {"tuition": 0},
            "funding_source": "ngan_sach_tinh",
            "reference": {"title": "test"},
        }
    )


def _graph(*courses: Course) -> None:
    catalog = Catalog(courses={c.id: c for c in courses})
    check_catalog_graph(catalog, {c.id: (Path("cat.yaml"), i + 1) for i, c in enumerate(courses)})


def test_prerequisite_chain_is_accepted() -> None:
    _graph(_course("a"), _course("b", "a"), _course("c", "a", "b"))


def test_self_loop_and_long_cycle_are_rejected() -> None:
    with pytest.raises(InputError, match="cycle"):
        _graph(_course("a", "a"))
    with pytest.raises(InputError) as info:
        _graph(_course("a", "c"), _course("b", "a"), _course("c", "b"))
    assert info.value.path == "cat.yaml" and info.value.field == "prerequisites"


def test_dangling_prerequisite_names_the_course_line() -> None:
    with pytest.raises(InputError) as info:
        _graph(_course("a"), _course("b", "zz"))
    assert info.value.line == 2 and info.value.found == "zz"


# -- the bundled catalog --------------------------------------------------------------------------


def test_bundled_catalog_loads_with_norms_and_limits() -> None:
    assert len(BUNDLED.courses) >= 30
    norms = BUNDLED.norms_on(dt.date(2026, 1, 1))
    assert norms is not None and "36/2018" in norms.reference.title
    assert any("4962" in limit.reference.title for limit in BUNDLED.session_limits)


@pytest.mark.parametrize("on", [dt.date(2026, 1, 15), dt.date(2025, 7, 1), dt.date(2025, 10, 1)])
def test_bundled_catalog_covers_every_rule_in_force(on: dt.date) -> None:
    assert rule_gaps(BUNDLED, FRAMEWORK, HORIZON, on) == []


def test_coverage_reports_a_gap() -> None:
    only_digital = Catalog(courses={"d": BUNDLED.courses["ky_nang_so_co_ban"]})
    gaps = [render(g, "en") for g in rule_gaps(only_digital, FRAMEWORK, HORIZON, ON_2026)]
    assert any("Intermediate political theory" in g or "intermediate" in g for g in gaps)
    assert not any("Digital skills ≥ 2" in g for g in gaps)


def test_every_competency_has_a_course_at_the_required_level() -> None:
    for competency in FRAMEWORK.competencies:
        need = 2 if competency == "digital_skills" else 3
        assert any(
            c.delivers.competencies.get(competency, -1) >= need for c in BUNDLED.courses.values()
        ), competency


def test_bundled_sessions_every_year_with_realistic_seats_and_costs() -> None:
    for course in BUNDLED.courses.values():
        years = {s.start.year for s in course.sessions}
        assert set(HORIZON) <= years, course.id
        for session in course.sessions:
            low = 200 if course.mode == "online" else 30
            high = 10_000 if course.mode == "online" else 80
            assert low <= session.seats <= high, session.id
            assert session.min_participants <= session.seats
        assert isinstance(course.cost.tuition, int) and isinstance(course.cost.per_class, int)


def test_bundled_commune_sessions_respect_cv_4962() -> None:
    assert catalog_warnings(BUNDLED, FRAMEWORK) == []
    commune_short = [
        c
        for c in BUNDLED.courses.values()
        if "xa" in c.audience and c.kind in {"job_position", "digital", "knowledge_update"}
    ]
    assert commune_short
    for course in commune_short:
        assert course.duration_days <= 5
        assert all(s.working_days() <= 5 for s in course.sessions)


def test_session_limit_warning_fires_on_a_long_commune_session() -> None:
    course = BUNDLED.courses["vtvl_tu_phap_ho_tich"]
    long = course.sessions[0].model_copy(
        update={"end": course.sessions[0].start + dt.timedelta(days=9)}
    )
    bad = Catalog(
        courses={course.id: course.model_copy(update={"sessions": [long]})},
        cost_norms=BUNDLED.cost_norms,
        session_limits=BUNDLED.session_limits,
    )
    [warning] = catalog_warnings(bad, FRAMEWORK)
    assert warning.key == "coverage.session_too_long" and warning.args["days"] == 8
    text = render(warning, "en")
    assert "8 working days" in text and "4962" in text


def test_qlnn_principal_needs_the_specialist_certificate() -> None:
    cvc = BUNDLED.courses["qlnn_chuyen_vien_chinh"]
    assert [(p.qualification, p.level) for p in cvc.prerequisites] == [
        ("state_management", "chuyen_vien")
    ]


def test_cap_phong_programme_lasts_four_weeks() -> None:
    course = BUNDLED.courses["lanh_dao_cap_phong"]
    assert course.duration_days == 20
    assert all(s.working_days() == 20 for s in course.sessions)
    assert "leadership_cap_phong" in course.delivers.programmes


def test_degree_and_master_prerequisites() -> None:
    degree = BUNDLED.courses["dai_hoc_vua_lam_vua_hoc"]
    assert degree.delivers.qualifications == {"education": "dai_hoc"}
    assert [(p.qualification, p.level) for p in degree.prerequisites] == [("education", "thpt")]
    master = BUNDLED.courses["thac_si"]
    assert [(p.qualification, p.level) for p in master.prerequisites] == [("education", "dai_hoc")]


def test_working_days_skip_weekends() -> None:
    session = BUNDLED.courses["lanh_dao_cap_phong"].sessions[0]
    friday = session.model_copy(update={"start": dt.date(2026, 3, 6), "end": dt.date(2026, 3, 9)})
    assert friday.working_days() == 2  # Friday and Monday
