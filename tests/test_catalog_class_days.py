"""Class days in the catalog YAML (issue 13 item 5): blocks, named patterns (catalogs/
class_days.yaml, with reference) and inline patterns load and expand to dated blocks; bad class-day
data is an input error naming file, line and field (exit 2 on the command line)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import cli
from planner.domain.catalog import ClassDayPattern, ClassPattern, Session, working_days
from planner.errors import InputError
from planner.io.loading import bundled_dir, load_catalog, load_rules

FRAMEWORK = load_rules(bundled_dir("rules"))
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"

COURSE = """\
courses:
  - id: llct_in_service
    title: {{vi: "Trung cấp LLCT không tập trung", en: "In-service political theory"}}
    kind: llct
    delivers: {{qualifications: {{political_theory: trung_cap}}}}
    duration_days: 90
    mode: in_person
    cost: {{tuition: 6500000}}
    funding_source: ngan_sach_tinh
    reference: {{title: Quy định 350-QĐ/TW}}
{course_extra}    sessions:
      - id: tckt-1
        start: 2026-04-06
        end: 2027-09-30
        location: Trường Chính trị tỉnh
        seats: 70
{session_extra}"""

PATTERNS = """\
class_day_patterns:
  - id: mot_tuan_moi_thang
    title: {vi: "1 tuần mỗi tháng", en: "one week a month"}
    weeks: 1
    every_months: 1
    confidence: R
    reference: {title: "Giả định lập kế hoạch", article: "test"}
"""


def catalog_file(tmp_path: Path, course_extra: str = "", session_extra: str = "") -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        COURSE.format(course_extra=course_extra, session_extra=session_extra), encoding="utf-8"
    )
    return path


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_catalog(path, FRAMEWORK)
    return str(info.value)


# -- loading ------------------------------------------------------------------------------------


def test_a_named_pattern_of_another_file_expands_to_monthly_blocks(tmp_path):
    folder = tmp_path / "catalogs"
    folder.mkdir()
    catalog_file(folder, course_extra="    class_days: {pattern: mot_tuan_moi_thang}\n")
    (folder / "patterns.yaml").write_text(PATTERNS, encoding="utf-8")
    catalog = load_catalog(folder, FRAMEWORK)
    course = catalog.courses["llct_in_service"]
    blocks = catalog.class_blocks(course, course.sessions[0])
    assert blocks is not None and len(blocks) == 18  # April 2026 to September 2027
    assert blocks[0].start == dt.date(2026, 4, 6) and blocks[0].end == dt.date(2026, 4, 10)
    assert all(b.start.weekday() == 0 and b.end.weekday() == 4 for b in blocks)
    assert sum(working_days(b.start, b.end) for b in blocks) == course.duration_days


def test_explicit_blocks_of_a_session_override_the_course_pattern(tmp_path):
    path = catalog_file(
        tmp_path,
        course_extra="    class_days: {days_per_month: 3}\n",
        session_extra="        class_days:\n"
        "          blocks:\n"
        "            - {start: 2026-04-06, end: 2026-04-10}\n"
        "            - {start: 2026-06-01, end: 2026-06-05}\n",
    )
    catalog = load_catalog(path, FRAMEWORK)
    course = catalog.courses["llct_in_service"]
    blocks = catalog.class_blocks(course, course.sessions[0])
    assert [(b.start.isoformat(), b.end.isoformat()) for b in blocks or ()] == [
        ("2026-04-06", "2026-04-10"),
        ("2026-06-01", "2026-06-05"),
    ]


def test_a_session_without_class_days_holds_class_on_its_whole_span(tmp_path):
    catalog = load_catalog(catalog_file(tmp_path), FRAMEWORK)
    course = catalog.courses["llct_in_service"]
    assert catalog.class_blocks(course, course.sessions[0]) is None


def test_blocks_of_w_weeks_every_m_months():
    blocks = ClassPattern(weeks=2, every_months=3).expand(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    # the first Mondays on or after 1 January and 1 April, two working weeks each
    assert [(b.start.isoformat(), b.end.isoformat()) for b in blocks] == [
        ("2026-01-05", "2026-01-09"),
        ("2026-01-12", "2026-01-16"),
        ("2026-04-06", "2026-04-10"),
        ("2026-04-13", "2026-04-17"),
    ]


def test_the_bundled_patterns_carry_their_reference_and_are_labelled_assumptions():
    catalog = load_catalog(bundled_dir("catalogs"), FRAMEWORK)
    assert {"khong_tap_trung", "vua_lam_vua_hoc_dai_hoc"} <= set(catalog.class_day_patterns)
    for pattern in catalog.class_day_patterns.values():
        assert pattern.confidence == "R"  # no text gives the timetable: an assumption
        assert "Giả định" in pattern.reference.title and pattern.note
    in_service = [
        c
        for c in catalog.courses.values()
        if c.sessions and (c.sessions[0].end - c.sessions[0].start).days > 365
    ]
    assert in_service and all(c.class_days is not None for c in in_service)


# -- bad class-day data: file, line, field --------------------------------------------------------

BAD = [
    (
        "block outside the session",
        "",
        "        class_days: {blocks: [{start: 2026-03-02, end: 2026-03-06}]}\n",
        ["catalog.yaml:12", "field 'courses.0.sessions.0'", "lies outside the session"],
    ),
    (
        "blocks overlapping",
        "",
        "        class_days:\n"
        "          blocks:\n"
        "            - {start: 2026-04-06, end: 2026-04-10}\n"
        "            - {start: 2026-04-09, end: 2026-04-17}\n",
        ["catalog.yaml:17", "field 'courses.0.sessions.0.class_days'", "without overlap"],
    ),
    (
        "two forms",
        "    class_days: {pattern: mot_tuan_moi_thang, weeks: 1}\n",
        "",
        ["catalog.yaml:11", "field 'courses.0.class_days'", "exactly one of"],
    ),
    (
        "weeks and days per month",
        "    class_days: {weeks: 1, days_per_month: 5}\n",
        "",
        ["catalog.yaml:11", "field 'courses.0.class_days'", "either `days_per_month` or `weeks`"],
    ),
    (
        "too many days a month",
        "    class_days: {days_per_month: 40}\n",
        "",
        ["catalog.yaml:11", "field 'courses.0.class_days.days_per_month'", "found 40"],
    ),
    (
        "blocks on the course",
        "    class_days: {blocks: [{start: 2026-04-06, end: 2026-04-10}]}\n",
        "",
        ["catalog.yaml:2", "field 'courses.0'", "dates of one session"],
    ),
    (
        "unknown pattern",
        "    class_days: {pattern: no_such_pattern}\n",
        "",
        [
            "catalog.yaml:2",
            "unknown class-day pattern",
            "field 'llct_in_service.class_days.pattern'",
            "'no_such_pattern'",
            "class_day_patterns",
        ],
    ),
]


@pytest.mark.parametrize(
    ("course_extra", "session_extra", "fragments"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_bad_class_days_name_file_line_and_field(tmp_path, course_extra, session_extra, fragments):
    message = load_error(catalog_file(tmp_path, course_extra, session_extra))
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_the_cli_exits_2_on_bad_class_days_without_a_traceback(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    bad = catalog_file(tmp_path, course_extra="    class_days: {pattern: no_such_pattern}\n")
    config = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(
        config.replace('catalog: "bundled"', f'catalog: "{bad}"'), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 2
    assert "catalog.yaml:2" in result.output and "no_such_pattern" in result.output
    assert "mẫu ngày học không xác định" in result.output  # Vietnamese by default
    assert "Traceback" not in result.output


def test_the_cli_plans_an_example_with_in_service_class_days(tmp_path):
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["plan", str(EXAMPLE), "--format", "json", "-o", str(out), "--time-limit", "5"]
    )
    assert result.exit_code in (0, 1), result.output  # 1: hard rules short in 5 s
    checked = CliRunner().invoke(cli, ["check", str(EXAMPLE), str(out)])
    assert checked.exit_code == 0, checked.output


def test_the_readme_catalog_example_loads():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(
        b
        for lang, b in re.findall(r"```(\w+)\n(.*?)```", readme, flags=re.S)
        if lang == "yaml" and "class_day_patterns" in b
    )
    data = yaml.safe_load(block)
    pattern = ClassDayPattern.model_validate(data["class_day_patterns"][0])
    sessions = [Session.model_validate(s) for s in data["courses"][0]["sessions"]]
    assert len(pattern.expand(sessions[0].start, sessions[0].end)) == 18
    assert sessions[1].class_days is not None and len(sessions[1].class_days.blocks or []) == 2
