"""Audit of issue 18: every concrete example the issue names, run through the CLI as a user
would, with the result the issue asks for checked — exit 2 with the file, the row or line, the
field and what was found (or a named warning where the issue says a value is implausible rather
than invalid, or a clean load where the input is valid) — and written as a Markdown table.

    python benchmarks/hostile_audit.py [--out benchmarks/results/RESULTS_hostile_audit.md]

`benchmarks/hostile_inputs.py` runs the generated families (and, with `--family audit`, these).
Each run is a subprocess with a 2 GiB address-space cap and a timeout, in a copy of the mini case.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MINI = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cases" / "mini"
CASE_YAML = (MINI / "case.yaml").read_text(encoding="utf-8")
OFFICIALS = (MINI / "officials.csv").read_text(encoding="utf-8")
HISTORY = (MINI / "history.csv").read_text(encoding="utf-8")
CATALOG = (MINI / "catalog.yaml").read_text(encoding="utf-8")

Setup = Callable[[Path], None]
# (exit code, stderr, stdout, case folder) → what is wrong ("" when the result is right)
Check = Callable[[int, str, str, Path], str]


@dataclass
class Case:
    issue: str  # the issue's bullet / example
    name: str
    argv: list[str]  # after `planner`; "{case}" is the case folder (else it is put first)
    setup: Setup
    check: Check
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0


def error(*fragments: str) -> Check:
    """Exit 2, no traceback, and every fragment (file, location, field…) in the message."""

    def check(code: int, err: str, out: str, case: Path) -> str:
        if "Traceback" in err:
            return "traceback on the terminal"
        if code != 2:
            return f"exit {code}, expected 2"
        missing = [f for f in fragments if f not in err]
        return f"message lacks {missing}" if missing else ""

    return check


def warning(*fragments: str) -> Check:
    """Exit 0 (the input loads) with a warning line holding every fragment."""

    def check(code: int, err: str, out: str, case: Path) -> str:
        if code != 0:
            return f"exit {code}, expected 0 with a warning"
        lines = [line for line in err.splitlines() if "arning" in line]
        if not any(all(f in line for f in fragments) for line in lines):
            return f"no warning with {list(fragments)}"
        return ""

    return check


def loads(code: int, err: str, out: str, case: Path) -> str:
    return "" if code == 0 else f"exit {code}, expected 0 (a valid input)"


# --- building the inputs -------------------------------------------------------------------


def _text(name: str, body: str) -> Setup:
    return lambda case: (case / name).write_text(body, encoding="utf-8")


def _bytes(name: str, data: bytes) -> Setup:
    return lambda case: (case / name).write_bytes(data)


def _case(*pairs: tuple[str, str], extra: str = "") -> Setup:
    body = CASE_YAML
    for old, new in pairs:
        assert old in body, old
        body = body.replace(old, new)
    return _text("case.yaml", body + extra)


def _all(*setups: Setup) -> Setup:
    def setup(case: Path) -> None:
        for one in setups:
            one(case)

    return setup


def _table(text: str, edits: dict[tuple[int, str], str]) -> str:
    """`text` (a CSV) with the cells at (record index, column) replaced, written by csv (a
    cell holding a CR quoted: Python's csv leaves a lone CR unquoted with a "\\n" line end)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    for (index, column), value in edits.items():
        rows[index][column] = value
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if any("\r" in v for v in edits.values()) else csv.QUOTE_MINIMAL
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n", quoting=quoting)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _semicolons(text: str) -> str:
    """`text` as Excel in a Vietnamese locale saves it: `;` between cells, quotes as needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return buffer.getvalue()


def _officials(edits: dict[tuple[int, str], str]) -> Setup:
    return _text("officials.csv", _table(OFFICIALS, edits))


def _many_officials(count: int) -> str:
    """The mini officials repeated with new ids, so a bad byte can sit in row 40 or 100."""
    header, *rows = OFFICIALS.splitlines()
    out = [header]
    for i in range(count):
        if i < len(rows):  # the first officials keep their ids (the history names them)
            out.append(rows[i])
            continue
        base = rows[i % len(rows)].split(",", 1)[1]
        out.append(f"X{i},{base}")
    return "\n".join(out) + "\n"


def _units(text: str) -> Setup:
    return _all(
        _case(("history: history.csv", "history: history.csv\nunits: units.csv")),
        lambda case: (case / "units.csv").write_bytes(text.encode("utf-8")),
    )


UNITS = "unit,distance_band\nXã A,far\nXã B,near\n"


def _fifo(name: str) -> Setup:
    def setup(case: Path) -> None:
        (case / name).unlink(missing_ok=True)
        os.mkfifo(case / name)

    return setup


def _link(name: str, target: str) -> Setup:
    def setup(case: Path) -> None:
        (case / name).unlink(missing_ok=True)
        (case / name).symlink_to(target)

    return setup


def _xlsx(
    mutate: Callable[[dict[str, bytes]], None], build: Callable[..., None] | None = None
) -> Setup:
    """officials.xlsx from the mini officials, its zip parts changed by `mutate`."""

    def setup(case: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for line in OFFICIALS.splitlines():
            sheet.append(line.split(","))
        if build is not None:
            build(book)
        raw = case / "raw.xlsx"
        book.save(raw)
        with zipfile.ZipFile(raw) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        raw.unlink()
        mutate(parts)
        with zipfile.ZipFile(case / "officials.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        body = (case / "case.yaml").read_text(encoding="utf-8")
        (case / "case.yaml").write_text(body.replace("officials.csv", "officials.xlsx"), "utf-8")

    return setup


SHEET = "xl/worksheets/sheet1.xml"


def _hidden_first(book: object) -> None:
    import openpyxl

    assert isinstance(book, openpyxl.Workbook)
    first = book.active
    assert first is not None
    first.title = "old"
    first.sheet_state = "hidden"
    fresh = book.create_sheet("officials")
    for line in OFFICIALS.splitlines():
        fresh.append(line.split(","))


def _formula(book: object) -> None:
    import openpyxl

    assert isinstance(book, openpyxl.Workbook)
    sheet = book.active
    assert sheet is not None
    sheet["F2"] = '=IF(1,"male","female")'  # openpyxl writes no cached value


def _merged_header(book: object) -> None:
    import openpyxl

    assert isinstance(book, openpyxl.Workbook)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("D1:D3")  # the unit header merged over the first two officials' units


def _shared_strings(count: int) -> Callable[[dict[str, bytes]], None]:
    def mutate(parts: dict[str, bytes]) -> None:
        body = b"<si><t>a</t></si>" * count
        parts["xl/sharedStrings.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org'
            b'/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (count, count)
            + body
            + b"</sst>"
        )

    return mutate


def _blank_rows(count: int) -> Callable[[dict[str, bytes]], None]:
    rows = b"".join(b'<row r="%d"/>' % i for i in range(5, count + 5))
    return lambda p: p.__setitem__(SHEET, p[SHEET].replace(b"</sheetData>", rows + b"</sheetData>"))


def _csv_output(check_rows: Callable[[list[list[str]]], str]) -> Check:
    """assess --format csv -o out.csv ran (exit 0) and its records pass `check_rows`."""

    def check(code: int, err: str, out: str, case: Path) -> str:
        if code != 0:
            return f"exit {code}: {err.strip()[-160:]}"
        path = case / "out.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        return check_rows(rows)

    return check


FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)"]


def _no_formula(rows: list[list[str]]) -> str:
    bad = [c for r in rows for c in r if c[:1] in ("=", "+", "@") and not c[:1].isdigit()]
    return f"cells start with a formula sign: {bad[:3]}" if bad else ""


def _cr_kept(rows: list[list[str]]) -> str:
    """The name with a CR in it is one cell of one record (not split over two)."""
    names = [c for r in rows for c in r if "Bình" in c]
    if not names:
        return "the name is not in the output"
    if not any("Trần Thị" in c for c in names):
        return "record split: 'Trần Thị' and 'Bình' are in different cells"
    return ""


def _write_plan(data: bytes) -> Setup:
    return _bytes("plan.json", data)


CHECK = ["check", "{case}", "{case}/plan.json"]
WHATIF = ["whatif", "{case}", "--scenario", "{case}/s.yaml", "--time-limit", "1"]


def cases() -> Iterator[Case]:  # noqa: PLR0915 - one list of examples, in the issue's order
    b = "202 internal errors"
    yield Case(
        b,
        "YAML control character",
        ["validate"],
        _case(("Mini commune", "Mini\x01x")),
        error("case.yaml:1", "column '11'", "U+0001"),
    )
    yield Case(
        b,
        "check: plan not UTF-8",
        CHECK,
        _write_plan(b'{"assignments": [], "x": "\xe9"}'),
        error("plan.json:1", "column", "not UTF-8"),
    )
    yield Case(
        b,
        "check: wrong JSON types",
        CHECK,
        _write_plan(b'{"assignments": [{"official": 1, "session": [], "year": "x"}]}'),
        error("plan.json", "field 'assignments.0"),
    )
    yield Case(
        b,
        "check: assignments not a list",
        CHECK,
        _write_plan(b'{"assignments": {}}'),
        error("plan.json", "field 'assignments'"),
    )
    for value in (".inf", "1e300", ".nan"):
        yield Case(
            b,
            f"scenario budget scale {value}",
            WHATIF,
            _text("s.yaml", f"name: x\nbudget: [{{scale: {value}}}]\n"),
            error("s.yaml:2", "field 'budget.0.scale'"),
        )
    yield Case(
        b,
        "--budget-scale inf:inf:1",
        ["whatif", "--budget-scale", "inf:inf:1"],
        lambda c: None,
        error("--budget-scale", "inf"),
    )
    yield Case(
        b,
        "YAML deep nesting",
        ["validate"],
        _case(extra="x: " + "[" * 5000 + "]" * 5000 + "\n"),
        error("case.yaml:11", "nesting too deep"),
    )
    yield Case(
        b,
        "YAML complex key",
        ["validate"],
        _case(extra="? [a, b]\n: 1\n"),
        error("case.yaml:11", "key"),
    )
    yield Case(
        b,
        "--years 2026-999999999",
        ["plan", "--years", "2026-999999999"],
        lambda c: None,
        error("--years", "999999999", "2200"),
    )
    yield Case(
        b,
        "--seed 99999999999999999999999",
        ["plan", "--seed", "99999999999999999999999"],
        lambda c: None,
        error("--seed", "99999999999999999999999"),
    )
    yield Case(
        b,
        "--time-limit 1e308",
        ["plan", "--time-limit", "1e308"],
        lambda c: None,
        error("--time-limit", "1e308"),
    )
    for date in ("0001-01-01", "9999-12-31"):
        yield Case(
            b,
            f"reference date {date}",
            ["validate"],
            _case(("2026-01-15", date)),
            error("case.yaml:2", "field 'reference_date'", date),
        )
    yield Case(
        b,
        "officials is a directory",
        ["validate"],
        lambda c: ((c / "officials.csv").unlink(), (c / "officials.csv").mkdir()),
        error("case.yaml:5", "officials.csv", "directory", "'officials'"),
    )
    yield Case(
        b,
        "officials is a symlink loop",
        ["validate"],
        _link("officials.csv", "officials.csv"),
        error("case.yaml:5", "officials.csv", "loop", "'officials'"),
    )
    yield Case(
        b,
        "too-long file name",
        ["validate"],
        _case(("officials: officials.csv", "officials: " + "o" * 300 + ".csv")),
        error("case.yaml:5", "too long", "'officials'"),
    )
    for target in ("/proc/x.csv", "/sys/x.csv"):
        yield Case(
            b,
            f"-o {target}",
            ["assess", "--format", "csv", "-o", target],
            lambda c: None,
            error(target.rsplit("/", 1)[0], "cannot write"),
        )
    header = OFFICIALS.splitlines()[0]
    yield Case(
        b,
        "1 MB header cell",
        ["validate"],
        _bytes("officials.csv", (header + ",x" + "y" * 1_000_000 + "\n").encode()),
        error("officials.csv", "row 1", "cell too long"),
    )
    yield Case(
        b,
        "corrupted XLSX XML",
        ["validate"],
        _xlsx(lambda p: p.__setitem__(SHEET, p[SHEET][: len(p[SHEET]) // 2])),
        error("officials.xlsx", "workbook"),
    )
    yield Case(
        b,
        "XLSX bad cell ref",
        ["validate"],
        _xlsx(lambda p: p.__setitem__(SHEET, p[SHEET].replace(b'r="A1"', b'r="ZZZZZZ1"'))),
        error("officials.xlsx"),
    )

    h = "13 hangs"
    # a table named by case.yaml: the error is at the line of its key
    for name, where in (("officials.csv", "case.yaml:5"), ("history.csv", "case.yaml:6")):
        yield Case(
            h, f"FIFO as {name}", ["validate"], _fifo(name), error(where, name, "FIFO"), timeout=15
        )
    yield Case(
        h,
        "FIFO as case.yaml",
        ["validate"],
        _fifo("case.yaml"),
        error("case.yaml", "FIFO"),
        timeout=15,
    )
    yield Case(
        h,
        "FIFO as units",
        ["validate"],
        _all(_units(UNITS), _fifo("units.csv")),
        error("case.yaml:7", "units.csv", "FIFO"),
        timeout=15,
    )
    yield Case(
        h, "FIFO as plan (check)", CHECK, _fifo("plan.json"), error("plan.json", "FIFO"), timeout=15
    )
    yield Case(
        h,
        "/dev/zero as officials",
        ["validate"],
        _link("officials.csv", "/dev/zero"),
        error("case.yaml:5", "officials.csv", "device"),
        timeout=15,
    )
    yield Case(
        h,
        "XLSX 20 M shared strings",
        ["validate"],
        _xlsx(_shared_strings(20_000_000)),
        error("officials.xlsx"),
        timeout=60,
    )
    yield Case(
        h, "XLSX 300 k blank rows", ["validate"], _xlsx(_blank_rows(300_000)), loads, timeout=60
    )
    # the allowed range in the message: STOP at most 1000, or at most 1,000 variants
    for spec, allowed in (("0:1000000:0.001", "1000"), ("0:1:0.0000001", "1,000 variants")):
        yield Case(
            h,
            f"--budget-scale {spec}",
            ["whatif", "--budget-scale", spec],
            lambda c: None,
            error("--budget-scale", spec, allowed),
            timeout=15,
        )

    m = "66 messages without place"
    yield Case(
        m,
        "years must be increasing",
        ["validate"],
        _case(("years: [2026]", "years: [2027, 2026]")),
        error("case.yaml:3", "field 'years'", "increasing"),
    )
    yield Case(
        m,
        "YAML tag error",
        ["validate"],
        _case(("Mini commune", "!foo bar")),
        error("case.yaml:1", "field 'name'", "tag"),
    )
    yield Case(
        m,
        "officials: officia (missing)",
        ["validate"],
        _case(("officials: officials.csv", "officials: officia")),
        error("case.yaml:5", "not found", "field 'officials'", "officia"),
    )

    f = "CSV formulas"
    yield Case(
        f,
        "names =HYPERLINK, +cmd, @SUM in assess csv",
        ["assess", "--format", "csv", "-o", "{case}/out.csv", "--details"],
        _officials({(i, "full_name"): v for i, v in enumerate(FORMULAS)}),
        _csv_output(_no_formula),
    )

    s = "silent or wrong readings"
    nfd = unicodedata.normalize("NFD", UNITS)
    yield Case(
        s,
        "NFD unit names in units.csv",
        ["validate"],
        _units(nfd),
        warning("units.csv", "row 2", "unit", "Xa\\u0303 A", "Xã A"),
    )
    yield Case(
        s,
        "trailing NUL in a unit name",
        ["validate"],
        _units(UNITS.replace("Xã A,", "Xã A\x00,")),
        warning("units.csv", "row 2", "unit", "\\u0000", "Xã A"),
    )
    yield Case(
        s,
        "stray spaces in a unit name",
        ["validate"],
        _units(UNITS.replace("Xã B,", " Xã B  ,")),
        warning("units.csv", "row 3", "unit"),
    )
    yield Case(
        s,
        "NFD unit in officials vs NFC units.csv",
        ["validate"],
        _all(_units(UNITS), _officials({(0, "unit"): unicodedata.normalize("NFD", "Xã A")})),
        warning("officials.csv", "row 2", "unit"),
    )
    yield Case(
        s,
        "CR inside a CSV value (assess csv)",
        ["assess", "--format", "csv", "-o", "{case}/out.csv", "--details"],
        _officials({(1, "full_name"): "Trần Thị\rBình"}),
        _csv_output(_cr_kept),
    )
    yield Case(
        s,
        "CR in an unquoted CSV value (input)",
        ["validate"],
        _text("officials.csv", OFFICIALS.replace("Trần Thị Bình", "Trần Thị\rBình")),
        error("officials.csv", "row 3", "line break"),
    )
    for date in ("9999-12-31", "0001-01-01"):
        yield Case(
            s,
            f"birth date {date}",
            ["validate"],
            _officials({(0, "birth_date"): date}),
            error("officials.csv", "row 2", "birth_date", date),
        )
    yield Case(
        s,
        "birth date after the reference date",
        ["validate"],
        _officials({(0, "birth_date"): "2026-06-01"}),
        error("officials.csv", "row 2", "birth_date", "2026-06-01"),
    )
    yield Case(
        s,
        "completed_on 9999-12-31",
        ["validate"],
        _text("history.csv", HISTORY.replace("2025-08-10", "9999-12-31", 1)),
        error("history.csv", "row 2", "completed_on", "9999-12-31"),
    )
    yield Case(
        s,
        "reference_date: 1768435200",
        ["validate"],
        _case(("2026-01-15", "1768435200")),
        error("case.yaml:2", "field 'reference_date'", "1768435200"),
    )
    yield Case(
        s,
        "years: [true]",
        ["validate"],
        _case(("years: [2026]", "years: [true]")),
        error("case.yaml:3", "field 'years.0'", "True"),
    )
    yield Case(
        s,
        "amount: true",
        ["validate"],
        _case(("amount: 50000000", "amount: true")),
        error("case.yaml:10", "field 'budget.0.amount'", "True"),
    )
    yield Case(
        s,
        "annual_min_periods: -40",
        WHATIF,
        _text("s.yaml", "name: x\nparameters: {annual_min_periods: -40}\n"),
        error("s.yaml:2", "annual_min_periods", "-40"),
    )
    yield Case(
        s,
        "budget line outside the horizon",
        ["validate"],
        _case(extra="  - {year: 2099, source: ngan_sach_xa, amount: 1}\n"),
        error("case.yaml:11", "field 'budget.1.year'", "2099"),
    )
    yield Case(
        s,
        "XLSX hidden first sheet",
        ["validate"],
        _xlsx(lambda p: None, _hidden_first),
        error("officials.xlsx", "hidden"),
    )
    yield Case(
        s,
        "XLSX formula without cached value",
        ["validate"],
        _xlsx(lambda p: None, _formula),
        error("officials.xlsx", "F2", "formula"),
    )
    yield Case(
        s,
        "XLSX cells under a merged header",
        ["validate"],
        _xlsx(lambda p: None, _merged_header),
        error("officials.xlsx", "D1:D3", "merged"),
    )

    w = "wrong place"
    many = _many_officials(120)
    for row in (40, 100, 5):
        lines = many.splitlines(keepends=True)
        lines[row - 1] = lines[row - 1].replace("Xã", "X\udcff", 1)  # every row has a unit
        data = "".join(lines).encode("utf-8", "surrogateescape")
        yield Case(
            w,
            f"bad byte in row {row}",
            ["validate"],
            _bytes("officials.csv", data),
            error("officials.csv", f"row {row}", "not UTF-8"),
        )
    multi = _table(OFFICIALS, {(0, "full_name"): "Nguyễn\nVăn An", (1, "gender"): "robot"})
    yield Case(
        w,
        "multi-line cell, then a bad cell",
        ["validate"],
        _text("officials.csv", multi),
        error("officials.csv", "row 3", "gender", "robot"),
    )
    yield Case(
        w,
        "budget appears twice",
        ["validate"],
        _case(extra="  - {year: 2026, source: ngan_sach_tinh, amount: 1}\n"),
        error("case.yaml:9", "field 'budget'", "twice"),
    )
    yield Case(
        w,
        "distance_band: xyz",
        ["validate"],
        _units("unit,distance_band\nXã A,xyz\n"),
        error("units.csv", "row 2", "distance_band", "xyz"),
    )
    yield Case(
        w,
        "case.yaml linked to /etc/passwd",
        ["validate"],
        _link("case.yaml", "/etc/passwd"),
        _short_error("case.yaml"),
    )
    yield Case(
        w,
        "scenario linked to /etc/passwd",
        WHATIF,
        _link("s.yaml", "/etc/passwd"),
        _short_error("s.yaml"),
    )

    k = "bombs"
    bomb = "".join(
        f"x{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    # the in-service age condition of the mini catalog replaced by a 10^8-node alias bomb
    start = CATALOG.index("              any:\n")
    end = CATALOG.index("    duration_days: 120")
    bombed = (
        "xa: &a [{field: age, at_least: 1}, {field: age, at_least: 1}]\n"
        + bomb
        + CATALOG[:start]
        + "              all: *i\n"
        + CATALOG[end:]
    )
    yield Case(
        k,
        "alias bomb in a catalog when:",
        ["validate"],
        _text("catalog.yaml", bombed),
        error("catalog.yaml", "alias"),
        timeout=60,
    )

    a = "11 wrongly accepted"
    yield Case(
        a,
        "case.yaml in cp1258",
        ["validate"],
        _bytes(
            "case.yaml",
            unicodedata.normalize("NFD", CASE_YAML.replace("Mini commune", "Xã Đinh")).encode(
                "cp1258"
            ),
        ),
        error("case.yaml:1", "column", "not UTF-8"),
    )
    yield Case(
        a,
        "C1 control in case.yaml",
        ["validate"],
        _case(("Mini commune", "Mini\x85x")),
        error("case.yaml:1", "column '11'", "U+0085"),
    )
    yield Case(
        a,
        "10 MB line",
        ["validate"],
        _case(("Mini commune", "x" * 10_000_000)),
        error("case.yaml:1", "field 'name'", "too long"),
    )
    yield Case(
        a,
        "UTF-7 officials.csv",
        ["validate"],
        _bytes("officials.csv", OFFICIALS.encode("utf-7")),
        _not_mojibake("officials.csv"),
    )
    yield Case(
        a,
        "Shift-JIS officials.csv",
        ["validate"],
        _bytes(
            "officials.csv",
            OFFICIALS.replace("Nguyễn Văn An", "山田太郎")
            .encode("utf-8")
            .replace("山田太郎".encode(), "山田太郎".encode("shift_jis")),
        ),
        error("officials.csv", "row 2", "not UTF-8"),
    )
    yield Case(
        a,
        "!!binary tag on a name",
        ["validate"],
        _case(("Mini commune", "!!binary aGVsbG8=")),
        error("case.yaml:1", "field 'name'", "binary"),
    )
    yield Case(
        a,
        "odd tag !foo on a name",
        ["validate"],
        _case(("Mini commune", "!foo bar")),
        error("case.yaml:1", "field 'name'", "!foo"),
    )
    yield Case(
        a,
        "!!python/object tag",
        ["validate"],
        _case(("Mini commune", "!!python/object:os.system x")),
        error("case.yaml:1", "field 'name'", "python"),
    )

    r = "7 wrongly rejected"
    yield Case(
        r,
        "YAML merge key <<:",
        ["validate"],
        _case(
            (
                "- {year: 2026, source: ngan_sach_tinh, amount: 50000000}",
                "- &line {year: 2026, source: ngan_sach_tinh, amount: 50000000}\n"
                "  - {<<: *line, source: ngan_sach_xa}",
            )
        ),
        loads,
    )
    yield Case(
        r, "reference_date: 2026-1-5", ["validate"], _case(("2026-01-15", "2026-1-5")), loads
    )
    yield Case(
        r,
        "UTF-16 case.yaml with BOM",
        ["validate"],
        _bytes("case.yaml", CASE_YAML.encode("utf-16")),
        loads,
    )
    yield Case(
        r,
        "officials.csv with ; (Excel vi locale)",
        ["validate"],
        _text("officials.csv", _semicolons(OFFICIALS)),
        loads,
    )


def _short_error(name: str) -> Check:
    """Exit 2 naming `name`, its line and the field, quoting at most a short excerpt (not a
    system file's content)."""

    def check(code: int, err: str, out: str, case: Path) -> str:
        problem = error(f"{name}:1:", "field '")(code, err, out, case)
        if problem:
            return problem
        if "root:x:0:0" in err and len(err) > 600:
            return "prints the linked file's content"
        return "" if len(err) < 1000 else f"message is {len(err)} characters"

    return check


def _not_mojibake(name: str) -> Check:
    """UTF-7 is ASCII: it may load only if no '+…-' escape reaches a name; else exit 2."""

    def check(code: int, err: str, out: str, case: Path) -> str:
        if code == 2 and name in err and "row" in err:
            return ""
        return f"exit {code}: UTF-7 read as if it were UTF-8 ({err.strip()[-120:]})"

    return check


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run(case: Case) -> tuple[int | str, str, str, float, str]:
    """(exit code or 'hang', the message, the command, wall seconds, what is wrong)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(MINI, folder)
        case.setup(folder)
        args = [a.replace("{case}", str(folder)) for a in case.argv]
        if case.argv[1:2] != ["{case}"]:
            args = [args[0], str(folder), *args[1:]]
        shown = "planner " + " ".join(
            a.replace(str(folder), "CASE") if len(a) < 60 else a[:40] + "…" for a in args
        )
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "planner", *args, "--lang", "en"],
                capture_output=True,
                timeout=case.timeout,
                preexec_fn=_limit,
                stdin=subprocess.DEVNULL,
                cwd=tmp,
                env={**os.environ, **case.env},
            )
        except subprocess.TimeoutExpired:
            return "hang", "", shown, time.monotonic() - started, "killed at the timeout"
        wall = time.monotonic() - started
        err = proc.stderr.decode("utf-8", "replace")
        out = proc.stdout.decode("utf-8", "replace")
        problem = case.check(proc.returncode, err, out, folder)
        message = " | ".join(line.strip() for line in err.strip().splitlines()[-2:])
        message = message.replace(str(folder), "CASE").replace(tmp, "TMP")
        return proc.returncode, message, shown, wall, problem


def _cell(text: str, width: int = 220) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("-k", help="only cases whose name holds this text")
    ns = parser.parse_args()
    rows: list[str] = []
    right = 0
    total = 0
    for case in cases():
        if ns.k and ns.k.lower() not in case.name.lower():
            continue
        code, message, shown, wall, problem = run(case)
        total += 1
        right += not problem
        verdict = "right" if not problem else f"**WRONG**: {problem}"
        print(
            f"{'ok ' if not problem else 'BAD'} {code!s:>4} {wall:5.1f}s {case.name}: "
            f"{problem or message[:150]}",
            flush=True,
        )
        rows.append(
            f"| {case.issue} | {_cell(case.name)} | `{_cell(shown, 90)}` | {code} | "
            f"{wall:.1f} | {_cell(message)} | {verdict} |"
        )
    print(f"{right} of {total} examples give the result the issue asks for")
    if ns.out:
        head = [
            "| issue bullet | example | command | exit | s | message (last lines, en) | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        ns.out.write_text(
            "\n".join([*head, *rows, "", f"**{right} of {total} right.**", ""]), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
