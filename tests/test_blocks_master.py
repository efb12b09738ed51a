"""The Dantzig–Wolfe master of plans by province blocks, and the regional campuses' classes of a
national case.

On a generated 3-province case (two campus groups: Tỉnh 01 + 02, and Tỉnh 03): the loaded case
carries which provinces may attend which regional session, the options and every plan respect
it, and `planner check` refuses an official seated in another group's class. Every round's
Lagrangian bound is a bound (≥ the single model's plan), the reported bound is ≥ the block plan,
and a priced province's bound is ≥ the priced value of the plan it returns. The master LP, its
prices, its integer choice and its shares on a two-province example worked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner import pipeline
from planner.cli import cli
from planner.optimise.blocks import block_instance, plan_by_blocks, provinces_of, shared_sessions
from planner.optimise.blocks_master import (
    Column,
    Prices,
    PriceTask,
    SharedRows,
    integer_choice,
    lagrangian,
    master_lp,
    price_block,
    shares,
)
from planner.optimise.solve import SolveConfig

CONFIG = SolveConfig(time_limit=2.0, seed=0)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("regions") / "national"
    result = CliRunner().invoke(
        cli,
        ["generate", "--officials", "400", "--units", "9", "--years", "2026", "--seed", "5"]
        + ["--provinces", "3", "-o", str(folder)],
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def prepared(national: Path) -> Any:
    return pipeline.prepare(pipeline.load(national))


@pytest.fixture(scope="module")
def province_of_unit(prepared: Any) -> dict[str, str | None]:
    return {u: i.province for u, i in prepared.case.units.items()}


@pytest.fixture(scope="module")
def group_of_session(prepared: Any) -> dict[str, frozenset[str]]:
    return {s: frozenset(g.provinces) for g in prepared.case.config.regions for s in g.sessions}


@pytest.fixture(scope="module")
def blocks(prepared: Any, province_of_unit: dict[str, str | None]) -> Any:
    """The plan with the Dantzig–Wolfe master's priced rounds as well (two of them)."""
    return plan_by_blocks(prepared.instance, province_of_unit, CONFIG, rounds=2)


@pytest.fixture(scope="module")
def single(prepared: Any) -> Any:
    return pipeline.plan(prepared, CONFIG)


def _province_of_official(prepared: Any) -> dict[str, str]:
    units = prepared.case.units
    return {o.id: units[o.unit].province for o in prepared.case.officials}


def test_the_loaded_case_carries_the_province_groups(prepared: Any) -> None:
    groups = prepared.case.config.regions
    assert [(g.id, g.provinces) for g in groups] == [
        ("kv1", ["Tỉnh 01", "Tỉnh 02"]),
        ("kv2", ["Tỉnh 03"]),
    ]
    catalog_sessions = {s.id for c in prepared.case.catalog.courses.values() for s in c.sessions}
    for group in groups:
        assert group.sessions and set(group.sessions) <= catalog_sessions
        assert all(s.endswith(f"-{group.id}") for s in group.sessions)


def test_options_of_a_regional_session_belong_to_its_group_only(
    prepared: Any, group_of_session: dict[str, frozenset[str]]
) -> None:
    inst = prepared.instance
    province = _province_of_official(prepared)
    seen: dict[str, set[str]] = {}
    for option in inst.options:
        session = inst.sessions[option.session].id
        if session in group_of_session:
            seen.setdefault(session, set()).add(province[inst.officials[option.official].id])
    assert seen  # the case has officials who may attend regional classes
    for session, provinces in seen.items():
        assert provinces <= group_of_session[session], session
    # kv1's classes are shared by its two provinces: coupling rows of that group only.
    shared = shared_sessions(
        inst, provinces_of(inst, {u: i.province for u, i in prepared.case.units.items()})
    )
    shared_regional = {inst.sessions[s].id for s in shared} & set(group_of_session)
    assert shared_regional and all(s.endswith("-kv1") for s in shared_regional)


def test_no_plan_seats_an_official_in_another_groups_class(
    prepared: Any, blocks: Any, single: Any, group_of_session: dict[str, frozenset[str]]
) -> None:
    province = _province_of_official(prepared)
    regional = 0
    for plan in (blocks, single):
        for a in plan.assignments:
            if a.session in group_of_session:
                regional += 1
                assert province[a.official_id] in group_of_session[a.session]
    assert regional  # the regional classes are used


def test_check_refuses_an_official_in_another_groups_class(
    prepared: Any,
    national: Path,
    blocks: Any,
    group_of_session: dict[str, frozenset[str]],
    tmp_path: Path,
) -> None:
    data = blocks.to_dict(lambda m: m.key)
    province = _province_of_official(prepared)
    outsider = next(o.id for o in prepared.case.officials if province[o.id] == "Tỉnh 03")
    session = next(s for s, group in sorted(group_of_session.items()) if "Tỉnh 03" not in group)
    course = next(
        c.id
        for c in prepared.case.catalog.courses.values()
        if any(s.id == session for s in c.sessions)
    )
    data["assignments"].append(
        {**data["assignments"][0], "official_id": outsider, "course": course, "session": session}
    )
    path = tmp_path / "outsider.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(national), str(path), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert outsider in result.output and session in result.output


def test_block_plan_passes_the_checker_within_its_gap_of_the_single_model(
    prepared: Any, blocks: Any, single: Any
) -> None:
    assert pipeline.check(prepared, blocks).ok
    assert blocks.objective <= blocks.bound
    assert single.objective <= blocks.bound  # the national bound bounds every plan
    assert blocks.objective <= single.bound
    info = blocks.info["blocks"]
    assert info["rounds"], "the master priced the shared rows at least once"
    for round_ in info["rounds"]:  # every round's Lagrangian bound is a bound
        assert round_["lagrangian_bound"] >= single.objective
        assert round_["lagrangian_bound"] >= blocks.objective
    assert {"master", "shares", "relaxation", "order"} <= set(info["assembled"])
    # the reported bound is the least of the relaxation's and the master's
    assert info["bound"] == min(info["relaxation_bound"], info["relaxed_bound"], *lagrangians(info))


def lagrangians(info: dict[str, Any]) -> list[int]:
    return [int(r["lagrangian_bound"] + 1e-6) for r in info["rounds"]]


def test_a_priced_province_bound_is_at_least_the_priced_value_of_its_plan(
    prepared: Any, province_of_unit: dict[str, str | None]
) -> None:
    inst = prepared.instance
    province = provinces_of(inst, province_of_unit)
    shared = sorted(shared_sessions(inst, province))
    members = [i for i, p in enumerate(province) if p == "Tỉnh 01"]
    sub, options = block_instance(
        inst,
        members,
        "Tỉnh 01",
        {s: (inst.sessions[s].seats, 0, 0) for s in shared},
        dict(inst.budgets),
    )
    lines = sorted(inst.budgets)
    prices = Prices(dict.fromkeys(shared, 40.0), dict.fromkeys(lines, 1e-05))
    task = PriceTask("Tỉnh 01", sub, options, prices, 30.0, 0, None)
    priced = price_block(task)
    assert priced.column is not None and priced.bound is not None
    column = priced.column
    charged = sum(prices.seat.get(s, 0.0) * n for s, n in column.seats.items())
    charged += sum(prices.money[k] * v for k, v in column.spent.items())
    assert priced.bound >= column.value - charged - 1e-6
    # Prices lower the plan's use of the shared rows: at zero prices it is at least as large.
    free = price_block(PriceTask("Tỉnh 01", sub, options, Prices(), 30.0, 0, None))
    assert free.column is not None and free.bound is not None
    assert free.bound >= priced.bound - 1e-6


def test_master_lp_prices_integer_choice_and_shares_on_a_hand_example() -> None:
    # One shared session of 3 seats; each province has a plan using 2 of them, worth 6 (a) or
    # 4 (b), and its empty plan. LP: all of a's plan and half of b's (value 8); a seat is worth
    # b's 4 points per 2 seats = 2. Only one of the two plans fits whole: a's.
    rows = SharedRows(sessions=(0,), seats=(3,), lines=(), money=())
    columns = [
        Column("a", (), 0, {}, {}),
        Column("b", (), 0, {}, {}),
        Column("a", (1, 2), 6, {0: 2}, {}),
        Column("b", (3, 4), 4, {0: 2}, {}),
    ]
    lp = master_lp(columns, ["a", "b"], rows)
    assert lp.value == pytest.approx(8.0)
    assert lp.prices.seat[0] == pytest.approx(2.0)
    # The Lagrangian at these prices: a earns 6 − 4, b earns max(0, 4 − 4), plus 3 seats × 2.
    assert lagrangian([2.0, 0.0], lp.prices, rows) == pytest.approx(8.0)
    chosen = integer_choice(columns, ["a", "b"], rows, 5.0)
    assert sorted((c.province, c.value) for c in chosen) == [("a", 6), ("b", 0)]
    seats, money = shares(lp, columns, ["a", "b"], rows)
    assert seats == {0: {"a": 2, "b": 1}} and money == {}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda t: t.replace('sessions: ["cctt-2025-1-kv1"', 'sessions: ["no-such-session"'),
            ["no-such-session", "regions.0.sessions", "unknown session"],
        ),
        (
            lambda t: t.replace('provinces: ["Tỉnh 03"]', 'provinces: ["Tỉnh 99"]'),
            ["Tỉnh 99", "regions.1.provinces", "unknown province"],
        ),
        (
            lambda t: t.replace('sessions: ["cctt-2025-1-kv2"', 'sessions: ["cctt-2025-1-kv1"'),
            ["regions", "cctt-2025-1-kv1", "two groups"],
        ),
    ],
)
def test_a_bad_province_group_is_exit_2_naming_case_yaml_and_the_field(
    national: Path, tmp_path: Path, change: Any, words: list[str]
) -> None:
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(national, folder)
    case_yaml = folder / "case.yaml"
    text = case_yaml.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    case_yaml.write_text(changed, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "case.yaml" in result.output
    for word in words:
        assert word in result.output, (word, result.output)
