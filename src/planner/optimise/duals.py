"""Prices from the LP relaxation: what one more million VND on a budget line, or one more seat in
a session, is worth to the relaxed plan, in priority points.

What-if reports these next to its probe-based marginal values (`planner.analysis.whatif`),
labelled as what they are: the derivative of the LP relaxation's optimum at the case as it is,
valid for a small change only, and of the relaxation, not of the integer plan (a course is
bought whole, so a real million can buy nothing or a whole class). They cost one LP solve and
need no extra plan per budget line.

The LP is the exact individual model (`aggregate.build` with singleton cohorts: every rule,
the seat links included) with an objective in undiscounted priority points (the what-if's
unit: the sum of the assessment priorities of the needs met); the cost tie-break stays in the
LP (without it the optimum is so degenerate that the simplex is several times slower) and every
solution is valued in points alone. A price is measured, not read off a dual: the LP re-solved
from its optimal basis with one more million on a budget line, or one more seat in a session
(its seats row `Σ z − seats·run ≤ 0` with the run column's coefficient one lower), valued in
points, minus the optimum (at a degenerate optimum a row's dual can be the price of a decrease,
and the duals carry the tie-break). Seats are re-solved for the SEAT_RESOLVES sessions dearest by
their dual (y · run, the envelope theorem); the others have a zero dual and no price.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from planner.optimise import aggregate
from planner.optimise.arrays import ArrayModel
from planner.optimise.constraints import budget, seats
from planner.optimise.highs_session import load, quiet_highs
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective

# Above this many columns the LP of the individual model takes longer than a what-if variant
# (measured: huong-khe, 25k columns, about 2 s); the prices are then left out, and said so.
MAX_COLUMNS = 150_000
THOUSAND = 1000
MILLION = 1_000_000
# Prices below this many points are zero: the cost tie-break alone (ε per thousand VND, < 0.5
# points over the whole plan) moves the relaxation by less than a thousandth of a point here.
TOLERANCE = 1e-3
SEAT_RESOLVES = 40  # sessions re-solved with one more seat (the dearest by their dual)


@dataclass(frozen=True)
class PriorityPoints(Objective):
    """The coverage objective in undiscounted priority points: a need of priority w is worth w
    whatever year it is met in (what-if measures plans in these)."""

    def factor(self, year: int) -> int:
        return 1

    def need_points(self, n: int) -> int:
        return self.inst.needs[n].weight


@dataclass(frozen=True)
class LinePrice:
    year: int
    source: str
    per_million: float  # priority points one more million VND adds to the LP relaxation
    budget: int  # the line's budget (VND)


@dataclass(frozen=True)
class SeatPrice:
    session: str
    course: str
    year: int
    per_seat: float  # priority points one more seat adds to the LP relaxation
    seats: int


@dataclass(frozen=True)
class Prices:
    """The LP relaxation's prices; `status` says why there are none (`too_large`,
    `not_solved`) or `optimal`."""

    status: str
    lines: tuple[LinePrice, ...] = ()
    seats: tuple[SeatPrice, ...] = ()
    lp_value: float | None = None  # the relaxation's optimum, in priority points
    time_s: float = 0.0


def lp_prices(inst: Instance, *, time_limit: float, seed: int = 0) -> Prices:
    """The prices of every budget line and every session's seats at the LP optimum of the
    individual model; lines and sessions with no price (slack rows) are listed with 0."""
    started = time.monotonic()
    objective = PriorityPoints(inst)
    exact = aggregate.build(inst, objective, aggregate.group(inst, singletons=True))
    model = exact.model
    if model.num_vars > MAX_COLUMNS:
        return Prices("too_large", time_s=round(time.monotonic() - started, 3))
    # Points alone: every column's coefficient is whole points minus its ε-cost (ε·total cost
    # < 0.45), so rounding gives each column's points. The LP keeps the tie-break (without it the
    # optimum is so degenerate that the simplex takes 13 s on huong-khe instead of 2 s) and a
    # solution is valued in points: the tie-break moves that by less than half a point.
    points = np.round(model.obj)
    left = max(0.1, time_limit - (time.monotonic() - started))
    solved = _solve_lp(model, time_limit=left, seed=seed)
    if solved is None:
        return Prices("not_solved", time_s=round(time.monotonic() - started, 3))
    highs, x, row_dual = solved
    value = float(points @ x)
    line_price: dict[tuple[int, str], float] = {}
    seat_price: dict[int, float] = {}
    seat_rows: dict[int, int] = {}  # session → its seats row
    for r, (rule, tag) in enumerate(zip(model.rule, model.tag, strict=True)):
        if rule == budget.NAME and isinstance(tag, tuple):
            # one more million on the line, re-solved from the optimal basis: the price of an
            # increase (at a degenerate optimum the row's dual can be the price of a decrease)
            more = _points_with_bound(highs, points, r, model.row_lb[r], model.row_ub[r] + THOUSAND)
            if more is not None:
                line_price[tag] = max(0.0, more - value) / THOUSAND
        elif rule == seats.NAME and isinstance(tag, int):
            seat_rows[tag] = r
            y = max(0.0, float(row_dual[r]))
            run = exact.run_var.get(tag)
            seat_price[tag] = y * (float(x[run]) if run is not None else 1.0)
    # The dearest sessions by their dual (which carries the tie-break's ε): re-solved with one
    # more seat, valued in points, as the lines are.
    dearest = sorted(
        (s for s, y in seat_price.items() if y > TOLERANCE), key=lambda s: -seat_price[s]
    )
    for s in dearest[:SEAT_RESOLVES]:
        more = _points_with_seat(highs, points, model, seat_rows[s], exact.run_var.get(s))
        if more is not None:
            seat_price[s] = max(0.0, more - value)
    lines = tuple(
        LinePrice(
            year,
            source,
            _clean(line_price.get((year, source), 0.0) * THOUSAND),
            inst.budget(year, source),
        )
        for year, source in sorted(_lines(inst))
    )
    sessions = tuple(
        SeatPrice(
            session.id,
            inst.courses[session.course].id,
            session.year,
            _clean(seat_price.get(s, 0.0)),
            session.seats,
        )
        for s, session in enumerate(inst.sessions)
    )
    return Prices(
        "optimal",
        lines,
        sessions,
        lp_value=round(value, 3),
        time_s=round(time.monotonic() - started, 3),
    )


def _lines(inst: Instance) -> set[tuple[int, str]]:
    """Every budget line a session charges (a line no session uses has no price to report)."""
    return {(s.year, s.source) for s in inst.sessions}


def _clean(value: float) -> float:
    return 0.0 if abs(value) < TOLERANCE else round(value, 6)


def _solve_lp(
    model: ArrayModel, *, time_limit: float, seed: int
) -> tuple[highspy.Highs, np.ndarray, np.ndarray] | None:
    """The LP relaxation by HiGHS's dual simplex: (the solver, holding its optimal basis; column
    values, row duals), or None when it is not solved to optimality in `time_limit`."""
    highs = quiet_highs()
    for name, value in (
        ("threads", 1),
        ("random_seed", int(seed)),
        ("solver", "simplex"),
        ("time_limit", float(time_limit)),
    ):
        highs.setOptionValue(name, value)
    matrix = model.A.tocsc()
    matrix.sort_indices()
    load(
        highs,
        cost=model.obj,
        lower=model.lb,
        upper=model.ub,
        row_lower=model.row_lb,
        row_upper=model.row_ub,
        matrix=matrix,
    )
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = highs.getSolution()
    return highs, np.asarray(solution.col_value), np.asarray(solution.row_dual)


def _points_with_seat(
    highs: highspy.Highs, points: np.ndarray, model: ArrayModel, row: int, run: int | None
) -> float | None:
    """The points of the LP optimum with one more seat in the session of seats row `row`: its
    bound one higher (no run column), or its run column's coefficient −seats one lower."""
    if run is None:
        return _points_with_bound(highs, points, row, model.row_lb[row], model.row_ub[row] + 1)
    coefficient = float(model.A[row, run])
    highs.changeCoeff(row, run, coefficient - 1.0)
    highs.run()
    value = _optimal_points(highs, points)
    highs.changeCoeff(row, run, coefficient)
    highs.run()
    return value


def _optimal_points(highs: highspy.Highs, points: np.ndarray) -> float | None:
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(points @ np.asarray(highs.getSolution().col_value))


def _points_with_bound(
    highs: highspy.Highs, points: np.ndarray, row: int, lower: float, upper: float
) -> float | None:
    """The points of the LP optimum with row `row`'s bounds moved to (lower, upper), from the
    current basis; the row's bounds are put back (and the basis re-optimised) before returning."""
    original = (float(highs.getLp().row_lower_[row]), float(highs.getLp().row_upper_[row]))
    highs.changeRowBounds(row, float(lower), float(upper))
    highs.run()
    value = _optimal_points(highs, points)
    highs.changeRowBounds(row, *original)
    highs.run()
    return value


__all__ = ["LinePrice", "PriorityPoints", "Prices", "SeatPrice", "lp_prices", "MILLION"]
