"""The price-coordinating master of national plans by province blocks: Dantzig–Wolfe over
province plans.

Shared rows (`SharedRows`): the seats of every session officials of several provinces may
attend, and every budget line (year, source), a national pool. A *column* is one province's
plan: its coverage points and what it uses of each shared row. The restricted master LP picks a
convex combination of each province's columns within the shared rows,

    max Σ_p Σ_j v_pj λ_pj   s.t.  Σ_pj a_pj λ_pj ≤ b (shared rows),  Σ_j λ_pj = 1 (each p),  λ ≥ 0,

and its duals price the shared rows: π per seat of a shared session, μ per VND of a line. Each
province is then solved with those prices in its objective (`price_block`, one task per
province: the province's aggregated exact model, `aggregate.build`, with every option's points
less π of its session and μ × its cost, solved by HiGHS) and returns a new column.

The bound: for any prices π, μ ≥ 0, Σ_p max_x (v_p(x) − π·a_p(x)) + π·b is at least the national
optimum (Lagrangian relaxation of the shared rows); each province's term is bounded by its
solver's dual bound, so the sum is a valid national bound whether or not the province solve
finished. The prices of a round are the master's duals smoothed toward the prices of the best
bound so far (`blend`, Wentges smoothing). A province is solved with the shared sessions'
minimum class and class cost dropped (both only restrict), so the bound stays valid. The
tightest bound over the rounds is kept.

The master's integer choice (`integer_choice`) picks one column per province within the shared
rows (a MIP over the generated columns, HiGHS); `shares` turns the LP's convex combination into
whole-seat and whole-VND quotas per province (primal recovery for a restricted round).
Deterministic: columns in province order, HiGHS single-threaded, every tie broken by index.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from planner.optimise import aggregate
from planner.optimise.arrays import solve_highs
from planner.optimise.greedy import _prune_dangling
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective
from planner.optimise.split import split
from planner.optimise.state import PlanState

Line = tuple[int, str]  # a budget line: (year, funding source)
MONEY_UNIT = 1_000_000  # the master's money rows in millions of VND (numerically tame duals)


@dataclass(frozen=True)
class SharedRows:
    sessions: tuple[int, ...]  # shared session indices
    seats: tuple[int, ...]  # their seats
    lines: tuple[Line, ...]  # budget lines
    money: tuple[int, ...]  # their amounts, VND

    @property
    def size(self) -> int:
        return len(self.sessions) + len(self.lines)


@dataclass(frozen=True)
class Column:
    """One province's plan as the master sees it."""

    province: str
    chosen: tuple[int, ...]  # national option indices
    value: int  # coverage points
    seats: Mapping[int, int]  # shared session → seats used
    spent: Mapping[Line, int]  # budget line → VND (participants, and own sessions' class cost)

    def use(self, rows: SharedRows) -> list[float]:
        return [float(self.seats.get(s, 0)) for s in rows.sessions] + [
            self.spent.get(line, 0) / MONEY_UNIT for line in rows.lines
        ]


@dataclass(frozen=True)
class Prices:
    seat: Mapping[int, float] = field(default_factory=dict)  # points per seat
    money: Mapping[Line, float] = field(default_factory=dict)  # points per VND

    def cost_of(self, rows: SharedRows) -> float:
        """π·b: what the shared capacities are worth at these prices."""
        seats = sum(
            self.seat.get(s, 0.0) * c for s, c in zip(rows.sessions, rows.seats, strict=True)
        )
        money = sum(self.money.get(k, 0.0) * b for k, b in zip(rows.lines, rows.money, strict=True))
        return seats + money


def blend(center: Prices, duals: Prices, alpha: float) -> Prices:
    """α·center + (1 − α)·duals (Wentges smoothing: the master's duals jump from round to
    round; pricing nearer the prices of the best bound so far steadies the bound)."""
    seat = {
        s: alpha * center.seat.get(s, 0.0) + (1 - alpha) * duals.seat.get(s, 0.0)
        for s in sorted(set(center.seat) | set(duals.seat))
    }
    money = {
        k: alpha * center.money.get(k, 0.0) + (1 - alpha) * duals.money.get(k, 0.0)
        for k in sorted(set(center.money) | set(duals.money))
    }
    return Prices(seat, money)


@dataclass(frozen=True)
class PriceTask:
    """One province to solve at prices (runs as a task: everything it needs is in it)."""

    province: str
    instance: Instance  # the province alone, shared sessions without minimum or class cost
    options: tuple[int, ...]  # block option → national option
    prices: Prices
    time_limit: float
    seed: int
    node_limit: int | None


@dataclass(frozen=True)
class Priced:
    column: Column | None
    bound: float | None  # bound on max (points − prices·use) of the province
    time_s: float


def price_block(task: PriceTask) -> Priced:
    """The province's best plan at `task.prices` and a bound on its priced value."""
    started = time.monotonic()
    inst = task.instance
    objective = Objective(inst)
    agg = aggregate.build(inst, objective, aggregate.group(inst))
    model = agg.model
    points = objective.option_points
    seat, money = task.prices.seat, task.prices.money
    price = [_option_price(inst, o, seat, money) for o in range(len(inst.options))]
    rep = agg.rep_option.tolist()
    # Points less prices, without the cost tie-break: the model's optimum is then exactly
    # max (points − prices·use), and its dual bound bounds it.
    model.obj[: agg.n_agg] = [points[o] - price[o] for o in rep]
    for s, var in agg.run_var.items():
        session = inst.sessions[s]
        model.obj[var] = -money.get((session.year, session.source), 0.0) * session.class_cost
    result = solve_highs(
        model, time_limit=task.time_limit, seed=task.seed, node_limit=task.node_limit
    )
    bound = result.bound
    if bound is None:
        relaxed = solve_highs(model, time_limit=task.time_limit, seed=task.seed, relax=True)
        bound = relaxed.bound
    column = None
    if result.x is not None:
        chosen = split(agg, result.x, objective)
        column = _column(task, chosen, points, price)
    return Priced(column, bound, round(time.monotonic() - started, 3))


def _option_price(
    inst: Instance, o: int, seat: Mapping[int, float], money: Mapping[Line, float]
) -> float:
    option = inst.options[o]
    session = inst.sessions[option.session]
    return seat.get(option.session, 0.0) + money.get((session.year, session.source), 0.0) * (
        option.cost
    )


def _column(
    task: PriceTask, chosen: set[int], points: Sequence[int], price: Sequence[float]
) -> Column:
    """The column of a province plan. `split` completes the plan with every option that fits
    (valued without prices): options worth less than their price are taken out again."""
    inst = task.instance
    state = PlanState(inst, chosen)
    for o in sorted(chosen, key=lambda o: (points[o] - price[o], o)):
        if points[o] - price[o] >= 0:
            break
        if o in state.chosen:
            state.remove(o)
            _prune_dangling(inst, state)
    return column_of(task.province, inst, task.options, state)


def column_of(province: str, inst: Instance, options: Sequence[int], state: PlanState) -> Column:
    """The column of a province plan `state` on the province instance `inst`."""
    return Column(
        province=province,
        chosen=tuple(sorted(options[o] for o in state.chosen)),
        value=Objective(inst).coverage(state),
        seats={s: int(c) for s, c in enumerate(state.count) if c},
        spent={k: int(v) for k, v in sorted(state.spent.items()) if v},
    )


@dataclass(frozen=True)
class MasterLP:
    value: float
    weights: tuple[float, ...]  # λ per column
    prices: Prices
    convexity: Mapping[str, float]  # σ per province


def _matrices(
    columns: Sequence[Column], provinces: Sequence[str], rows: SharedRows
) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix]:
    use = np.asarray([c.use(rows) for c in columns], dtype=float).reshape(len(columns), rows.size)
    a_ub = sp.csr_matrix(use.T)
    b_ub = np.asarray(list(map(float, rows.seats)) + [m / MONEY_UNIT for m in rows.money])
    where = {p: i for i, p in enumerate(provinces)}
    a_eq = sp.csr_matrix(
        (np.ones(len(columns)), ([where[c.province] for c in columns], range(len(columns)))),
        shape=(len(provinces), len(columns)),
    )
    return a_ub, b_ub, a_eq


def master_lp(columns: Sequence[Column], provinces: Sequence[str], rows: SharedRows) -> MasterLP:
    """The restricted master LP over `columns` (each province has at least its empty plan, so
    it is feasible) and the prices of the shared rows (its duals)."""
    from scipy.optimize import linprog

    a_ub, b_ub, a_eq = _matrices(columns, provinces, rows)
    values = np.asarray([c.value for c in columns], dtype=float)
    res = linprog(
        -values,
        A_ub=a_ub if rows.size else None,
        b_ub=b_ub if rows.size else None,
        A_eq=a_eq,
        b_eq=np.ones(len(provinces)),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"master LP: {res.message}")
    duals = [max(0.0, -float(d)) for d in (res.ineqlin.marginals if rows.size else [])]
    n = len(rows.sessions)
    prices = Prices(
        {s: d for s, d in zip(rows.sessions, duals[:n], strict=True) if d > 1e-9},
        {k: d / MONEY_UNIT for k, d in zip(rows.lines, duals[n:], strict=True) if d > 1e-9},
    )
    sigma = {p: -float(d) for p, d in zip(provinces, res.eqlin.marginals, strict=True)}
    return MasterLP(-float(res.fun), tuple(float(x) for x in res.x), prices, sigma)


def integer_choice(
    columns: Sequence[Column], provinces: Sequence[str], rows: SharedRows, time_limit: float
) -> list[Column]:
    """One column per province, within every shared row, of the greatest total value."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    a_ub, b_ub, a_eq = _matrices(columns, provinces, rows)
    values = np.asarray([c.value for c in columns], dtype=float)
    constraints = [LinearConstraint(a_eq, 1, 1)]
    if rows.size:
        constraints.append(LinearConstraint(a_ub, -np.inf, b_ub + 1e-9))
    res = milp(
        -values,
        constraints=constraints,
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(1.0, time_limit), "disp": False},
    )
    if res.x is None:  # no time to find one: each province's empty plan fits
        return []
    return [c for c, x in zip(columns, res.x, strict=True) if x > 0.5]


def allocate(
    capacity: int, demand: Mapping[str, float], provinces: Sequence[str]
) -> dict[str, int]:
    """`capacity` divided among `provinces` in proportion to `demand` (equally when nobody
    asks), in whole units by largest remainder, ties by province order."""
    capacity = max(0, int(capacity))
    weights = [max(0.0, float(demand.get(p, 0))) for p in provinces]
    total = sum(weights)
    if total <= 0:
        weights, total = [1.0] * len(provinces), float(len(provinces))
    shares = [capacity * w / total for w in weights]
    out = [int(x) for x in shares]
    order = sorted(range(len(provinces)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[: capacity - sum(out)]:
        out[i] += 1
    return dict(zip(provinces, out, strict=True))


def shares(
    lp: MasterLP, columns: Sequence[Column], provinces: Sequence[str], rows: SharedRows
) -> tuple[dict[int, dict[str, int]], dict[Line, dict[str, int]]]:
    """Whole seats and VND of every shared row per province, in proportion to the LP's convex
    combination (all of a row's capacity is divided: slack too)."""
    seats: dict[int, dict[str, float]] = {s: dict.fromkeys(provinces, 0.0) for s in rows.sessions}
    money: dict[Line, dict[str, float]] = {k: dict.fromkeys(provinces, 0.0) for k in rows.lines}
    for weight, column in zip(lp.weights, columns, strict=True):
        if weight <= 1e-9:
            continue
        for s, used in column.seats.items():
            if s in seats:
                seats[s][column.province] += weight * used
        for k, spent in column.spent.items():
            if k in money:
                money[k][column.province] += weight * spent
    capacity = dict(zip(rows.sessions, rows.seats, strict=True))
    amount = dict(zip(rows.lines, rows.money, strict=True))
    return (
        {s: allocate(capacity[s], d, provinces) for s, d in seats.items()},
        {k: allocate(amount[k], d, provinces) for k, d in money.items()},
    )


def lagrangian(bounds: Sequence[float | None], prices: Prices, rows: SharedRows) -> float:
    """The national bound of one priced round (inf when a province has no bound)."""
    if any(b is None for b in bounds):
        return math.inf
    return sum(b for b in bounds if b is not None) + prices.cost_of(rows)


def reduced_cost(column: Column, lp: MasterLP, rows: SharedRows) -> float:
    price = [lp.prices.seat.get(s, 0.0) for s in rows.sessions] + [
        lp.prices.money.get(k, 0.0) * MONEY_UNIT for k in rows.lines
    ]
    use = column.use(rows)
    return column.value - float(np.dot(price, use)) - lp.convexity.get(column.province, 0.0)


__all__ = [
    "Column",
    "Line",
    "MasterLP",
    "PriceTask",
    "Priced",
    "Prices",
    "SharedRows",
    "allocate",
    "blend",
    "column_of",
    "integer_choice",
    "lagrangian",
    "master_lp",
    "price_block",
    "reduced_cost",
    "shares",
]
