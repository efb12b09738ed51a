"""A national plan by province blocks: each province solved on its own (a task each, on any
map: in process or on a Dask cluster), coupled only through the rows provinces share.

Shared rows: the seats (and minimum class, and class cost) of every session that officials of
more than one province can attend (national classes, and a regional campus's classes, which
only its group of provinces may attend: case.yaml `regions`), and every budget line (year,
source), which is one national pool. Everything else (days away, the share of a unit away,
prerequisites, term coverage, overlaps) concerns one official or one unit, and a unit lies in
one province.

The method, in rounds of province tasks:
1. The national relaxation (`national_relaxation`): the transport relaxation of the whole
   nation (`transport.py`; its size follows the catalog and the variety of needs, not the number
   of officials, so one process solves it in seconds at 300,000 officials). Its LP bound is the
   national bound (the one model's bound at scale, valid for every plan), and its LP solution
   gives each province its share of every shared row (the seats its officials take, the money
   they spend), each row's whole capacity divided in whole seats and VND (`allocate`).
2. Restricted round: each province planned by the province method (`solve`, one task each)
   within its shares (a shared session's class cost charged pro rata, no minimum class on it:
   the minimum is national).
3. With `rounds` > 0 (or when the relaxation's LP gave no bound) the Dantzig–Wolfe master
   over province plans too (`blocks_master`): a relaxed round (each province with every shared
   row to itself; the sum of the province bounds is a national bound), priced rounds (the
   restricted master LP's duals price the shared rows in each province, smoothed toward the
   prices of the best bound so far, Wentges; each round's Lagrangian bound is a national bound),
   then the master's integer choice of one column per province and a restricted round within
   the shares of the master LP's combination. Measured on 34 provinces × 30,000 officials this
   master is far weaker than the relaxation (benchmarks/results/RESULTS_dask.md): few columns
   per province price the shared rows badly; it is kept for small cases and as the fallback.
4. Re-assembly: for each candidate the union of the province plans (and the national
   construction in the order of the relaxation's shares, the one model's first plan at scale);
   members of classes below their minimum are merged into other sessions of the course or the
   classes filled from officials of any province, classes still short closed, an over-spent
   line loses its least valuable options, hard term needs are rescued; `solve._finish` keeps
   the best candidate, completes it across provinces with `greedy.repair` (leftover seats and
   money) and verifies every rule. The reported bound is the least of the valid national
   bounds computed (the relaxation's, and the master's when it ran).
Coverage mode only (the bound needs the separable objective). Deterministic for deterministic
province solves (every order is total; `SolveConfig.work_limit` makes them clock-free).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from planner.optimise.arrays import solve_highs
from planner.optimise.blocks_master import (
    Column,
    Line,
    MasterLP,
    Prices,
    PriceTask,
    SharedRows,
    allocate,
    blend,
    integer_choice,
    lagrangian,
    master_lp,
    price_block,
    reduced_cost,
    shares,
)
from planner.optimise.constraints import term_coverage
from planner.optimise.greedy import (
    _prune_dangling,
    _prune_small_classes,
    build_in_order,
    first_block,
    rescue_forced,
)
from planner.optimise.instance import Instance, Need, Official, Option
from planner.optimise.objective import Objective
from planner.optimise.result import PlanResult
from planner.optimise.solve import Found, SolveConfig, _finish, solve, violations_of
from planner.optimise.state import PlanState

# Priced rounds of the Dantzig–Wolfe master when it is asked for (each is one task per province).
PRICE_ROUNDS = 5
# Weight of the best bound's prices against the master's new duals (Wentges smoothing).
SMOOTHING = 0.5
# The national relaxation's LP gets at least this long (its bound is the plan's bound).
RELAXATION_MIN_S = 60.0
# Weight of one option in a province's demand for a shared session's seats: its seats the
# relaxation leaves empty are divided by the officials who may take them.
UNUSED_SEAT_WEIGHT = 1e-6
CLOSE_SHORT = True

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
    # per candidate quotas ("relaxation", "shares"): the restricted round's province outcomes
    restricted: dict[str, list[BlockOutcome]] = field(default_factory=dict)
    rounds: list[dict[str, Any]] = field(default_factory=list)  # one per priced round
    bound: int = 0
    relaxed_bound: int = 0  # the sum of the relaxed round's province bounds (0: no such round)
    relaxation_bound: int | None = None  # the national transport relaxation's bound
    relaxation_s: float = 0.0
    master_lp: float = 0.0  # the last restricted master LP's value
    assembled: dict[str, int] = field(default_factory=dict)  # per candidate, before repair
    dropped: dict[str, int] = field(default_factory=dict)  # per candidate, options repaired out
    repaired: dict[str, int] = field(default_factory=dict)  # per candidate, after the repair
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "provinces": len(self.provinces),
            "shared_sessions": self.shared_sessions,
            "bound": self.bound,
            "relaxed_bound": self.relaxed_bound,
            "relaxation_bound": self.relaxation_bound,
            "relaxation_s": self.relaxation_s,
            "master_lp": self.master_lp,
            "rounds": self.rounds,
            "assembled": self.assembled,
            "dropped": self.dropped,
            "repaired": self.repaired,
            "relaxed_s": [b.time_s for b in self.relaxed],
            "restricted_s": {k: [b.time_s for b in v] for k, v in self.restricted.items()},
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


def plan_by_blocks(
    inst: Instance,
    province_of_unit: Mapping[str, str | None],
    config: SolveConfig | None = None,
    map_fn: MapFn = serial_map,
    rounds: int = 0,
) -> PlanResult:
    """The national plan of `inst` by province blocks (see the module docstring); `rounds`
    priced rounds of the Dantzig–Wolfe master (0: the national relaxation's shares alone, the
    master only when the relaxation's LP gives no bound, then with PRICE_ROUNDS)."""
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
    lines = sorted(full_budget)
    rows = SharedRows(
        tuple(shared),
        tuple(inst.sessions[s].seats for s in shared),
        tuple(lines),
        tuple(full_budget[k] for k in lines),
    )
    objective = Objective(inst, config.mode, config.rate)

    # 1. the national relaxation: a bound, and each province's share of every shared row.
    relaxation = national_relaxation(inst, objective, province, names, rows, config)
    report.relaxation_s = relaxation.time_s
    bounds: list[int] = []
    quotas: dict[str, tuple[dict[int, dict[str, int]], dict[Line, dict[str, int]]]] = {}
    if relaxation.bound is not None:
        report.relaxation_bound = relaxation.bound
        bounds.append(relaxation.bound)
    if relaxation.seats is not None and relaxation.money is not None:
        quotas["relaxation"] = (relaxation.seats, relaxation.money)

    # 2. the Dantzig–Wolfe master (when asked, or when the relaxation gave no bound).
    chosen_columns: list[Column] = []
    if rounds > 0 or not bounds:
        relaxed_bound, lp, columns = _price_rounds(
            inst, config, map_fn, rounds or PRICE_ROUNDS, names, members, rows, report
        )
        bounds.append(relaxed_bound)
        report.master_lp = round(lp.value, 3)
        chosen_columns = integer_choice(columns, names, rows, config.time_limit)
        quotas["shares"] = shares(lp, columns, names, rows)
    report.bound = min(bounds)

    # 3. restricted rounds: the province method within whole-seat, whole-VND quotas of every
    # shared row (a shared session's class cost charged pro rata).
    def restricted(
        seat_quota: Mapping[int, Mapping[str, int]],
        money_quota: Mapping[Line, Mapping[str, int]],
        provinces: Sequence[str],
        closed: set[int],
    ) -> list[BlockOutcome]:
        tasks = []
        for p in provinces:
            quota_rows = {}
            for s in shared:
                session = inst.sessions[s]
                seats = 0 if s in closed else seat_quota[s][p]
                class_cost = -(-session.class_cost * seats // session.seats) if session.seats else 0
                quota_rows[s] = (seats, 0, class_cost)
            budgets = {line: quota[p] for line, quota in money_quota.items()}
            sub, options = block_instance(inst, members[p], p, quota_rows, budgets)
            tasks.append(BlockTask(p, sub, options, config))
        return list(map_fn(solve_block, tasks))

    plans: list[set[int]] = []

    def candidate(name: str, chosen: Sequence[int]) -> set[int]:
        """Re-assembled `chosen` repaired on the shared rows; the shared classes it closed."""
        state = PlanState(inst, chosen)
        report.assembled[name] = objective.reported(state)
        before = len(state.chosen)
        banned = _repair_shared(inst, objective, state)
        report.dropped[name] = max(0, before - len(state.chosen))
        report.repaired[name] = objective.reported(state)
        plans.append(set(state.chosen))
        return banned & set(shared)

    if chosen_columns:
        candidate("master", sorted(o for c in chosen_columns for o in c.chosen))
    for name, (seat_quota, money_quota) in quotas.items():
        outcomes = restricted(seat_quota, money_quota, names, set())
        report.restricted[name] = outcomes
        closed = candidate(name, sorted(o for b in outcomes for o in b.chosen))
        if closed and name == "relaxation":
            # Shared classes the repair had to close: the provinces that planned into them are
            # planned again without them (the others keep their plans).
            again = [
                b.province
                for b in outcomes
                if any(inst.options[o].session in closed for o in b.chosen)
            ]
            redone = {b.province: b for b in restricted(seat_quota, money_quota, again, closed)}
            outcomes = [redone.get(b.province, b) for b in outcomes]
            report.restricted[f"{name}_again"] = list(redone.values())
            candidate(f"{name}_again", sorted(o for b in outcomes for o in b.chosen))

    if relaxation.share is not None:
        # the national construction in the order of the relaxation's shares (the one model's
        # first plan at scale): shared classes filled across provinces from the start
        points = np.asarray(objective.option_points, dtype=float)
        share = relaxation.share
        score = np.where(
            share >= 0, np.round(share * 1000) * (points.max(initial=0) + 1) + points, -np.inf
        )
        candidate("order", sorted(build_in_order(inst, objective, score).chosen))

    # 4. `_finish` takes the best repaired candidate and completes it across provinces.
    found = Found(plans=plans, bound=report.bound, info={"method": "blocks"})
    plan = _finish(inst, objective, config, found, started)
    report.wall_s = round(time.monotonic() - started, 3)
    plan.method = {"method": "blocks", "provinces": len(names), "officials": len(inst.officials)}
    plan.info["blocks"] = report.summary()
    plan.time_s = report.wall_s
    return plan


def _price_rounds(
    inst: Instance,
    config: SolveConfig,
    map_fn: MapFn,
    rounds: int,
    names: Sequence[str],
    members: Mapping[str, Sequence[int]],
    rows: SharedRows,
    report: BlockReport,
) -> tuple[int, MasterLP, list[Column]]:
    """The relaxed round and `rounds` priced rounds of the Dantzig–Wolfe master: the best
    Lagrangian bound, the last master LP and the columns."""
    shared = rows.sessions
    full_budget = dict(zip(rows.lines, rows.money, strict=True))
    # the relaxed round: every shared row to each province alone, the province method.
    relaxed_rows = {s: (inst.sessions[s].seats, 0, 0) for s in shared}
    subs = {p: block_instance(inst, members[p], p, relaxed_rows, full_budget) for p in names}
    tasks = [BlockTask(p, subs[p][0], subs[p][1], config) for p in names]
    report.relaxed = list(map_fn(solve_block, tasks))
    report.relaxed_bound = sum(b.bound for b in report.relaxed)
    columns = [Column(p, (), 0, {}, {}) for p in names]  # the empty plans: the master is feasible
    columns += [_outcome_column(b) for b in report.relaxed]

    # priced rounds: the master LP's duals price the shared rows in each province.
    lagrange = float(report.relaxed_bound)
    center = Prices()  # the prices of the best bound so far (the relaxed round's: none)
    lp = master_lp(columns, names, rows)
    stalled = 0
    for _ in range(rounds):
        if not rows.size:
            break
        prices = blend(center, lp.prices, SMOOTHING)
        tasks_p = [
            PriceTask(
                p, subs[p][0], subs[p][1], prices, config.time_limit, config.seed, config.work_limit
            )
            for p in names
        ]
        priced = list(map_fn(price_block, tasks_p))
        bound = lagrangian([r.bound for r in priced], prices, rows)
        if bound < lagrange:
            lagrange, center = bound, prices
        new = [r.column for r in priced if r.column is not None]
        improving = [c for c in new if reduced_cost(c, lp, rows) > 1e-6]
        columns += [c for c in new if c.chosen not in {k.chosen for k in columns}]
        report.rounds.append(
            {
                "master_lp": round(lp.value, 3),
                "lagrangian_bound": round(bound, 3),
                "improving_columns": len(improving),
                "province_s": [r.time_s for r in priced],
            }
        )
        lp = master_lp(columns, names, rows)
        # Two rounds without a column the master wants (smoothed prices can miss one): stop.
        stalled = 0 if improving else stalled + 1
        if stalled == 2:
            break
    return min(report.relaxed_bound, math.floor(lagrange + 1e-6)), lp, columns


@dataclass(frozen=True)
class Relaxation:
    """The national transport relaxation (`transport.py`) of a block plan."""

    bound: int | None  # a valid bound on the national coverage (None: the LP did not finish)
    seats: dict[int, dict[str, int]] | None  # shared session → province → whole seats
    money: dict[Line, dict[str, int]] | None  # budget line → province → whole VND
    time_s: float
    share: np.ndarray | None = None  # per option, the LP's share (−1: dropped by it)


def national_relaxation(
    inst: Instance,
    objective: Objective,
    province: Sequence[str],
    names: Sequence[str],
    rows: SharedRows,
    config: SolveConfig,
) -> Relaxation:
    """The transport relaxation of the whole nation (the one model's bound at scale: its size
    follows the catalog and the variety of needs, not the number of officials) and, from its
    LP solution, each province's share of every shared row: the seats its officials take, and
    the money they spend (participants' costs, and the class costs of the sessions they fill,
    pro rata), each row's whole capacity divided in proportion (`allocate`)."""
    from planner.optimise import transport

    started = time.monotonic()
    relaxation = transport.build(inst, objective)
    lp = solve_highs(
        relaxation.model,
        relax=True,
        seed=config.seed,
        time_limit=max(RELAXATION_MIN_S, config.time_limit),
    )
    bound = relaxation.bound(lp.bound) if lp.bound is not None else None
    if lp.x is None:
        return Relaxation(bound, None, None, round(time.monotonic() - started, 3))
    share = relaxation.option_share(lp.x)
    sessions = inst.sessions
    shared = set(rows.sessions)
    seat_demand: dict[int, dict[str, float]] = {s: defaultdict(float) for s in rows.sessions}
    money_demand: dict[Line, dict[str, float]] = {k: defaultdict(float) for k in rows.lines}
    # per (session, province): the seats the LP gives the province's officials
    used: dict[tuple[int, str], float] = defaultdict(float)
    for o in np.flatnonzero(share > 1e-9).tolist():
        option = inst.options[o]
        p = province[option.official]
        session = sessions[option.session]
        x = float(share[o])
        used[(option.session, p)] += x
        line = (session.year, session.source)
        if line in money_demand and option.cost:
            money_demand[line][p] += x * option.cost
    # seats the LP leaves empty go to the provinces whose officials may take them
    for s in rows.sessions:
        for o in inst.options_by_session[s]:
            seat_demand[s][province[inst.options[o].official]] += UNUSED_SEAT_WEIGHT
    total: dict[int, float] = defaultdict(float)
    for (s, _), x in used.items():
        total[s] += x
    for (s, p), x in sorted(used.items()):
        session = sessions[s]
        if s in shared:
            seat_demand[s][p] += x
        line = (session.year, session.source)
        if session.class_cost and line in money_demand and total[s] > 0:
            # the class cost of a session the LP fills to its minimum, by the seats taken
            opened = min(1.0, total[s] / max(1, session.min_participants))
            money_demand[line][p] += session.class_cost * opened * x / total[s]
    capacity = dict(zip(rows.sessions, rows.seats, strict=True))
    # A shared class the relaxation does not fill to its minimum is closed: provinces planning
    # a few officials into it each would leave it short (the minimum is national).
    for s in rows.sessions:
        if CLOSE_SHORT and total[s] < sessions[s].min_participants - 1e-6:
            capacity[s] = 0
    amount = dict(zip(rows.lines, rows.money, strict=True))
    return Relaxation(
        bound,
        {s: allocate(capacity[s], d, names) for s, d in seat_demand.items()},
        {k: allocate(amount[k], d, names) for k, d in money_demand.items()},
        round(time.monotonic() - started, 3),
        share,
    )


def _outcome_column(outcome: BlockOutcome) -> Column:
    return Column(outcome.province, outcome.chosen, outcome.objective, outcome.seats, outcome.spent)


def _repair_shared(inst: Instance, objective: Objective, state: PlanState) -> set[int]:
    """Close sessions below their minimum class, fit every budget line (a shared session's
    class cost is outside the columns), and rescue hard term needs. Returns the sessions
    closed."""
    banned: set[int] = set()
    _merge_small_classes(inst, objective, state)
    for _ in range(len(inst.sessions) + 1):
        _fill_small_classes(inst, objective, state, banned)
        _pull_into_small_classes(inst, objective, state, banned)
        if not _prune_small_classes(inst, state, banned):
            break
        _prune_dangling(inst, state)
    _fit_budget(inst, objective, state)
    forced = set(term_coverage.forced(inst))
    if forced:
        rescue_forced(inst, state, forced)
    return banned


def _merge_small_classes(inst: Instance, objective: Objective, state: PlanState) -> None:
    """Move the members of a class below its minimum to another session of the same course
    (the fullest first) where the move breaks no rule and is worth no fewer points: provinces
    that each sent a few officials to different sessions of a course fill one of them."""
    points = objective.option_points
    by_course: dict[int, list[int]] = defaultdict(list)
    for s, session in enumerate(inst.sessions):
        if session.min_participants:
            by_course[session.course].append(s)
    for sessions in by_course.values():
        if len(sessions) < 2:
            continue
        short = sorted(
            (s for s in sessions if 0 < state.count[s] < inst.sessions[s].min_participants),
            key=lambda s: (state.count[s], s),
        )
        for s in short:
            if not 0 < state.count[s] < inst.sessions[s].min_participants:
                continue  # filled by an earlier move
            # Into classes already larger (never into an empty one: that opens a small class).
            targets = sorted(
                (t for t in sessions if t != s and state.count[t] >= state.count[s]),
                key=lambda t: (-state.count[t], t),
            )
            where = {
                t: {inst.options[o].official: o for o in inst.options_by_session[t]}
                for t in targets
            }
            for o in [o for o in inst.options_by_session[s] if o in state.chosen]:
                official = inst.options[o].official
                state.remove(o)
                moved = False
                for t in targets:
                    other = where[t].get(official)
                    if other is None or points[other] < points[o]:
                        continue
                    if first_block(inst, state, other, tentative=True) is None:
                        state.add(other)
                        moved = True
                        break
                if not moved:
                    state.add(o)
    _prune_dangling(inst, state)


def _fill_small_classes(
    inst: Instance, objective: Objective, state: PlanState, banned: set[int]
) -> None:
    """Bring shared sessions below their minimum class up to it where officials of any
    province who still need them can be added (each province planned its share of a class
    without knowing the others'); the sessions nearest their minimum first, then the most
    valuable options, ties by index. Sessions that stay short are closed by the caller."""
    points = objective.option_points
    short = [
        s
        for s, session in enumerate(inst.sessions)
        if s not in banned and 0 < state.count[s] < session.min_participants
    ]
    short.sort(key=lambda s: (inst.sessions[s].min_participants - state.count[s], s))
    for s in short:
        need = inst.sessions[s].min_participants - state.count[s]
        order = sorted(inst.options_by_session[s], key=lambda o: (-points[o], o))
        for o in order:
            if need <= 0:
                break
            if o in state.chosen or all(state.met(n) for n in inst.options[o].needs):
                continue
            if first_block(inst, state, o, tentative=True) is None:
                state.add(o)
                need -= 1


def _pull_into_small_classes(
    inst: Instance, objective: Objective, state: PlanState, banned: set[int]
) -> None:
    """Bring classes still below their minimum up to it with officials trained for the same
    needs in another session: an official moves when the move is worth no fewer points, breaks
    no rule and leaves the class he leaves at or above its own minimum (or without one). The
    sessions nearest their minimum first, then the most valuable options, ties by index."""
    points = objective.option_points
    options, sessions = inst.options, inst.sessions
    short = [
        s
        for s, session in enumerate(sessions)
        if s not in banned and 0 < state.count[s] < session.min_participants
    ]
    short.sort(key=lambda s: (sessions[s].min_participants - state.count[s], s))
    for s in short:
        need = sessions[s].min_participants - state.count[s]
        for o in sorted(inst.options_by_session[s], key=lambda o: (-points[o], o)):
            if need <= 0:
                break
            if o in state.chosen:
                continue
            closes = set(options[o].needs)
            held = [
                k
                for k in inst.options_by_official[options[o].official]
                if k in state.chosen and closes & set(options[k].needs)
            ]
            if len(held) != 1 or points[held[0]] > points[o]:
                continue
            t = options[held[0]].session
            if t == s or 0 < state.count[t] - 1 < sessions[t].min_participants:
                continue
            state.remove(held[0])
            if first_block(inst, state, o, tentative=True) is None:
                state.add(o)
                need -= 1
            else:
                state.add(held[0])


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
