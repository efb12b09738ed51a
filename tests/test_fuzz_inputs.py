"""Fuzzing the input boundary with hypothesis (seeded: `derandomize`, bounded examples): broken
CSV, YAML, XLSX, plan JSON and option values. Every example must load or raise an InputError
naming the file and a location (line, row or field) — never another exception — and each family
stays under generous wall and peak-memory bounds measured here with `resource`.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from planner.analysis.scenario import MAX_VARIANTS, budget_scale_scenarios
from planner.cli import cli
from planner.cli.check_cmd import read_plan_file
from planner.cli.common import FiniteFloat, year_range
from planner.errors import InputError
from planner.io.loading import bundled_dir, load_case_config, load_officials, load_rules

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
OFFICIALS = (MINI / "officials.csv").read_bytes()
CASE_YAML = (MINI / "case.yaml").read_bytes()
FRAMEWORK = load_rules(bundled_dir("rules"))

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # seeded: the same examples on every run and machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its example
)
# Generous bounds per family (the CI machine is shared and slow): a hang or a bomb is 100×.
WALL_S = 120.0
PEAK_MB = 400

# Messages about a whole file have no line, row or field, by nature.
WHOLE_FILE = (
    "UTF-16 without a byte-order mark",
    "aliases are expanded",
    "empty table",
    "not a plan",
    "nested too deeply",
    "not valid JSON",
    "has no rows",
    "YAML error",
    "workbook",
    "not a valid .xlsx",
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def bounded(family: str) -> Iterator[None]:
    """Wall time and growth of the peak resident size over a whole family, checked after."""
    started, peak = time.monotonic(), _peak_mb()
    yield
    wall, grown = time.monotonic() - started, _peak_mb() - peak
    assert wall < WALL_S, f"{family}: {wall:.1f} s"
    assert grown < PEAK_MB, f"{family}: peak memory grew {grown:.0f} MB"


def located(exc: InputError, path: Path) -> None:
    message = str(exc)
    assert path.name in message, message
    if not any(part in message for part in WHOLE_FILE):
        assert exc.line or exc.row or exc.field, message
    assert len(message) < 2000, "an error quotes a short excerpt, never the file"


def mutate(data: bytes, edits: list[tuple[int, bytes, int]]) -> bytes:
    """Insert `chunk` at `pos` (mod length) and drop `cut` bytes after it, for each edit."""
    out = bytearray(data)
    for pos, chunk, cut in edits:
        at = pos % (len(out) + 1)
        out[at : at + cut] = chunk
    return bytes(out)


SPECIAL = st.sampled_from(
    [b"\x00", b"\xff", b"\xc3", b'"', b",", b";", b"\n", b"\r", b"\r\n", b"\t", b"\xef\xbb\xbf"]
    + [b"=cmd", b"9999-12-31", b"0001-01-01", b"1e300", b"nan", b"\xe2\x80\xa8", b"\x85", b"{"]
    + [b"[", b"&a", b"*a", b"<<: *a", b"!!binary", b"? ", b": ", b"- ", b"#", b"\xfe\xff"]
)
EDITS = st.lists(
    st.tuples(st.integers(0, 10_000), st.one_of(SPECIAL, st.binary(max_size=6)), st.integers(0, 4)),
    min_size=1,
    max_size=6,
)


def _expect_input_error(load: Callable[[Path], object], path: Path) -> None:
    try:
        load(path)
    except InputError as exc:
        located(exc, path)


def _officials(path: Path) -> object:
    return load_officials(path, set(FRAMEWORK.positions), set(FRAMEWORK.leader_groups))


def test_fuzz_csv_tables(tmp_path: Path) -> None:
    path = tmp_path / "officials.csv"

    @FUZZ
    @given(EDITS)
    def run(edits: list[tuple[int, bytes, int]]) -> None:
        path.write_bytes(mutate(OFFICIALS, edits))
        _expect_input_error(_officials, path)

    with bounded("csv"):
        run()


def test_fuzz_case_yaml(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"

    @FUZZ
    @given(EDITS)
    def run(edits: list[tuple[int, bytes, int]]) -> None:
        path.write_bytes(mutate(CASE_YAML, edits))
        _expect_input_error(load_case_config, path)

    with bounded("yaml"):
        run()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
PLAN = st.fixed_dictionaries(
    {},
    optional={
        "assignments": st.lists(
            st.fixed_dictionaries(
                {}, optional={"official_id": JSON, "course": JSON, "session": JSON, "needs": JSON}
            )
            | JSON,
            max_size=3,
        ),
        "years": JSON,
        "objective": JSON,
        "mode": JSON,
        "options": JSON,
    },
)


def test_fuzz_plan_files(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"

    @FUZZ
    @given(PLAN | JSON)
    def run(data: object) -> None:
        path.write_text(json.dumps(data), encoding="utf-8")
        _expect_input_error(read_plan_file, path)

    with bounded("plan json"):
        run()


def _workbook() -> dict[str, bytes]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in OFFICIALS.decode("utf-8").splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_fuzz_xlsx_parts(tmp_path: Path) -> None:
    parts = _workbook()
    path = tmp_path / "officials.xlsx"
    names = sorted(parts)

    @settings(FUZZ, max_examples=20)
    @given(st.sampled_from(names), EDITS, st.booleans())
    def run(part: str, edits: list[tuple[int, bytes, int]], drop: bool) -> None:
        changed = dict(parts)
        if drop:
            del changed[part]
        else:
            changed[part] = mutate(parts[part], edits)
        with zipfile.ZipFile(path, "w") as z:
            for name, data in changed.items():
                z.writestr(name, data)
        _expect_input_error(_officials, path)

    with bounded("xlsx"):
        run()


def test_fuzz_options() -> None:
    years, seconds = year_range(), FiniteFloat(0.1, 3600)

    @FUZZ
    @given(st.text(max_size=24), st.floats() | st.text(max_size=12), st.text(max_size=30))
    def run(year_text: str, time_value: object, sweep: str) -> None:
        try:
            parsed = years(year_text)
            assert 0 < len(parsed) <= 50
        except click.BadParameter as exc:
            assert "--years" in str(exc.param_hint)
        with contextlib.suppress(click.BadParameter):
            assert 0.1 <= seconds.convert(time_value, None, None) <= 3600
        try:
            assert len(budget_scale_scenarios(sweep)) <= MAX_VARIANTS
        except InputError as exc:
            assert exc.field == "budget-scale"

    with bounded("options"):
        run()


@pytest.mark.parametrize(
    "sweep", ["0:1000000:0.001", "0:1:0.0000001", "inf:inf:1", "nan:1:0.1", "0:1e300:1", "1:0:1"]
)
def test_budget_sweeps_are_refused_before_building(sweep: str) -> None:
    with bounded("sweep"), pytest.raises(InputError) as info:
        budget_scale_scenarios(sweep)
    assert "budget-scale" in str(info.value)


def test_fuzz_cli_leaves_no_output(tmp_path: Path) -> None:
    """Through the CLI: exit 2, the message names officials.csv, no output file or temporary."""
    case = tmp_path / "case"
    shutil.copytree(MINI, case)
    out = tmp_path / "out" / "needs.csv"

    @settings(FUZZ, max_examples=4)
    @given(EDITS)
    def run(edits: list[tuple[int, bytes, int]]) -> None:
        data = mutate(OFFICIALS, edits)
        (case / "officials.csv").write_bytes(data)
        try:
            _officials(case / "officials.csv")
        except InputError:
            result = CliRunner().invoke(
                cli, ["assess", str(case), "--format", "csv", "-o", str(out), "--lang", "en"]
            )
            assert result.exit_code == 2, result.output
            assert "officials.csv" in result.output
            assert "Traceback" not in result.output
            assert not out.exists()
            assert not list(out.parent.glob("*.planner-tmp")) if out.parent.exists() else True

    with bounded("cli"):
        run()
