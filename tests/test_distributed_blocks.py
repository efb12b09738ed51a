"""National plans by province blocks on a small 3-province case: the block plan passes the
solver-free checker, the single-model plan lies within the block plan's reported bound, the
shared rows are divided whole, and the provinces solved as tasks on a LocalCluster give the
plan the in-process map gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.cli import cli
from planner.optimise.blocks import (
    allocate,
    national_relaxation,
    plan_by_blocks,
    provinces_of,
    shared_sessions,
)
from planner.optimise.blocks_master import SharedRows
from planner.optimise.objective import Objective
from planner.optimise.solve import SolveConfig

CONFIG = SolveConfig(engine="cpsat", time_limit=2.0, seed=0)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blocks") / "national"
    result = CliRunner().invoke(
        cli,
        ["generate", "--officials", "60", "--units", "6", "--years", "2026", "--seed", "5"]
        + ["--provinces", "3"]
        + ["-o", str(folder)],
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def prepared(national: Path) -> Any:
    return pipeline.prepare(pipeline.load(national))


def test_generated_units_carry_three_provinces(prepared: Any) -> None:
    units = {info.province for info in prepared.case.units.values()}
    assert units == {"Tỉnh 01", "Tỉnh 02", "Tỉnh 03"}
    province = provinces_of(
        prepared.instance, {u: i.province for u, i in prepared.case.units.items()}
    )
    assert shared_sessions(prepared.instance, province)  # the catalog's classes are shared


def test_shared_rows_are_divided_whole_and_by_demand() -> None:
    assert allocate(10, {"a": 6, "b": 2, "c": 0}, ["a", "b", "c"]) == {"a": 8, "b": 2, "c": 0}
    assert allocate(5, {"a": 3, "b": 3}, ["a", "b"]) == {"a": 3, "b": 2}  # ties: first
    assert allocate(7, {}, ["a", "b"]) == {"a": 4, "b": 3}  # nobody asks: equally
    assert sum(allocate(1_000_003, {"a": 1, "b": 1, "c": 1}, ["a", "b", "c"]).values()) == 1_000_003


def test_block_plan_is_valid_and_within_its_gap_of_the_single_model(prepared: Any) -> None:
    units = {u: i.province for u, i in prepared.case.units.items()}
    blocks = plan_by_blocks(prepared.instance, units, CONFIG)
    single = pipeline.plan(prepared, CONFIG)
    assert pipeline.check(prepared, blocks).ok
    assert blocks.method["method"] == "blocks" and blocks.method["provinces"] == 3
    # The block bound (sum of the province relaxations) bounds every national plan.
    assert single.objective <= blocks.bound
    assert blocks.objective <= single.bound
    assert blocks.gap == pytest.approx((blocks.bound - blocks.objective) / blocks.bound, abs=1e-6)


def test_the_national_relaxation_bounds_the_plans_and_divides_every_shared_row_whole(
    prepared: Any,
) -> None:
    inst = prepared.instance
    province = provinces_of(inst, {u: i.province for u, i in prepared.case.units.items()})
    names = sorted(set(province))
    shared = sorted(shared_sessions(inst, province))
    lines = sorted(inst.budgets)
    rows = SharedRows(
        tuple(shared),
        tuple(inst.sessions[s].seats for s in shared),
        tuple(lines),
        tuple(inst.budgets[k] for k in lines),
    )
    relaxation = national_relaxation(inst, Objective(inst), province, names, rows, CONFIG)
    assert relaxation.bound is not None
    assert relaxation.seats is not None and relaxation.money is not None
    for s, seats in zip(rows.sessions, rows.seats, strict=True):
        # all the seats divided, or none: a class the relaxation leaves below its minimum
        assert sum(relaxation.seats[s].values()) in (seats, 0)
        assert set(relaxation.seats[s]) == set(names)
    for line, amount in zip(rows.lines, rows.money, strict=True):
        assert sum(relaxation.money[line].values()) == amount
    # A province whose officials cannot attend a shared session gets none of its seats.
    for s in shared:
        attends = {province[inst.options[o].official] for o in inst.options_by_session[s]}
        assert all(relaxation.seats[s][p] == 0 for p in names if p not in attends)
    single = pipeline.plan(prepared, CONFIG)
    blocks = plan_by_blocks(inst, {u: i.province for u, i in prepared.case.units.items()}, CONFIG)
    assert single.objective <= relaxation.bound and blocks.objective <= relaxation.bound
    assert blocks.bound == relaxation.bound == blocks.info["blocks"]["relaxation_bound"]
    assert not blocks.info["blocks"]["rounds"]  # the master is not needed for the bound


def test_blocks_on_a_local_cluster_equal_the_in_process_map(
    prepared: Any, national: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    greedy = SolveConfig(engine="greedy", time_limit=30.0, seed=0)  # no solver clock
    units = {u: i.province for u, i in prepared.case.units.items()}
    in_process = plan_by_blocks(prepared.instance, units, greedy)
    out = tmp_path / "plan.json"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["plan", str(national), "--blocks", "province", "--scheduler", "local", "--engine"]
        + ["greedy", "--time-limit", "30", "--format", "json", "-o", str(out), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert "3 provinces" in result.output and "passes the checker" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    pairs = sorted((a["official_id"], a["session"]) for a in data["assignments"])
    assert pairs == sorted((a.official_id, a.session) for a in in_process.assignments)
    assert data["objective"] == in_process.objective
    checked = runner.invoke(cli, ["check", str(national), str(out), "--lang", "en"])
    assert checked.exit_code == 0, checked.output


def test_blocks_on_a_case_without_provinces_is_exit_2_naming_the_unit() -> None:
    mini = Path(__file__).resolve().parent / "fixtures" / "cases" / "mini"
    result = CliRunner().invoke(cli, ["plan", str(mini), "--blocks", "province", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "has no province" in result.output and "Xã A" in result.output
