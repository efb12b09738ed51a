"""Issue 18, the last fixes as regression cases, one fixture file each in
fixtures/invalid/hostile_warnings/: text that matches only after NFC normalisation or removing a
trailing NUL or stray spaces is matched and warned of once (`validate.text_normalised`, file, row,
column and both spellings), and the warning survives planning over other years or a scenario;
UTF-7 text and a birth date after the reference date are exit-2 errors at their row; the read
deadline (PLANNER_LIMIT_READ_SECONDS) stops CSV and XLSX reading, tested on a clock the test moves
(no timed assertion); a case.yaml that is not YAML keys, or names a missing table, is reported at
its line with the field."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.analysis.scenario import Scenario, apply_scenario
from planner.cli import cli
from planner.errors import InputError
from planner.io import boundary, xlsx_guard
from planner.io.loading import load_case

FIXTURES = Path(__file__).parent / "fixtures" / "invalid" / "hostile_warnings"
MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


def _case(tmp_path: Path, **files: str) -> Path:
    """The mini case with fixture files put in place (`units=` also names units.csv in
    case.yaml): e.g. `_case(tmp, officials="officials_utf7.csv")`."""
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    for role, fixture in files.items():
        shutil.copy(FIXTURES / fixture, case / f"{role}.csv")
    if "units" in files:
        text = (case / "case.yaml").read_text(encoding="utf-8")
        (case / "case.yaml").write_text(text + "units: units.csv\n", encoding="utf-8")
    return case


def _validate(case: Path, lang: str = "en") -> tuple[int, str]:
    """`planner validate` in a subprocess (so the log handler writes to this run's stderr):
    exit code and stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(case), "--lang", lang],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return proc.returncode, proc.stderr


# (fixture, its role in the case, the file, row and column the warning names, both spellings)
WARNED = [
    ("units_nfd.csv", "units", "units.csv, row 2, column 'unit'", "Xa\\u0303 A", "Xã A"),
    ("units_trailing_nul.csv", "units", "units.csv, row 2, column 'unit'", "\\u0000", "Xã A"),
    ("units_spaces.csv", "units", "units.csv, row 3, column 'unit'", " Xã B  ", "Xã B"),
    (
        "officials_unit_nfd.csv",
        "officials",
        "officials.csv, row 2, column 'unit'",
        "\\u0303",
        "Xã A",
    ),
]


@pytest.mark.parametrize(("fixture", "role", "where", "found", "read"), WARNED)
def test_text_matched_after_normalising_is_warned_of_once(
    tmp_path: Path, fixture: str, role: str, where: str, found: str, read: str
) -> None:
    case = _case(tmp_path, **{role: fixture})
    if role == "officials":  # NFC units the officials' NFD unit must match
        (case / "units.csv").write_text("unit,distance_band\nXã A,far\nXã B,near\n", "utf-8")
        with (case / "case.yaml").open("a", encoding="utf-8") as handle:
            handle.write("units: units.csv\n")
    code, err = _validate(case)
    assert code == 0, err
    lines = [line for line in err.splitlines() if where in line]
    assert len(lines) == 1, err  # once: not also as a log record
    assert lines[0].startswith("Warning: ")
    assert found in lines[0]  # as written, invisible characters shown as escapes
    assert f"is read as '{read}'" in lines[0]
    assert "normalisation" in lines[0]
    loaded = load_case(case, log_notes=False)
    assert {o.unit for o in loaded.officials} <= set(loaded.units)  # every unit matched


def test_the_warning_is_in_vietnamese_by_default_and_shown_by_other_commands(
    tmp_path: Path,
) -> None:
    case = _case(tmp_path, units="units_nfd.csv")
    code, err = _validate(case, "vi")
    assert code == 0
    assert sum("units.csv, dòng 2, cột 'unit'" in line for line in err.splitlines()) == 1
    assert "Cảnh báo: " in err and "chuẩn hóa Unicode" in err
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "assess", str(case), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    shown = [line for line in proc.stderr.splitlines() if "units.csv, row 2" in line]
    assert len(shown) == 1 and shown[0].startswith("Warning: ")  # worded, not a raw log line


def test_notes_survive_other_years_and_a_scenario(tmp_path: Path) -> None:
    case = _case(tmp_path, units="units_nfd.csv")
    loaded = load_case(case, log_notes=False)
    assert len(loaded.notes) == 1 and loaded.notes[0].path.name == "units.csv"
    assert pipeline.with_years(loaded, [2026, 2027]).notes == loaded.notes
    assert pipeline.load(case, [2026, 2027], log_notes=False).notes == loaded.notes
    varied = apply_scenario(loaded, Scenario(name="x", years=[2026, 2027]))
    assert varied.config.years == [2026, 2027] and varied.notes == loaded.notes
    assert varied.units == loaded.units


@pytest.mark.parametrize(
    ("fixture", "fragments"),
    [
        ("officials_utf7.csv", ["officials.csv: row 2", "looks like UTF-7", "'+HsU-", "UTF-8"]),
        (
            "officials_birth_after_reference.csv",
            [
                "officials.csv: row 2, column 'birth_date'",
                "birth date after the reference date",
                "'2026-06-01'",
                "2026-01-15",
            ],
        ),
    ],
)
def test_refused_at_their_row(tmp_path: Path, fixture: str, fragments: list[str]) -> None:
    case = _case(tmp_path, officials=fixture)
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def test_every_fixture_is_checked() -> None:
    used = {w[0] for w in WARNED} | {"officials_utf7.csv", "officials_birth_after_reference.csv"}
    assert {p.name for p in FIXTURES.iterdir()} == used


# --- the read deadline: a clock the test moves, so nothing depends on this machine's speed ---


@pytest.fixture
def moving_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """boundary's clock, advanced 10 s at each look (so the first look between two chunks or
    rows is past a deadline); PLANNER_LIMIT_READ_SECONDS=1."""
    now = [0.0]

    def tick() -> float:
        now[0] += 10.0
        return now[0]

    monkeypatch.setattr(boundary, "_now", tick)
    monkeypatch.setenv("PLANNER_LIMIT_READ_SECONDS", "1")
    yield now


def test_csv_read_stops_at_the_deadline_between_chunks(
    tmp_path: Path, moving_clock: list[float]
) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    with (case / "officials.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n" * (3 << 20))  # 3 MiB: three chunks, the deadline looked at after each
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "officials.csv: reading the file takes too long" in result.output
    size = (case / "officials.csv").stat().st_size
    assert f"'1,048,576 of {size:,} bytes in 1 s'" in result.output  # after the first chunk
    assert "PLANNER_LIMIT_READ_SECONDS" in result.output


def test_a_file_of_one_chunk_is_read_whatever_the_clock(
    tmp_path: Path, moving_clock: list[float]
) -> None:
    """The deadline is looked at between chunks: a file read in one chunk is never stopped
    (it is read by then); `deadline=` overrides the limit for one call."""
    path = tmp_path / "small.csv"
    path.write_bytes(b"a,b\n" * 1000)
    assert boundary.read_bytes(path, 1 << 20) == b"a,b\n" * 1000
    path.write_bytes(b"x" * (2 << 20))
    with pytest.raises(InputError, match="takes too long"):
        boundary.read_bytes(path, 4 << 20)
    assert len(boundary.read_bytes(path, 4 << 20, deadline=1e9)) == 2 << 20


def _workbook(path: Path, rows: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    header, *lines = (MINI / "officials.csv").read_text(encoding="utf-8").splitlines()
    sheet.append(header.split(","))
    for i in range(rows):
        cells = lines[i % len(lines)].split(",")
        sheet.append(cells if i < len(lines) else [f"X{i}", *cells[1:]])  # history's ids kept
    book.save(path)
    return path


def test_xlsx_check_stops_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moving_clock: list[float]
) -> None:
    monkeypatch.setattr(xlsx_guard, "ROWS_PER_CHECK", 5)
    path = _workbook(tmp_path / "officials.xlsx", 20)
    with pytest.raises(InputError) as info:
        xlsx_guard.check_workbook(path)
    message = str(info.value)
    assert "officials.xlsx" in message and "takes too long" in message
    assert "row 5 of the check in 1 s" in message


def test_xlsx_rows_stop_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moving_clock: list[float]
) -> None:
    """The streamed rows (openpyxl reads the zip itself, past the byte reader) look at the
    deadline too: the check before them is left out here so the rows are what stops."""
    monkeypatch.setattr(xlsx_guard, "ROWS_PER_CHECK", 5)
    monkeypatch.setattr(xlsx_guard, "check_workbook", lambda path, deadline=None: ("Sheet", []))
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    _workbook(case / "officials.xlsx", 20)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("officials.csv", "officials.xlsx"), "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "officials.xlsx: reading the file takes too long" in result.output
    assert "row 5 in 1 s" in result.output


def test_without_the_deadline_the_workbook_loads(tmp_path: Path) -> None:
    """The same workbook, the real clock and the default limit: it loads (the checks above
    are the deadline's, not a broken workbook's)."""
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    _workbook(case / "officials.xlsx", 20)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("officials.csv", "officials.xlsx"), "utf-8")
    assert len(load_case(case, log_notes=False).officials) == 20


# --- case.yaml at its line ---------------------------------------------------------------


def test_a_case_yaml_that_is_not_yaml_keys_is_reported_at_its_line(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    other = tmp_path / "passwd"
    other.write_text(
        "\n".join(f"user{i}:x:{i}:{i}::/home/user{i}:/bin/sh" for i in range(200)), "utf-8"
    )
    (case / "case.yaml").unlink()
    (case / "case.yaml").symlink_to(other)
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2
    assert "case.yaml:1: the file is not a mapping of keys" in result.output
    assert "field '(top level)'" in result.output and "required" not in result.output
    assert "with the keys name, reference_date, years" in result.output
    assert "user1:x:1" in result.output and "user199" not in result.output  # an excerpt only
    assert len(result.output) < 600
    vi = CliRunner().invoke(cli, ["validate", str(case)])
    assert "case.yaml:1: tệp không phải là danh sách khóa: giá trị" in vi.output
    assert "«toàn bộ tệp»" in vi.output


def test_a_missing_table_is_reported_at_the_line_of_its_key(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("history.csv", "histry.csv"), "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2
    assert "case.yaml:6: table file not found; field 'history'" in result.output
    assert "histry.csv" in result.output
    os.mkfifo(case / "histry.csv")
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 2
    assert "case.yaml:6: không phải tệp thường (một FIFO / ống có tên)" in result.output


def test_a_bare_cr_in_a_csv_cell_is_refused_at_its_row(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    text = (case / "officials.csv").read_text(encoding="utf-8")
    (case / "officials.csv").write_text(text.replace("Trần Thị Bình", "Trần Thị\rBình"), "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(case), "--lang", "en"])
    assert result.exit_code == 2
    assert "officials.csv: row 3: a line break (CR) inside a cell that is not in quotes" in (
        result.output
    )


def test_a_too_long_xlsx_cell_is_refused_at_its_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    from planner.io.bundled import bundled_dir
    from planner.io.loading import load_officials, load_rules

    rules = load_rules(bundled_dir("rules"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    header, first, *_ = (MINI / "officials.csv").read_text(encoding="utf-8").splitlines()
    sheet.append(header.split(","))
    cells = first.split(",")
    cells[1] = "x" * 200  # full_name, column B
    sheet.append(cells)
    book.save(tmp_path / "officials.xlsx")
    monkeypatch.setenv("PLANNER_LIMIT_CELL_CHARS", "100")
    with pytest.raises(InputError) as info:
        load_officials(tmp_path / "officials.xlsx", set(rules.positions), set(rules.leader_groups))
    message = str(info.value)
    assert "officials.xlsx: row 2, column 'B': cell too long" in message
    assert "at most 100 characters (PLANNER_LIMIT_CELL_CHARS)" in message


def test_columns_are_counted_cell_by_cell_not_only_from_the_dimension(tmp_path: Path) -> None:
    """A sheet whose <dimension> says A1:M4 but holds a cell in column ZZ (702): refused at
    that cell, before openpyxl makes every row 702 cells wide."""
    import zipfile

    source = _workbook(tmp_path / "source.xlsx", 3)
    target = tmp_path / "officials.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b'r="M4"', b'r="ZZ4"', 1)
            new.writestr(name, data)
    with pytest.raises(InputError) as info:
        xlsx_guard.check_workbook(target)
    message = str(info.value)
    assert "officials.xlsx: row 4, column 'ZZ4': sheet has too many columns" in message
    assert "at most 500 (PLANNER_LIMIT_XLSX_COLUMNS)" in message
