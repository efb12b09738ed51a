"""A national plan by province blocks: each province solved on its own (a task each, on any
map: in process or on a Dask cluster), coupled only through the rows provinces share.

Shared rows: the seats (and minimum class, and class cost) of every session that officials of
more than one province can attend (in a national case, the academies' classes), and every
budget line (year, source), which is one national pool. Everything else (days away, the share
of a unit away, prerequisites, term coverage, overlaps) concerns one official or one unit, and a
unit lies in one province.

The method is a resource-directive decomposition (not Lagrangian, not Dantzig–Wolfe), two
rounds of province tasks:
1. Relaxed round: each province planned with every shared row to itself (all the seats, the
   whole budget, no minimum class and no class cost on shared sessions). Each province's bound
   is a bound on its part of any national plan, and the coverage objective is a sum over
   officials, so the sum of the province bounds is a bound on the national optimum: the
   reported bound, and the gap is measured against it. What each province used of each shared
   row is its demand.
2. Master: each shared row's capacity is divided among the provinces in proportion to their
   demand (all of it when demand exceeds capacity, the slack too otherwise; whole seats and
   VND by largest remainder, ties by province). A row whose demand exceeds its capacity is one
   with a positive price; the proportional share is how the master prices it.
3. Restricted round: each province planned within its quotas (a shared session's class cost
   charged pro rata to the province's seats).
4. Re-assembly: the union of the province plans (within every quota, so within every seat and
   budget row but for class costs and minimum classes); sessions below their minimum class are
   closed, an over-spent line loses its least valuable options, hard term needs are rescued,
   and the plan is completed by `greedy.repair` across provinces (leftover seats and money);
   `solve._finish` verifies every rule and writes the result.
Coverage mode only (the bound needs the separable objective). Deterministic for deterministic
province solves (every order is total).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from planner.optimise.constraints import term_coverage
from planner.optimise.greedy import _prune_dangling, _prune_small_classes, rescue_forced
from planner.optimise.instance import Instance, Need, Official, Option
from planner.optimise.objective import Objective
from planner.optimise.result import PlanResult
from planner.optimise.solve import Found, SolveConfig, _finish, solve, violations_of
from planner.optimise.state import PlanState

# A map of a picklable function over items, in order: `serial_map` or a cluster's.
MapFn = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def serial_map(func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [func(item) for item in items]


@dataclass(frozen=True)
class BlockTask:
    """One province to plan: its own instance and how its options map to the nation's."""

    province: str
    instance: Instance
    options: tuple[int, ...]  # block option index → national option index
    config: SolveConfig


@dataclass(frozen=True)
class BlockOutcome:
    province: str
    chosen: tuple[int, ...]  # national option indices
    objective: int
    bound: int
    seats: dict[int, int]  # shared session → seats used
    spent: dict[tuple[int, str], int]  # budget line → VND spent (participant + own classes)
    time_s: float
    status: str


@dataclass
class BlockReport:
    """How the block plan was made (recorded in `PlanResult.info["blocks"]`)."""

    provinces: list[str]
    shared_sessions: int
    relaxed: list[BlockOutcome] = field(default_factory=list)
    restricted: list[BlockOutcome] = field(default_factory=list)
    bound: int = 0
    assembled: int = 0  # objective of the plain union of the restricted plans
    dropped: int = 0  # options removed while repairing shared rows
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "provinces": len(self.provinces),
            "shared_sessions": self.shared_sessions,
            "bound": self.bound,
            "assembled": self.assembled,
            "dropped": self.dropped,
            "relaxed_s": [b.time_s for b in self.relaxed],
            "restricted_s": [b.time_s for b in self.restricted],
            "wall_s": self.wall_s,
        }


def provinces_of(inst: Instance, province_of_unit: Mapping[str, str | None]) -> list[str]:
    """Per official (index), its province; raises ValueError naming a unit without one."""
    out = []
    for official in inst.officials:
        unit = inst.units[official.unit]
        province = province_of_unit.get(unit)
        if not province:
            raise ValueError(f"unit {unit!r} has no province (units.csv column `province`)")
        out.append(province)
    return out


def shared_sessions(inst: Instance, province: Sequence[str]) -> set[int]:
    """Sessions with options for officials of more than one province."""
    seen: dict[int, str] = {}
    shared: set[int] = set()
    for option in inst.options:
        p = province[option.official]
        if seen.setdefault(option.session, p) != p:
            shared.add(option.session)
    return shared


def block_instance(
    inst: Instance,
    officials: Sequence[int],
    name: str,
    sessions: Mapping[int, tuple[int, int, int]],
    budgets: Mapping[tuple[int, str], int],
) -> tuple[Instance, tuple[int, ...]]:
    """The instance of `officials` alone; `sessions` overrides (seats, minimum, class cost) of
    some sessions and `budgets` the budget lines. Returns it and its option → national map."""
    new_official = {o: i for i, o in enumerate(officials)}
    need_map: dict[int, int] = {}
    needs: list[Need] = []
    for n, need in enumerate(inst.needs):
        if need.official in new_official:
            need_map[n] = len(needs)
            needs.append(replace(need, official=new_official[need.official]))
    options: list[Option] = []
    national: list[int] = []
    for o, option in enumerate(inst.options):
        if option.official in new_official:
            national.append(o)
            options.append(
                replace(
                    option,
                    official=new_official[option.official],
                    needs=tuple(need_map[n] for n in option.needs),
                )
            )
    session_list = list(inst.sessions)
    for s, (seats, minimum, class_cost) in sessions.items():
        session_list[s] = replace(
            session_list[s], seats=seats, min_participants=minimum, class_cost=class_cost
        )
    sub = replace(
        inst,
        name=f"{inst.name} — {name}",
        officials=tuple(Official(inst.officials[o].id, inst.officials[o].unit) for o in officials),
        needs=tuple(needs),
        sessions=tuple(session_list),
        options=tuple(options),
        budgets=dict(budgets),
        passed={
            (new_official[o], c): day for (o, c), day in inst.passed.items() if o in new_official
        },
    )
    return sub, tuple(national)


def solve_block(task: BlockTask) -> BlockOutcome:
    """Plan one province (runs as a task: everything it needs is in `task`)."""
    started = time.monotonic()
    inst = task.instance
    plan = solve(inst, task.config)  # InfeasiblePlanError: the nation is infeasible too
    state = PlanState(inst, plan.chosen)
    seats = {s: int(c) for s, c in enumerate(state.count) if c}
    return BlockOutcome(
        province=task.province,
        chosen=tuple(task.options[o] for o in plan.chosen),
        objective=plan.objective,
        bound=plan.bound,
        seats=seats,
        spent={k: int(v) for k, v in state.spent.items() if v},
        time_s=round(time.monotonic() - started, 3),
        status=plan.status,
    )


def allocate(capacity: int, demand: Mapping[str, int], provinces: Sequence[str]) -> dict[str, int]:
    """`capacity` divided among `provinces` in proportion to `demand` (equally when nobody
    asks), in whole units by largest remainder, ties by province order."""
    capacity = max(0, int(capacity))
    weights = [max(0, int(demand.get(p, 0))) for p in provinces]
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(provinces), len(provinces)
    shares = [capacity * w / total for w in weights]
    out = [int(x) for x in shares]
    order = sorted(range(len(provinces)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[: capacity - sum(out)]:
        out[i] += 1
    return dict(zip(provinces, out, strict=True))


def plan_by_blocks(
    inst: Instance,
    province_of_unit: Mapping[str, str | None],
    config: SolveConfig | None = None,
    map_fn: MapFn = serial_map,
) -> PlanResult:
    """The national plan of `inst` by province blocks (see the module docstring)."""
    config = config or SolveConfig()
    if config.mode.value != "coverage":
        raise ValueError("plans by province blocks are made in coverage mode only")
    started = time.monotonic()
    province = provinces_of(inst, province_of_unit)
    names = sorted(set(province))
    members: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(province):
        members[p].append(i)
    shared = sorted(shared_sessions(inst, province))
    report = BlockReport(names, len(shared))
    full_budget = dict(inst.budgets)

    # 1. relaxed round: every shared row to each province alone.
    relaxed_rows = {s: (inst.sessions[s].seats, 0, 0) for s in shared}
    tasks = []
    for p in names:
        sub, options = block_instance(inst, members[p], p, relaxed_rows, full_budget)
        tasks.append(BlockTask(p, sub, options, config))
    report.relaxed = list(map_fn(solve_block, tasks))
    report.bound = sum(b.bound for b in report.relaxed)

    # 2. master: shared rows divided by demand.
    seat_quota = {
        s: allocate(
            inst.sessions[s].seats, {b.province: b.seats.get(s, 0) for b in report.relaxed}, names
        )
        for s in shared
    }
    money_quota = {
        line: allocate(amount, {b.province: b.spent.get(line, 0) for b in report.relaxed}, names)
        for line, amount in sorted(full_budget.items())
    }

    # 3. restricted round: each province within its quotas.
    tasks = []
    for p in names:
        rows = {}
        for s in shared:
            session, seats = inst.sessions[s], seat_quota[s][p]
            class_cost = -(-session.class_cost * seats // session.seats) if session.seats else 0
            rows[s] = (seats, 0, class_cost)
        budgets = {line: quota[p] for line, quota in money_quota.items()}
        sub, options = block_instance(inst, members[p], p, rows, budgets)
        tasks.append(BlockTask(p, sub, options, config))
    report.restricted = list(map_fn(solve_block, tasks))

    # 4. re-assemble and repair the shared rows.
    objective = Objective(inst, config.mode, config.rate)
    state = PlanState(inst, sorted(o for b in report.restricted for o in b.chosen))
    report.assembled = objective.reported(state)
    before = len(state.chosen)
    banned: set[int] = set()
    while _prune_small_classes(inst, state, banned):
        _prune_dangling(inst, state)
    _fit_budget(inst, objective, state)
    forced = set(term_coverage.forced(inst))
    if forced:
        rescue_forced(inst, state, forced)
    report.dropped = max(0, before - len(state.chosen))
    found = Found(plans=[set(state.chosen)], bound=report.bound, info={"method": "blocks"})
    plan = _finish(inst, objective, config, found, started)
    report.wall_s = round(time.monotonic() - started, 3)
    plan.method = {"method": "blocks", "provinces": len(names), "officials": len(inst.officials)}
    plan.info["blocks"] = report.summary()
    plan.time_s = report.wall_s
    return plan


def _fit_budget(inst: Instance, objective: Objective, state: PlanState) -> None:
    """Remove the least valuable options of each over-spent line until it fits (class costs
    charged pro rata in the provinces can add up to more than the line when a session runs in
    fewer provinces than hold its seats)."""
    points = objective.option_points
    while True:
        over = [v for v in violations_of(inst, set(state.chosen)) if v.rule == "budget"]
        if not over:
            return
        year, source = over[0].args["year"], over[0].args["source"]
        sessions = inst.sessions
        on_line = [
            o
            for o in state.sorted_chosen()
            if (sessions[inst.options[o].session].year, sessions[inst.options[o].session].source)
            == (year, source)
        ]
        if not on_line:
            return
        worst = min(on_line, key=lambda o: (points[o], -inst.options[o].cost, -o))
        state.remove(worst)
        _prune_dangling(inst, state)


__all__ = [
    "BlockOutcome",
    "BlockReport",
    "BlockTask",
    "MapFn",
    "allocate",
    "block_instance",
    "plan_by_blocks",
    "provinces_of",
    "serial_map",
    "shared_sessions",
    "solve_block",
]
