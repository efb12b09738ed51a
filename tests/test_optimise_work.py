"""Deterministic work limits (`optimise/work.py`): every method `auto` picks stops on counted
work, so a solve gives the same plan when the machine is loaded as when it is idle, and a
what-if sweep gives the same plans with `--jobs 2` on a loaded machine as with `--jobs 1`,
without the user giving a work limit (the default sizes one from the time limit)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.analysis.scenario import budget_scale_scenarios
from planner.analysis.whatif import WhatIfSettings, run_whatif, variant_work, variants_from
from planner.cli import cli
from planner.io.loading import load_case
from planner.optimise import work
from planner.optimise.solve import SolveConfig, method_of, solve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@contextmanager
def loaded_machine(processes: int = 2) -> Iterator[None]:
    """Busy processes beside the solve: the clock runs out sooner, work does not."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_a_budget_grows_with_the_time_and_is_never_empty() -> None:
    for method in work.WORK_PER_SECOND:
        assert work.budget(method, 0.01) >= 1
        assert work.budget(method, 20) >= work.budget(method, 5)
    assert work.budget("transport", 10) == 12  # 1.2 rounds a second


@pytest.fixture(scope="module")
def role_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("role") / "r400"
    result = CliRunner().invoke(
        cli,
        ["generate", "--officials", "400", "--years", "2026", "--seed", "1", "--needs", "role"]
        + ["-o", str(folder)],
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize(
    ("case", "method", "units"),
    [("thoi-binh", "exact", 300), ("huong-khe", "transport", 2), ("role", "cohort", 40)],
)
def test_each_method_gives_the_same_plan_on_a_loaded_machine(
    case: str, method: str, units: int, role_case: Path
) -> None:
    folder = role_case if case == "role" else EXAMPLES / case
    inst = pipeline.prepare(pipeline.load(folder)).instance
    assert method_of(inst, "auto") == method
    config = SolveConfig(time_limit=120, work_limit=units)
    quiet = solve(inst, config)
    with loaded_machine():
        busy = solve(inst, config)
    assert (busy.chosen, busy.objective, busy.bound) == (quiet.chosen, quiet.objective, quiet.bound)


def test_a_variant_gets_the_budget_of_its_method_and_a_guard() -> None:
    inst = pipeline.prepare(pipeline.load(EXAMPLES / "huong-khe")).instance
    settings = WhatIfSettings(time_limit=10)
    assert variant_work(inst, settings) == (12, work.guard(10))
    assert variant_work(inst, WhatIfSettings(time_limit=10, work_limit=5)) == (5, 10)
    assert variant_work(inst, WhatIfSettings(time_limit=10, clock=True)) == (None, 10)


def _plans(result):  # type: ignore[no-untyped-def]
    return [
        (o.variant.name, o.status, o.plan.chosen if o.plan else None, o.work_limit, o.on_clock)
        for o in [result.baseline, *result.variants, *result.probes]
    ]


def test_a_parallel_sweep_on_a_loaded_machine_gives_the_sequential_plans() -> None:
    # huong-khe is planned by the neighbourhood search, which on the clock makes as many
    # rounds as fit: with the default work budget the rounds are counted instead
    case = load_case(EXAMPLES / "huong-khe")
    variants = variants_from((), budget_scale_scenarios("0.8:1.2:0.4"))
    settings = WhatIfSettings(time_limit=2.0, probes=1, prices=False)
    sequential = run_whatif(case, variants, replace(settings, jobs=1))
    with loaded_machine():
        parallel = run_whatif(case, variants, replace(settings, jobs=2))
    assert parallel.jobs == 2
    assert _plans(parallel) == _plans(sequential)
    budget = work.budget("transport", 2.0)
    outcomes = [sequential.baseline, *sequential.variants, *parallel.variants, parallel.baseline]
    assert all(o.work_limit == budget and not o.on_clock for o in outcomes)


def test_whatif_cli_says_how_variants_stop(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["whatif", str(EXAMPLES / "thoi-binh"), "--budget-scale", "0.9:1.1:0.2"]
    base += ["--time-limit", "1", "--probes", "0", "--no-prices", "--lang", "en"]
    out = tmp_path / "auto.json"
    result = runner.invoke(cli, [*base, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["clock"] is False
    assert data["baseline"]["work_limit"] == work.budget("exact", 1.0)
    clock = tmp_path / "clock.json"
    result = runner.invoke(
        cli, [*base, "--work-limit", "clock", "--format", "json", "-o", str(clock)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(clock.read_text(encoding="utf-8"))
    assert data["clock"] is True
    assert data["baseline"]["work_limit"] is None and data["baseline"]["on_clock"] is True
    table = runner.invoke(cli, [*base, "--work-limit", "7"])
    assert table.exit_code == 0 and "work limit 7" in table.output, table.output
    bad = runner.invoke(cli, [*base, "--work-limit", "fast"])
    assert bad.exit_code == 2 and "fast" in bad.output
