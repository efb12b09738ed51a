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
        ["row 2", "column 'education'", "bac_si_noi_tru", "dai_hoc"],
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
    # Vietnamese by default (issue 14): row, message and expectation all worded in it.
    assert "officials.csv: dòng 3" in result.output
    assert "mã chức danh không xác định" in result.output
    assert "xa.giam_doc" in result.output
    english = CliRunner().invoke(cli, [command, str(case), "--lang", "en"])
    assert "officials.csv: row 3" in english.output and "unknown position id" in english.output


# Hostile and broken inputs of issue 18, one file each in fixtures/invalid/hostile/: every one is
# an InputError naming the file, the line or row, the field where there is one, and what was
# found or expected — never a crash, a hang or a silent reading.
def _hostile_loader(name: str) -> Callable[[Path], object]:
    from planner.analysis.scenario import load_scenario
    from planner.cli.check_cmd import read_plan_file

    if name.startswith("case_"):
        return load_case_config
    if name.startswith("officials_"):
        return _officials
    if name.startswith("plan_"):
        return read_plan_file
    return load_scenario


HOSTILE: list[tuple[str, list[str]]] = [
    ("case_alias_bomb.yaml", ["case_alias_bomb.yaml", "aliases are expanded", "1,000,000"]),
    ("case_amount_bool.yaml", [":10:", "field 'budget.0.amount'", "found True"]),
    ("case_binary_tag.yaml", [":1:", "unsupported YAML tag", "field 'name'", "binary"]),
    (
        "case_budget_outside_horizon.yaml",
        [":11:", "outside the planning years", "field 'budget.1.year'", "2099", "[2026]"],
    ),
    ("case_c1_control.yaml", [":1, column '11'", "control character", "U+0085"]),
    ("case_complex_key.yaml", [":11:", "a key must be plain text"]),
    ("case_control_char.yaml", [":1, column '11'", "control character", "U+0001"]),
    ("case_cp1258.yaml", [":1, column '9'", "not UTF-8"]),
    ("case_deep_nesting.yaml", [":11:", "nesting too deep", "64"]),
    ("case_duplicate_budget.yaml", [":9:", "appears twice", "field 'budget'", "items 0 and 1"]),
    ("case_long_line.yaml", [":1:", "text too long", "field 'name'", "100,000"]),
    ("case_reference_9999.yaml", [":2:", "field 'reference_date'", "9999-12-31", "1900-01-01"]),
    ("case_reference_unix.yaml", [":2:", "field 'reference_date'", "1768435200"]),
    ("case_reference_year1.yaml", [":2:", "field 'reference_date'", "0001-01-01"]),
    ("case_utf16_no_bom.yaml", ["case_utf16_no_bom.yaml", "UTF-16 without a byte-order mark"]),
    ("case_years_bool.yaml", [":3:", "field 'years.0'", "found True"]),
    ("case_years_decreasing.yaml", [":3:", "increasing", "field 'years'"]),
    (
        "officials_birth_9999.csv",
        ["row 2", "column 'birth_date'", "9999-12-31", "1900-01-01 to 2200-12-31"],
    ),
    ("officials_huge_header.csv", ["row 1", "cell too long", "100,000"]),
    ("officials_latin1_row4.csv", ["row 4", "not UTF-8"]),
    # a quoted name over two lines: the bad cell is record 3 although it is on line 4
    ("officials_multiline_then_bad.csv", ["row 3", "column 'gender'", "robot"]),
    # a NUL inside a value (a trailing one is dropped with a warning: test_hostile_warnings.py)
    ("officials_nul.csv", ["row 2", "column 'unit'", "control character", "U+0000"]),
    ("officials_semicolon_bad_gender.csv", ["row 3", "column 'gender'", "robot"]),
    ("plan_deep.json", ["plan_deep.json", "nested too deeply"]),
    ("plan_latin1.json", ["plan_latin1.json:1, column '27'", "not UTF-8"]),
    ("plan_nan.json", ["plan_nan.json", "NaN", "finite"]),
    ("plan_wrong_types.json", ["field 'assignments.0'", "an object"]),
    ("plan_years_huge.json", ["field 'years'", "1900 to 2200"]),
    ("scenario_inf_scale.yaml", [":2:", "field 'budget.0.scale'", "finite"]),
    (
        "scenario_negative_parameter.yaml",
        [":2:", "annual_min_periods", "-40", "field 'parameters'"],
    ),
    ("scenario_years_huge.yaml", [":2:", "field 'years.1'", "999999999", "2200"]),
]


@pytest.mark.parametrize(("name", "fragments"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_input_is_a_located_input_error(name: str, fragments: list[str]) -> None:
    with pytest.raises(InputError) as info:
        _hostile_loader(name)(INVALID / "hostile" / name)
    message = str(info.value)
    assert name in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_every_hostile_fixture_is_checked() -> None:
    on_disk = {p.name for p in (INVALID / "hostile").iterdir()}
    assert on_disk == {c[0] for c in HOSTILE}


def test_merge_keys_and_short_dates_load(tmp_path: Path) -> None:
    text = (MINI / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("reference_date: 2026-01-15", "reference_date: 2026-1-5")
    text = text.replace(
        "budget:\n  - {year: 2026, source: ngan_sach_tinh, amount: 50000000}",
        "budget:\n  - &line {year: 2026, source: ngan_sach_tinh, amount: 50000000}\n"
        "  - {<<: *line, source: ngan_sach_xa}",
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_case_config(path)
    assert str(config.reference_date) == "2026-01-05"
    assert [(b.source, b.amount) for b in config.budget] == [
        ("ngan_sach_tinh", 50_000_000),
        ("ngan_sach_xa", 50_000_000),
    ]


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "officials.csv"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for path, reason in [
        (fifo, "FIFO"),
        (loop, "symbolic link loop"),
        (folder, "is a directory"),
        (Path("/dev/zero"), "device"),
        (tmp_path / ("x" * 300 + ".csv"), "too long"),
    ]:
        with pytest.raises(InputError) as info:
            _officials(path)
        assert reason in str(info.value)
        assert path.name in str(info.value)


def test_nfd_unit_names_match_nfc_officials(tmp_path: Path) -> None:
    import unicodedata

    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    (case / "units.csv").write_text(
        unicodedata.normalize("NFD", "unit,difficult_area\nXã A,true\nXã B,false\n"),
        encoding="utf-8",
    )
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text + "units: units.csv\n", encoding="utf-8")
    from planner.io.loading import load_case

    loaded = load_case(case)
    assert {o.unit for o in loaded.officials} >= set(loaded.units)
    assert loaded.units["Xã A"].difficult_area


def test_internal_error_is_one_line_and_a_log_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner import pipeline

    def broken(*_args: object, **_kw: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "load", broken)
    monkeypatch.setenv("PLANNER_LOG_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["validate", str(MINI), "--lang", "en"])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "report" in lines[0] and "RuntimeError: a bug" in lines[0]
    logs = list(tmp_path.glob("planner-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    assert "Traceback" in logs[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["plan", "--years", "2026-999999999"], "1900-2200"),
        (["plan", "--years", "0"], "1900-2200"),
        (["plan", "--seed", "99999999999999999999999"], "--seed"),
        (["plan", "--time-limit", "1e308"], "0.1 to 604800"),
        (["plan", "--time-limit", "nan"], "0.1 to 604800"),
        (["assess", "--on", "0001-01-01"], "1900-01-01"),
        (["whatif", "--budget-scale", "0:1:0.0000001"], "at most 1,000 variants"),
        (["whatif", "--budget-scale", "nan:1:0.1"], "finite"),
    ],
)
def test_options_out_of_range_exit_2_with_the_range(args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(cli, [args[0], str(MINI), *args[1:], "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert fragment in result.output, result.output
    assert "Traceback" not in result.output


def _xlsx(path: Path, edit: Callable[[object], None]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in (MINI / "officials.csv").read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(","))
    edit(book)
    book.save(path)
    return path


def _hide_first(book: object) -> None:
    first = book.active  # type: ignore[attr-defined]
    book.create_sheet("other")  # type: ignore[attr-defined]
    first.sheet_state = "hidden"


def _formula(book: object) -> None:
    book.active["B3"] = "=A1&A2"  # type: ignore[attr-defined]  # openpyxl saves no cached value


def _merge(book: object) -> None:
    book.active.merge_cells("D2:D3")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("edit", "env", "fragments"),
    [
        (_hide_first, {}, ["first sheet is hidden", "'Sheet'"]),
        (_formula, {}, ["formula saved without its value", "row 3", "B3"]),
        (_merge, {}, ["merged cells", "row 2", "D2:D3"]),
        (lambda b: None, {"PLANNER_LIMIT_XLSX_ROWS": "3"}, ["sheet too large", "at most 3 rows"]),
        (lambda b: None, {"PLANNER_LIMIT_XLSX_SHARED_STRINGS": "5"}, ["too many distinct texts"]),
    ],
    ids=["hidden", "formula", "merged", "rows", "shared_strings"],
)
def test_workbook_checked_before_loading(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[object], None],
    env: dict[str, str],
    fragments: list[str],
) -> None:
    path = _xlsx(tmp_path / "officials.xlsx", edit)
    if "PLANNER_LIMIT_XLSX_SHARED_STRINGS" in env:  # openpyxl writes inline strings: add a table
        import zipfile

        with zipfile.ZipFile(path, "a") as book:
            book.writestr(
                "xl/sharedStrings.xml",
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'count="20000000" uniqueCount="20000000"></sst>',
            )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(InputError) as info:
        _officials(path)
    message = str(info.value)
    assert "officials.xlsx" in message
    for fragment in fragments:
        assert fragment in message, message


def test_yaml_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    """10^7 nodes through aliases: refused while composing, before anything is built."""
    import resource
    import time

    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    path = tmp_path / "case.yaml"
    path.write_text(bomb, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(InputError, match="aliases are expanded"):
        load_case_config(path)
    assert time.monotonic() - started < 30  # generous: it takes milliseconds
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB
