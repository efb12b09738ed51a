"""One broken file per kind of input error: the message names file, line or row/column, field,
what was found and what was expected; the CLI turns it into exit code 2 with no traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.io.loading import (
    bundled_dir,
    load_case_config,
    load_history,
    load_officials,
    load_rules,
)

INVALID = Path(__file__).parent / "fixtures" / "invalid"
MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
FRAMEWORK = load_rules(bundled_dir("rules"))
POSITIONS = set(FRAMEWORK.positions)


def _officials(path: Path) -> object:
    return load_officials(path, POSITIONS, set(FRAMEWORK.leader_groups))


def _history(path: Path) -> object:
    return load_history(path, {"A1", "A2"}, {"two_level_online"})


CASES: list[tuple[str, Callable[[Path], object], list[str]]] = [
    (
        "officials/unknown_position.csv",
        _officials,
        [
            "unknown_position.csv: row 3",
            "column 'position'",
            "xa.giam_doc",
            "position id defined in rules/",
        ],
    ),
    (
        "officials/bad_date.csv",
        _officials,
        ["bad_date.csv: row 2", "column 'birth_date'", "1980-31-01", "YYYY-MM-DD"],
    ),
    (
        "officials/unknown_qualification.csv",
        _officials,
        ["row 2", "column 'education'", "tien_si_khoa_hoc", "dai_hoc"],
    ),
    ("officials/duplicate_id.csv", _officials, ["row 3", "duplicate official id", "'A1'"]),
    (
        "officials/missing_column.csv",
        _officials,
        ["missing_column.csv: row 1", "missing required column", "field 'birth_date'"],
    ),
    (
        "officials/bad_gender.csv",
        _officials,
        ["row 2", "column 'gender'", "'unknown'", "male/female"],
    ),
    (
        "officials/competency_out_of_range.csv",
        _officials,
        ["row 2", "column 'competency:digital_skills'", "'7'", "0-5"],
    ),
    (
        "officials/unknown_leader_group.csv",
        _officials,
        ["row 3", "column 'leader_group'", "unknown leader group", "one of 1, 2, 3"],
    ),
    ("officials/unknown_column.csv", _officials, ["row 1", "unknown column", "favourite_colour"]),
    ("officials/empty_required.csv", _officials, ["row 2", "required value is empty", "full_name"]),
    ("history/unknown_course.csv", _history, ["row 2", "unknown course", "no_such_course"]),
    (
        "history/bad_result.csv",
        _history,
        ["row 2", "column 'result'", "'maybe'", "passed/failed/dropped"],
    ),
    ("history/unknown_official.csv", _history, ["row 2", "unknown official", "'ZZ'"]),
    (
        "rules/overlapping_versions.yaml",
        load_rules,
        ["overlapping_versions.yaml:2", "test.overlap", "overlaps", "2025-07-01"],
    ),
    ("rules/syntax_error.yaml", load_rules, ["syntax_error.yaml:", "YAML syntax error"]),
    (
        "rules/duplicate_key.yaml",
        load_rules,
        ["duplicate_key.yaml:3", "duplicate key", "field 'rules.0.id'"],
    ),
    ("rules/unknown_key.yaml", load_rules, ["unknown_key.yaml:6", "unknown key", "severity"]),
    (
        "rules/unknown_level.yaml",
        load_rules,
        ["unknown_level.yaml:9", "thac_si", "political_theory"],
    ),
    (
        "rules/unknown_position.yaml",
        load_rules,
        ["unknown_position.yaml:2", "unknown position id", "xa.thu_ky"],
    ),
    (
        "rules/unknown_leader_group.yaml",
        load_rules,
        ["unknown_leader_group.yaml:8", "unknown leader group", "xa.thu_ky", "[1]"],
    ),
    ("rules/bad_date.yaml", load_rules, ["bad_date.yaml:6", "effective_from", "2025-02-30"]),
    (
        "case/bad_budget_source.yaml",
        load_case_config,
        ["bad_budget_source.yaml:7", "budget.0.source", "ngan_sach_huyen"],
    ),
    (
        "case/negative_budget.yaml",
        load_case_config,
        ["negative_budget.yaml:7", "budget.0.amount", "-5"],
    ),
    ("case/unknown_key.yaml", load_case_config, ["unknown_key.yaml:6", "unknown key", "budgets"]),
    (
        "case/bad_reference_date.yaml",
        load_case_config,
        ["bad_reference_date.yaml:2", "reference_date", "15/01/2026"],
    ),
]


@pytest.mark.parametrize(("name", "loader", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_error_message_names_where_and_what(
    name: str, loader: Callable[[Path], object], fragments: list[str]
) -> None:
    with pytest.raises(InputError) as info:
        loader(INVALID / name)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_every_fixture_is_checked() -> None:
    names = {c[0] for c in CASES}
    on_disk = {
        str(p.relative_to(INVALID))
        for p in INVALID.rglob("*")
        if p.is_file() and p.parent.name in {"officials", "history", "rules", "case"}
    }
    assert on_disk <= names, f"fixtures without a test: {sorted(on_disk - names)}"


@pytest.mark.parametrize("command", ["validate", "assess"])
def test_cli_exits_2_without_traceback_on_bad_officials(tmp_path: Path, command: str) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    shutil.copy(INVALID / "officials" / "unknown_position.csv", case / "officials.csv")
    result = CliRunner().invoke(cli, [command, str(case)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "officials.csv: row 3" in result.output
    assert "xa.giam_doc" in result.output
