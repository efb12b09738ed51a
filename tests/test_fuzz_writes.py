"""Faults while writing: a writer killed at random points (by its PID) leaves the old file or the
complete new one; leftovers of a killed run are removed by the next; a full disk (RLIMIT_FSIZE)
or a folder that cannot be written is an InputError naming the path, the old output intact; the
mode bits of a replaced file are kept; every CSV output neutralises formulas."""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.io.atomic import SUFFIX, remove_strays, write_atomic

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"

_WRITER = """
import sys, time
from pathlib import Path
from planner.io.atomic import write_atomic
target, size = Path(sys.argv[1]), int(sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    write_atomic(target, (str(n % 10) * size).encode())
"""


def _complete(path: Path, size: int) -> bool:
    data = path.read_bytes()
    return len(data) == size and len(set(data)) == 1


def test_killed_writer_leaves_old_or_complete_new(tmp_path: Path) -> None:
    target, size = tmp_path / "report.csv", 2_000_000
    target.write_bytes(b"x" * size)
    rng = random.Random(18)
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target), str(size)], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # started: now kill it somewhere in its write loop
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _complete(target, size), "a partial report was left"
    strays = list(tmp_path.glob(f"*{SUFFIX}"))
    write_atomic(target, b"done")  # the next run removes what the killed ones left
    assert target.read_bytes() == b"done"
    assert not list(tmp_path.glob(f"*{SUFFIX}")), strays


def test_sigterm_removes_the_temporary_file(tmp_path: Path) -> None:
    """SIGTERM during a CLI write: the handler unwinds, the temporary file goes."""
    script = (
        "import sys, time\n"
        "from planner.cli.common import _install_sigterm\n"
        "from planner.io.atomic import write_atomic_with\n"
        "_install_sigterm()\n"
        "def slow(tmp):\n"
        "    tmp.write_bytes(b'partial')\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
        "write_atomic_with(__import__('pathlib').Path(sys.argv[1]), slow)\n"
    )
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert target.read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(f"*{SUFFIX}"))


def test_stray_of_a_live_process_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    dead = tmp_path / f".a.csv.999999999.abc{SUFFIX}"
    live = tmp_path / f".a.csv.{os.getppid()}.abc{SUFFIX}"
    other = tmp_path / f".b.csv.999999999.abc{SUFFIX}"
    for path in (dead, live, other):
        path.write_bytes(b"")
    assert remove_strays(target) == [dead]
    assert live.exists() and other.exists()


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
from planner.errors import InputError
from planner.io.atomic import write_atomic
try:
    write_atomic(Path(sys.argv[1]), b"y" * 100_000)
except InputError as exc:
    print(exc)
    sys.exit(2)
"""


def test_full_disk_is_an_input_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "needs.csv"
    target.write_bytes(b"old")
    result = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(target)], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert "needs.csv" in result.stdout and "cannot write the output" in result.stdout
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(f"*{SUFFIX}"))


@pytest.mark.parametrize("where", ["/proc/planner-test.csv", "/sys/planner-test.csv", "dir"])
def test_unwritable_output_is_an_input_error(tmp_path: Path, where: str) -> None:
    target = tmp_path if where == "dir" else Path(where)
    with pytest.raises(InputError) as info:
        write_atomic(target, b"x")
    assert str(target) in str(info.value)
    assert "cannot write the output" in str(info.value)


def test_mode_bits_of_a_replaced_file_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert (target.stat().st_mode & 0o777) == 0o640


def test_cli_write_to_proc_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["assess", str(MINI), "--format", "csv", "-o", "/proc/x/needs.csv", "--lang", "en"]
    )
    assert result.exit_code == 2, result.output
    assert "/proc/x/needs.csv" in result.output
    assert "Traceback" not in result.output


HOSTILE_NAMES = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tTab"]


@pytest.mark.parametrize("command", [["assess"], ["recommend"], ["evaluate"]], ids=lambda c: c[0])
def test_every_csv_output_neutralises_formulas(tmp_path: Path, command: list[str]) -> None:
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    rows = list(csv.reader(io.StringIO((case / "officials.csv").read_text(encoding="utf-8"))))
    name, unit = rows[0].index("full_name"), rows[0].index("unit")
    for index, row in enumerate(rows[1:]):
        row[name] = HOSTILE_NAMES[index % len(HOSTILE_NAMES)]
        row[unit] = "=1+1" if index == 0 else row[unit]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (case / "officials.csv").write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, [*command, str(case), "--format", "csv", "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    cells = [c for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in r]
    assert cells, "no CSV written"
    dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not dangerous, dangerous
    if command == ["assess"]:  # the officials' names are in it, neutralised
        assert '\'=HYPERLINK("http://x","y")' in cells and "'@SUM(1)" in cells
    # a negative number stays a number; a text starting with '-' is neutralised
    assert not [c for c in cells if c.startswith("-") and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_quotes_a_carriage_return() -> None:
    from planner.report.tabular import Column, Sheet, to_csv

    sheet = Sheet("t", [Column("name"), Column("n", "int")], [["a\rb", 3], ["=x", -4]])
    text = to_csv(sheet)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "n"], ["a\rb", "3"], ["'=x", "-4"]]


# A real small or read-only file system (a tmpfs this test mounts as root), not a simulated one:
# the full and read-only disks the issue names. Skipped where mounting is not allowed.
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _planner(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args, "--lang", "en"], capture_output=True, text=True
    )


def test_a_full_disk_is_exit_2_naming_the_path_and_keeps_the_old_output(tiny_disk: Path) -> None:
    out = tiny_disk / "needs.xlsx"
    out.write_bytes(b"old")
    (tiny_disk / "filler").write_bytes(b"x" * 40_000)  # what is left cannot hold the workbook
    result = _planner("assess", str(EXAMPLE), "--format", "xlsx", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert str(out) in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "needs.xlsx"]


def test_a_read_only_disk_is_exit_2_naming_the_path_and_keeps_the_old_output(
    tiny_disk: Path,
) -> None:
    out = tiny_disk / "needs.json"
    out.write_bytes(b"old")
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True, text=True
    )
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
    result = _planner("assess", str(EXAMPLE), "--format", "json", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert str(out) in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes() == b"old"


def test_two_runs_writing_the_same_output_end_with_one_complete_file(tmp_path: Path) -> None:
    out = tmp_path / "needs.json"
    command = [sys.executable, "-m", "planner", "assess", str(EXAMPLE), "--format", "json"]
    runs = [subprocess.Popen([*command, "-o", str(out)]) for _ in range(2)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    alone = subprocess.run(command, capture_output=True, check=True).stdout
    assert out.read_bytes() == alone  # one complete file, byte for byte, not a mix of two
    assert [p.name for p in tmp_path.iterdir()] == ["needs.json"]  # no temporary file left
