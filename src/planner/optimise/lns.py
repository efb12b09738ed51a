"""Large neighbourhood search on the exact individual model: improve a plan by re-solving small
parts of it exactly, many times.

Why: on five-year cases with individual needs (examples/huong-khe, 18,568 columns) HiGHS's
branch-and-cut spends its first ~12 s on the root node (cuts, then its own sub-MIP), so within
the default limit it returns little more than the plan it was given; the coupling rows (seats,
minimum class, budget lines, unit share) are what makes the plan hard, and they are local enough
that a good plan is reached by moving a few dozen officials at a time.

One round: choose a neighbourhood F of officials; keep every other official's columns fixed at
the incumbent; solve the sub-MIP over F's columns and the run columns of the sessions F may
attend (HiGHS, the incumbent's
part as its start, so the sub-MIP is feasible and never worse) on the rows it touches, the fixed
columns' contribution moved into the row bounds. An improvement is kept only when the whole
vector meets every row of the full model.

Neighbourhoods (seeded): mostly *session* neighbourhoods (every official who could attend a
few random sessions, so a class can be opened, filled or closed and its money moved; measured on
huong-khe at 10 s: 2,644,630 against 2,434,085 for random sets of officials), and one round in
four a random set of officials (moves across sessions that share no candidate). The size adapts
to the sub-MIP's status only (proved: grow; stopped by its node limit: shrink), never to the
clock, so the sequence of rounds is the same on any machine: with `max_rounds` (a work limit)
the result is deterministic whenever the clock does not stop the search first.

A start that breaks rows (a quick plan that left a hard term need unmet because the greedy order
ran out of seats for it; measured on 2,000 officials × 5 years at 18 s when the full greedy did
not fit: before, 21 rounds without a gain and then the greedy fallback, 29 s in all) is repaired
first: the officials of the broken rows are freed with the other candidates of their sessions,
growing the neighbourhood while a round fails, until every row holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from planner.optimise.arrays import HIGHS_PRESOLVE_RULES_OFF, ArrayModel
from planner.optimise.constraints import seats
from planner.optimise.highs_session import load, quiet_highs

SESSION_SHARE = 0.75  # of the rounds: session neighbourhoods (the rest: random officials)
START_SIZE = 40  # officials freed in the first round
MIN_SIZE = 5
GROW, SHRINK = 1.1, 0.85
# Work per round: branch-and-bound nodes per sub-MIP, and on the clock at most this many seconds
# (measured on huong-khe, 8 s, seeds 0-2: 100 nodes / 1 s reached 2.56-2.64 M, 500 nodes / 2 s
# 2.41 M: many quick rounds beat a few deep ones). With a round limit (a work limit) the clock
# only guards the whole search, so every round runs to its node limit: deterministic.
SUB_NODE_LIMIT = 100
SUB_TIME_LIMIT = 1.0
FEASIBLE_TOL = 1e-6


@dataclass(frozen=True)
class Layout:
    """Which columns belong to which official, and who could attend each session."""

    model: ArrayModel
    official_columns: tuple[np.ndarray, ...]  # official → its columns (options, need credits)
    official_runs: tuple[np.ndarray, ...]  # official → run columns of the sessions it may attend
    session_officials: tuple[np.ndarray, ...]  # session → officials with an option in it


@dataclass
class Search:
    """The outcome: the best vector found, its objective, and how the search went."""

    x: np.ndarray
    value: float
    rounds: int = 0
    improved: int = 0
    proved: int = 0  # sub-MIPs solved to optimality
    size: int = START_SIZE
    feasible: bool = True  # the final vector meets every row (False: the repair did not finish)
    trace: list[tuple[float, float]] = field(default_factory=list)  # (seconds, value) on gains


def layout(
    model: ArrayModel,
    column_official: np.ndarray,
    session_officials: Sequence[Collection[int]],
    run_column: dict[int, int],
) -> Layout:
    """The index structures of the search: `column_official[j]` is the official owning column j
    (−1 for a run column); `session_officials[s]` the officials with an option in session s;
    `run_column[s]` the run column of session s (sessions without one are always open)."""
    officials = int(column_official.max(initial=-1)) + 1
    order = np.argsort(column_official, kind="stable")
    owners = column_official[order]
    starts = np.searchsorted(owners, np.arange(officials + 1))
    own = tuple(order[starts[k] : starts[k + 1]] for k in range(officials))
    runs: list[list[int]] = [[] for _ in range(officials)]
    for s, members in enumerate(session_officials):
        if s in run_column:
            for k in members:
                runs[k].append(run_column[s])
    return Layout(
        model,
        own,
        tuple(np.asarray(sorted(r), dtype=np.int64) for r in runs),
        tuple(np.asarray(sorted(set(o)), dtype=np.int64) for o in session_officials),
    )


def improve(
    lay: Layout,
    x0: np.ndarray,
    *,
    seed: int = 0,
    deadline: float | None = None,
    max_rounds: int | None = None,
    on_improve: Callable[[float], None] | None = None,
) -> Search:
    """Rounds of neighbourhood re-optimisation from the integral vector `x0`, until `deadline`
    (time.monotonic()) or `max_rounds`, whichever comes first (at least one must be given).
    From a feasible `x0` the result is never worse and meets every row of the model;
    `on_improve(value)` is told of every better plan meeting them (live progress).

    From an `x0` that breaks rows (a quick plan that left a hard term need unmet), the search
    first repairs: each round frees the officials of the broken rows with the candidates of
    the sessions they could attend, and keeps any vector that breaks less, until none is
    broken (`Search.feasible`); only then does it improve the value."""
    if deadline is None and max_rounds is None:
        raise ValueError("improve needs a deadline or a round limit")
    model = lay.model
    A_csr = model.A.tocsr()
    A_csc = model.A.tocsc()
    x = np.round(np.asarray(x0, dtype=float))
    search = Search(x=x, value=float(model.obj @ x))
    breach = model.violation(x)  # how far x breaks its worst row (0: feasible)
    owner = _column_owner(lay)
    seat_row = np.zeros(model.A.shape[0], dtype=bool)  # rows named by rule (a model may name none)
    seat_row[[r for r, rule in enumerate(model.rule) if rule == seats.NAME]] = True
    rng = np.random.default_rng(seed)
    officials = len(lay.official_columns)
    started = time.monotonic()
    while officials and (max_rounds is None or search.rounds < max_rounds):
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left < 0.05:
            break
        free = np.zeros(0, dtype=np.int64)
        if breach > FEASIBLE_TOL:
            free = _repair_neighbourhood(
                lay, A_csr, A_csc, owner, seat_row, search.x, rng, search.size
            )
        if not len(free):  # feasible, or broken rows of run columns only
            free = _neighbourhood(lay, rng, search.size)
        if max_rounds is not None:  # work-limited: the node limit stops a round, not the clock
            limit = left if left is not None else float("inf")
        else:
            limit = SUB_TIME_LIMIT if left is None else min(SUB_TIME_LIMIT, left)
        limit = max(0.05, limit)
        proved, candidate = _resolve(model, A_csr, A_csc, lay, free, search.x, limit)
        search.rounds += 1
        better = False
        if candidate is not None:
            value = float(model.obj @ candidate)
            violation = model.violation(candidate)
            if breach > FEASIBLE_TOL:
                better = violation < breach - FEASIBLE_TOL
            else:
                better = value > search.value + FEASIBLE_TOL and violation <= FEASIBLE_TOL
            if better:
                search.x, search.value, breach = candidate, value, violation
                search.improved += 1
                if breach <= FEASIBLE_TOL:
                    search.trace.append((round(time.monotonic() - started, 3), value))
                    if on_improve is not None:
                        on_improve(value)
        if proved:
            search.proved += 1
            if len(free) == officials and breach <= FEASIBLE_TOL:
                break  # the whole model was the neighbourhood: the plan is optimal
        if proved or (breach > FEASIBLE_TOL and not better):
            # a repair that failed needs more room (more seats or classes to move), not less
            search.size = min(officials, int(search.size * GROW) + 1)
        else:
            search.size = max(MIN_SIZE, int(search.size * SHRINK))
    search.feasible = breach <= FEASIBLE_TOL
    return search


def _column_owner(lay: Layout) -> np.ndarray:
    """Column → the official owning it (−1: a run column)."""
    owner = np.full(lay.model.num_vars, -1, dtype=np.int64)
    for k, cols in enumerate(lay.official_columns):
        owner[cols] = k
    return owner


def _repair_neighbourhood(
    lay: Layout,
    A_csr: sp.csr_matrix,
    A_csc: sp.csc_matrix,
    owner: np.ndarray,
    seat_row: np.ndarray,
    x: np.ndarray,
    rng: np.random.Generator,
    size: int,
) -> np.ndarray:
    """The officials of the rows `x` breaks and, up to `size`, first the participants of the
    sessions those rows could be met in (the seats to free, or the class to move into a new
    session: a leader short of the term's update often finds every such class full), then
    other candidates of them, each group drawn at random (sorted)."""
    model = lay.model
    ax = A_csr @ x
    rows = np.flatnonzero((ax < model.row_lb - FEASIBLE_TOL) | (ax > model.row_ub + FEASIBLE_TOL))
    cols = np.unique(A_csr[rows].indices)
    broken = np.unique(owner[cols][owner[cols] >= 0])
    linked = np.flatnonzero(np.diff(A_csc[:, cols].tocsr().indptr) > 0)
    taken = A_csr[linked[seat_row[linked]]]
    seated = taken.indices[x[taken.indices] > 0.5]
    participants = set(owner[seated][owner[seated] >= 0].tolist())
    candidates: set[int] = set()
    for members in lay.session_officials:
        if np.isin(members, broken).any():
            candidates.update(members.tolist())
    chosen = set(broken.tolist())
    for group in (participants - chosen, candidates - participants - chosen):
        room = size - len(chosen)
        if room <= 0:
            break
        pool = np.asarray(sorted(group), dtype=np.int64)
        if len(pool) > room:
            pool = rng.choice(pool, size=room, replace=False)
        chosen.update(pool.tolist())
    return np.asarray(sorted(chosen), dtype=np.int64)


def _neighbourhood(lay: Layout, rng: np.random.Generator, size: int) -> np.ndarray:
    """The officials freed this round (sorted)."""
    officials = len(lay.official_columns)
    size = min(size, officials)
    if rng.random() >= SESSION_SHARE or not lay.session_officials:
        return np.sort(rng.choice(officials, size=size, replace=False))
    chosen: set[int] = set()
    for s in rng.permutation(len(lay.session_officials)).tolist():
        chosen.update(lay.session_officials[s].tolist())
        if len(chosen) >= size:
            break
    out = np.asarray(sorted(chosen), dtype=np.int64)
    if len(out) > size:  # a large class's candidates: a sample of them
        out = np.sort(rng.choice(out, size=size, replace=False))
    return out


def sub_mip_options(time_limit: float) -> tuple[tuple[str, float | int], ...]:
    """HiGHS's options for one round's sub-MIP: one thread and a fixed seed (the same path on
    any machine), proved to optimality within the node and time limits, and without the presolve
    rule on which highspy 1.16.0 hung."""
    return (
        ("threads", 1),
        ("random_seed", 0),
        ("mip_rel_gap", 1e-6),
        ("mip_max_nodes", SUB_NODE_LIMIT),
        ("time_limit", float(time_limit)),
        ("presolve_rule_off", HIGHS_PRESOLVE_RULES_OFF),  # see arrays.HIGHS_PRESOLVE_RULES_OFF
    )


def _resolve(
    model: ArrayModel,
    A_csr: sp.csr_matrix,
    A_csc: sp.csc_matrix,
    lay: Layout,
    free: np.ndarray,
    x: np.ndarray,
    time_limit: float,
) -> tuple[bool, np.ndarray | None]:
    """The sub-MIP over the freed officials' columns and the run columns, the rest fixed at `x`:
    (proved optimal, the full vector with its solution, or None)."""
    # the freed officials' columns and the run columns of the sessions they may attend (every
    # other session stays open or closed as it is: its class is fixed)
    cols = np.unique(
        np.concatenate(
            [lay.official_columns[k] for k in free.tolist()]
            + [lay.official_runs[k] for k in free.tolist()]
        )
    )
    touched = np.flatnonzero(np.diff(A_csc[:, cols].tocsr().indptr) > 0)
    rows = A_csr[touched]
    sub = rows[:, cols].tocsc()
    sub.sort_indices()
    fixed_part = rows @ x - sub @ x[cols]  # what the fixed columns put into each row
    highs = quiet_highs()
    for name, value in sub_mip_options(time_limit):
        highs.setOptionValue(name, value)
    load(
        highs,
        cost=model.obj[cols],
        lower=model.lb[cols],
        upper=model.ub[cols],
        row_lower=model.row_lb[touched] - fixed_part,
        row_upper=model.row_ub[touched] - fixed_part,
        matrix=sub,
        integer=model.integer[cols],
    )
    start = highspy.HighsSolution()
    start.col_value = x[cols].tolist()
    start.value_valid = True
    highs.setSolution(start)
    highs.run()
    proved = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if highs.getInfo().primal_solution_status != 2:  # no feasible solution (should not happen)
        return proved, None
    out = x.copy()
    out[cols] = np.round(np.asarray(highs.getSolution().col_value))
    return proved, out
