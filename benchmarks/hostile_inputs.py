"""Run the CLI on generated hostile and broken inputs (the families of issue 18) and count how
each run ends: exit 2 (a clear input error), exit 3 (an internal error: a bug), another exit
code, a traceback on the terminal, or a hang (killed after the timeout).

    python benchmarks/hostile_inputs.py [--timeout 20] [--family yaml] [-v]

Each run is a subprocess with an address-space cap (2 GiB), so a bomb is counted, not suffered.
"""

from __future__ import annotations

import argparse
import collections
import json
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
from pathlib import Path

MINI = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cases" / "mini"
CASE_YAML = (MINI / "case.yaml").read_text(encoding="utf-8")
OFFICIALS = (MINI / "officials.csv").read_text(encoding="utf-8")

Run = tuple[str, list[str], Callable[[Path], None]]  # name, argv after `planner`, setup(case)


def _case(replace: dict[str, str] | None = None, text: str | None = None) -> Callable[[Path], None]:
    def setup(case: Path) -> None:
        body = CASE_YAML if text is None else text
        for old, new in (replace or {}).items():
            body = body.replace(old, new)
        (case / "case.yaml").write_text(body, encoding="utf-8")

    return setup


def _bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def setup(case: Path) -> None:
        (case / name).write_bytes(data)

    return setup


def yaml_family() -> Iterator[Run]:
    for ch in ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"]:
        yield f"yaml ctrl {ord(ch):#x}", ["validate"], _case({"Mini commune": f"Mini{ch}x"})
    yield "yaml deep", ["validate"], _case(text=CASE_YAML + "x: " + "[" * 5000 + "]" * 5000)
    yield (
        "yaml deep map",
        ["validate"],
        _case(text=CASE_YAML + "x: " + "{a: " * 3000 + "1" + "}" * 3000),
    )
    yield "yaml complex key", ["validate"], _case(text=CASE_YAML + "? [a, b]\n: 1\n")
    yield "yaml complex key2", ["validate"], _case(text=CASE_YAML + "{a: 1}: 2\n")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    yield "yaml alias bomb", ["validate"], _case(text=CASE_YAML + bomb)
    yield "yaml years bool", ["validate"], _case({"years: [2026]": "years: [true]"})
    yield "yaml years huge", ["validate"], _case({"years: [2026]": "years: [99999999999]"})
    yield "yaml years dec", ["validate"], _case({"years: [2026]": "years: [2027, 2026]"})
    yield "yaml amount bool", ["validate"], _case({"amount: 50000000": "amount: true"})
    yield "yaml amount inf", ["validate"], _case({"amount: 50000000": "amount: .inf"})
    yield "yaml amount 1e300", ["validate"], _case({"amount: 50000000": "amount: 1e300"})
    yield "yaml ref year1", ["validate"], _case({"2026-01-15": "0001-01-01"})
    yield "yaml ref 9999", ["validate"], _case({"2026-01-15": "9999-12-31"})
    yield "yaml ref unix", ["validate"], _case({"2026-01-15": "1768435200"})
    yield "yaml ref 2026-1-5", ["validate"], _case({"2026-01-15": "2026-1-5"})
    yield "yaml tag binary", ["validate"], _case({"Mini commune": "!!binary aGVsbG8="})
    yield "yaml tag python", ["validate"], _case({"Mini commune": "!!python/object:os.system x"})
    yield "yaml odd tag", ["validate"], _case({"Mini commune": "!foo bar"})
    yield (
        "yaml cp1258",
        ["validate"],
        _bytes(
            "case.yaml",
            unicodedata.normalize("NFD", CASE_YAML.replace("Mini commune", "Xã Đinh")).encode(
                "cp1258"
            ),
        ),
    )
    yield "yaml utf16 nobom", ["validate"], _bytes("case.yaml", CASE_YAML.encode("utf-16-le"))
    yield "yaml utf16 bom", ["validate"], _bytes("case.yaml", CASE_YAML.encode("utf-16"))
    yield "yaml 10MB line", ["validate"], _case({"Mini commune": "x" * 10_000_000})
    yield (
        "yaml dup budget",
        ["validate"],
        _case(text=CASE_YAML + "  - {year: 2026, source: ngan_sach_tinh, amount: 1}\n"),
    )
    yield (
        "yaml budget outside",
        ["validate"],
        _case(text=CASE_YAML + "  - {year: 2099, source: ngan_sach_xa, amount: 1}\n"),
    )
    yield (
        "yaml merge key",
        ["validate"],
        _case(
            text=CASE_YAML.replace(
                "term: {start: 2026, end: 2030}",
                "base: &b {start: 2026, end: 2030}\nterm: {<<: *b}",
            ).replace("base:", "x-base:")
        ),
    )
    yield "yaml list top", ["validate"], _case(text="- 1\n- 2\n")
    yield "yaml empty", ["validate"], _case(text="")
    yield "yaml multi doc", ["validate"], _case(text=CASE_YAML + "---\na: 1\n")
    yield (
        "yaml missing officials",
        ["validate"],
        _case({"officials: officials.csv": "officials: officia"}),
    )


def csv_family() -> Iterator[Run]:
    header, *rows = OFFICIALS.splitlines()
    yield (
        "csv 1MB header",
        ["validate"],
        _bytes("officials.csv", (header + ",x" * 10 + "y" * 1_000_000 + "\n").encode()),
    )
    yield (
        "csv 1MB cell",
        ["validate"],
        _bytes("officials.csv", (header + "\n" + '"' + "y" * 1_000_000 + '"\n').encode()),
    )
    yield (
        "csv latin1 byte",
        ["validate"],
        _bytes("officials.csv", (OFFICIALS + "\n").encode() + b"\xff\xfe,\n"),
    )
    yield (
        "csv shift-jis",
        ["validate"],
        _bytes(
            "officials.csv", OFFICIALS.replace("A1", "A1").encode() + "名前".encode("shift_jis")
        ),
    )
    yield "csv utf7", ["validate"], _bytes("officials.csv", b"+/v8-" + OFFICIALS.encode())
    yield (
        "csv semicolon",
        ["validate"],
        _bytes("officials.csv", OFFICIALS.replace(",", ";").encode()),
    )
    yield (
        "csv nul",
        ["validate"],
        _bytes("officials.csv", OFFICIALS.replace("A1", "A1\x00").encode()),
    )
    yield "csv binary", ["validate"], _bytes("officials.csv", os.urandom(4096))
    yield (
        "csv unclosed quote",
        ["validate"],
        _bytes("officials.csv", (OFFICIALS + '"abc\n').encode()),
    )
    yield "csv formula name", ["validate"], _bytes("officials.csv", OFFICIALS.encode())
    yield "csv empty", ["validate"], _bytes("officials.csv", b"")
    yield "csv only bom", ["validate"], _bytes("officials.csv", b"\xef\xbb\xbf")
    yield "csv cr value", ["validate"], _bytes("officials.csv", OFFICIALS.encode())
    for n in (2, 5):
        lines = OFFICIALS.splitlines()
        if n < len(lines):
            lines[n] = lines[n] + "\udcff"
        data = "\n".join(lines).encode("utf-8", "surrogateescape")
        yield f"csv bad byte row {n + 1}", ["validate"], _bytes("officials.csv", data)
    del rows


def _xlsx(case: Path, mutate: Callable[[dict[str, bytes]], None]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in OFFICIALS.splitlines():
        sheet.append(line.split(","))
    raw = case / "raw.xlsx"
    book.save(raw)
    with zipfile.ZipFile(raw) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    mutate(parts)
    with zipfile.ZipFile(case / "officials.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    raw.unlink()
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(
        text.replace("officials.csv", "officials.xlsx"), encoding="utf-8"
    )


def xlsx_family() -> Iterator[Run]:
    sheet = "xl/worksheets/sheet1.xml"

    def m(fn: Callable[[dict[str, bytes]], None]) -> Callable[[Path], None]:
        return lambda case: _xlsx(case, fn)

    yield "xlsx ok", ["validate"], m(lambda p: None)
    yield (
        "xlsx truncated xml",
        ["validate"],
        m(lambda p: p.__setitem__(sheet, p[sheet][: len(p[sheet]) // 2])),
    )
    yield "xlsx garbage xml", ["validate"], m(lambda p: p.__setitem__(sheet, b"<<<>>>"))
    yield (
        "xlsx bad ref",
        ["validate"],
        m(lambda p: p.__setitem__(sheet, p[sheet].replace(b'r="A1"', b'r="ZZZZZZ1"'))),
    )
    yield (
        "xlsx bad number",
        ["validate"],
        m(lambda p: p.__setitem__(sheet, p[sheet].replace(b"<v>", b"<v>x", 1))),
    )
    yield "xlsx no workbook", ["validate"], m(lambda p: p.pop("xl/workbook.xml"))
    yield (
        "xlsx huge dim",
        ["validate"],
        m(
            lambda p: p.__setitem__(
                sheet, p[sheet].replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="')
            )
        ),
    )
    rows = b"".join(b'<row r="%d"/>' % i for i in range(2, 300_002))
    yield (
        "xlsx 300k blank rows",
        ["validate"],
        m(
            lambda p: p.__setitem__(
                sheet, p[sheet].replace(b"</sheetData>", rows + b"</sheetData>")
            )
        ),
    )
    yield (
        "xlsx not zip",
        ["validate"],
        lambda case: (
            _xlsx(case, lambda p: None),
            (case / "officials.xlsx").write_bytes(b"PK\x03\x04garbage"),
        ),
    )


def path_family() -> Iterator[Run]:
    def fifo(name: str) -> Callable[[Path], None]:
        def setup(case: Path) -> None:
            (case / name).unlink(missing_ok=True)
            os.mkfifo(case / name)

        return setup

    def link(name: str, target: str) -> Callable[[Path], None]:
        def setup(case: Path) -> None:
            (case / name).unlink(missing_ok=True)
            (case / name).symlink_to(target)

        return setup

    def loop(name: str) -> Callable[[Path], None]:
        def setup(case: Path) -> None:
            (case / name).unlink(missing_ok=True)
            (case / name).symlink_to(case / name)

        return setup

    def directory(name: str) -> Callable[[Path], None]:
        def setup(case: Path) -> None:
            (case / name).unlink(missing_ok=True)
            (case / name).mkdir()

        return setup

    for name in ("officials.csv", "history.csv", "case.yaml", "catalog.yaml"):
        yield f"path fifo {name}", ["validate"], fifo(name)
        yield f"path loop {name}", ["validate"], loop(name)
        yield f"path dir {name}", ["validate"], directory(name)
        yield f"path /dev/zero {name}", ["validate"], link(name, "/dev/zero")
    yield "path /etc/passwd case", ["validate"], link("case.yaml", "/etc/passwd")
    yield "path long name", ["validate"], _case({"officials.csv": "o" * 300 + ".csv"})
    yield "path -o /proc", ["assess", "--format", "csv", "-o", "/proc/x.csv"], lambda c: None
    yield "path -o /sys", ["assess", "--format", "csv", "-o", "/sys/x.csv"], lambda c: None
    yield "path -o dir", ["assess", "--format", "csv", "-o", "/tmp"], lambda c: None
    yield (
        "path -o missing dir ro",
        ["assess", "--format", "csv", "-o", "/proc/1/x/y.csv"],
        lambda c: None,
    )


def check_family() -> Iterator[Run]:
    def plan(data: bytes) -> Callable[[Path], None]:
        return lambda case: (case / "plan.json").write_bytes(data)

    for name, data in [
        ("latin1", '{"assignments": [], "x": "é"}'.encode("latin-1")),
        ("binary", os.urandom(256)),
        ("list", b"[1, 2]"),
        ("assignments dict", b'{"assignments": {}}'),
        ("assignments ints", b'{"assignments": [1, 2]}'),
        (
            "assignment wrong types",
            b'{"assignments": [{"official": 1, "session": [], "year": "x"}]}',
        ),
        ("years str", b'{"assignments": [], "years": "2026"}'),
        ("years huge", b'{"assignments": [], "years": [1e300]}'),
        ("years nested", b'{"assignments": [], "years": [[1]]}'),
        ("deep", b'{"assignments": [], "x": ' + b"[" * 100000 + b"]" * 100000 + b"}"),
        ("options list", b'{"assignments": [], "options": []}'),
        ("nan", b'{"assignments": [], "objective": NaN}'),
    ]:
        yield f"check {name}", ["check", "{case}", "{case}/plan.json"], plan(data)
    yield (
        "check fifo",
        ["check", "{case}", "{case}/plan.json"],
        lambda c: os.mkfifo(c / "plan.json"),
    )


def option_family() -> Iterator[Run]:
    for years in ("2026-999999999", "999999999", "-5", "2030-2026", "abc", "0", "2026-2026-1"):
        yield f"opt --years {years}", ["plan", "--years", years], lambda c: None
    for seed in ("99999999999999999999999", "-1", "1e5"):
        yield f"opt --seed {seed}", ["plan", "--seed", seed, "--time-limit", "1"], lambda c: None
    for tl in ("1e308", "inf", "nan", "-1"):
        yield f"opt --time-limit {tl}", ["plan", "--time-limit", tl], lambda c: None
    for bs in (
        "0:1000000:0.001",
        "0:1:0.0000001",
        "inf:inf:1",
        "nan:1:0.1",
        "0:1e300:1",
        "1:0:1",
        "0:1",
        "a:b:c",
    ):
        yield f"opt --budget-scale {bs}", ["whatif", "--budget-scale", bs], lambda c: None
    for on in ("0001-01-01", "9999-12-31"):
        yield f"opt --on {on}", ["assess", "--on", on], lambda c: None


def scenario_family() -> Iterator[Run]:
    def scenario(text: str) -> Callable[[Path], None]:
        return lambda case: (case / "s.yaml").write_text(text, encoding="utf-8")

    for body in [
        "name: x\nbudget: [{scale: .inf}]\n",
        "name: x\nbudget: [{scale: .nan}]\n",
        "name: x\nbudget: [{scale: 1e300}]\n",
        "name: x\nbudget: [{add: 1e300}]\n",
        "name: x\nparameters: {annual_min_periods: -40}\n",
        "name: x\nparameters: {max_share_away: .inf}\n",
        "name: x\nreference_date: 0001-01-01\n",
        "name: x\nreference_date: 9999-12-31\n",
        "name: x\nyears: [2026, 999999999]\n",
        "name: x\nseats: [{course: nope, add: 1}]\n",
        "name: \x01\n",
    ]:
        yield (
            f"scenario {body.splitlines()[-1][:40]!r}",
            ["whatif", "{case}", "--scenario", "{case}/s.yaml", "--time-limit", "1"],
            scenario(body),
        )


FAMILIES = {
    "yaml": yaml_family,
    "csv": csv_family,
    "xlsx": xlsx_family,
    "paths": path_family,
    "check": check_family,
    "options": option_family,
    "scenarios": scenario_family,
}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_one(
    name: str, argv: list[str], setup: Callable[[Path], None], timeout: float
) -> tuple[str, str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        shutil.copytree(MINI, case)
        setup(case)
        args = [a.replace("{case}", str(case)) for a in argv]
        if "{case}" not in " ".join(argv):
            args = [args[0], str(case), *args[1:]]
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "planner", *args, "--lang", "en"],
                capture_output=True,
                timeout=timeout,
                preexec_fn=_limit,
                stdin=subprocess.DEVNULL,
                cwd=tmp,
            )
        except subprocess.TimeoutExpired:
            return "hang", "", time.monotonic() - started
        wall = time.monotonic() - started
        err = proc.stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            outcome = "traceback"
        elif proc.returncode in (0, 1, 2, 3):
            outcome = f"exit {proc.returncode}"
        else:
            outcome = f"exit {proc.returncode}"
        return outcome, err.strip().splitlines()[-1][:200] if err.strip() else "", wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--family", action="append")
    parser.add_argument("-v", "--verbose", action="store_true")
    ns = parser.parse_args()
    totals: collections.Counter[str] = collections.Counter()
    per: dict[str, collections.Counter[str]] = {}
    rows = []
    for family in ns.family or list(FAMILIES):
        per[family] = collections.Counter()
        for name, argv, setup in FAMILIES[family]():
            outcome, message, wall = run_one(name, argv, setup, ns.timeout)
            totals[outcome] += 1
            per[family][outcome] += 1
            rows.append(
                {
                    "family": family,
                    "name": name,
                    "outcome": outcome,
                    "wall": round(wall, 2),
                    "message": message,
                }
            )
            if ns.verbose:
                print(f"{outcome:10} {wall:6.2f}s {name}: {message}", flush=True)
    for family, counts in per.items():
        print(family, dict(counts))
    print("total", dict(totals), "runs", sum(totals.values()))
    Path("hostile_inputs.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
