"""Dantzig–Wolfe column generation over each official's plan (the decomposition of issue 13).

The individual model (`aggregate.build` on singleton cohorts: every rule module's rows) is split
by its block structure: a column belongs to the official whose option (or need credit) it is;
the run columns (a session opens) belong to no official. A row whose columns all belong to one
official is a *local* row (the rules with `COUPLES = False`: one course per need, no double
content or overlap, days away, prerequisites, term coverage, the need credit rows); every other
row is a *coupling* row (seats, the seat links to the run columns, minimum class, budget lines,
unit share: the rules with `COUPLES = True`). `decompose` checks that split against the rule
modules' flags.

- Master (restricted, LP): one column λ[k, p] per generated plan p of official k (its value
  under the coupling rows and the objective), Σ_p λ[k, p] = 1 per official, and the run columns
  as they are. The seat links (an official attends only a class that runs: z ≤ run, one row per
  official and session, most of the coupling rows) are held back and added when the master's
  point breaks them (row generation): with all of them in (2,000 officials × 1 year: 25,651 of
  26,580 coupling rows) each master LP took 2-3 s of degenerate pivots and 30 s did not converge;
  without them it converged in 6 iterations and 4 s (2,475,377), and the ~1,800 links its point
  broke, added, brought it to 2,472,740 three iterations later. Each official starts with its
  empty plan (a big-M artificial when its local rows forbid the empty plan, e.g. a hard term
  need) and its part of a quick greedy plan, so the master is always feasible.
- Pricing (exact): the local rows of every official at once (one block-diagonal 0-1 model,
  HiGHS, gap 1e-9): max (c − πG)·x over each official's feasible plans, with π the master's
  duals on the coupling rows written as G x ≤ h.
- Bound (valid at every iteration, Lagrangian): for π ≥ 0 and any plan x meeting every row,
  c·x ≤ π·h + Σ_k max_{x_k feasible locally} (c − πG)·x_k + Σ_run max over its bounds, and the
  pricing's dual bound is ≥ that sum of maxima: so
  L(π) = π·h + pricing dual bound + Σ_run max(r·lb, r·ub) is a valid bound whatever the master
  is; at convergence it equals the master LP (the Dantzig–Wolfe bound, at least the LP bound).
- Primal: the caller's greedy construction in the order of the master LP's option shares
  (`option_share`, after every iteration); it keeps the best plan, polishes it on the exact
  model (`lns.py`) and repairs it.

Work limit (deterministic): with `work_limit` set, iterations of the loop (at most that many)
stop the method, not the clock; every step is then deterministic (sorted iteration, HiGHS
single-threaded with a fixed seed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from planner.optimise.aggregate import Aggregate
from planner.optimise.arrays import ArrayModel, solve_highs
from planner.optimise.constraints import official_rules, seats
from planner.optimise.master import Master

log = logging.getLogger("planner")

RC_TOL = 1e-6  # a plan enters the master when its reduced cost exceeds this
SEPARATION_TOL = 1e-6  # a held-back seat link enters the master when broken by more than this
SMOOTHING = 0.0  # weight of the best duals in the pricing point (Wentges; 0.5 measured slower)


@dataclass
class Blocks:
    """The individual model split by official."""

    exact: Aggregate
    block: np.ndarray  # column → official, −1 for the run columns (global)
    local: np.ndarray  # row → whether its columns all belong to one official
    sub: ArrayModel  # the pricing model: the officials' columns and the local rows
    sub_cols: np.ndarray  # pricing column → model column
    sub_block: np.ndarray  # pricing column → official
    G: sp.csr_matrix  # the coupling rows as G x ≤ h (a ranged row gives two)
    h: np.ndarray
    glob: np.ndarray  # the global (run) columns
    lazy: np.ndarray  # per row of G: a seat link, in the master only once its point breaks it


def decompose(exact: Aggregate) -> Blocks:
    model = exact.model
    block = exact.column_cohort()
    A = model.A.tocsr()
    rows = np.repeat(np.arange(model.num_rows, dtype=np.int64), np.diff(A.indptr))
    col_block = block[A.indices]
    lo = np.full(model.num_rows, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(model.num_rows, -2, dtype=np.int64)
    np.minimum.at(lo, rows, col_block)
    np.maximum.at(hi, rows, col_block)
    local = (lo == hi) & (lo >= 0)
    local |= np.diff(A.indptr) == 0  # empty rows: nothing to couple
    one_official = {rule.NAME for rule in official_rules()}
    for i in np.flatnonzero(~local).tolist():  # the rule modules' flags agree with the structure
        if model.rule[i] in one_official:
            raise AssertionError(f"row {i} of one-official rule {model.rule[i]} couples officials")
    own = np.flatnonzero(block >= 0)
    L = A[np.flatnonzero(local)][:, own].tocsr()
    sub = ArrayModel(
        model.lb[own],
        model.ub[own],
        model.integer[own],
        model.obj[own],
        L,
        model.row_lb[local],
        model.row_ub[local],
    )
    C = A[np.flatnonzero(~local)]
    c_lb, c_ub = model.row_lb[~local], model.row_ub[~local]
    up = np.isfinite(c_ub)
    down = np.isfinite(c_lb)
    G = sp.vstack([C[np.flatnonzero(up)], -C[np.flatnonzero(down)]]).tocsr()
    h = np.concatenate([c_ub[up], -c_lb[down]])
    rule = np.asarray(model.rule, dtype=object)[np.flatnonzero(~local)]
    lazy = np.concatenate([rule[up], rule[down]]) == seats.LINK_NAME
    return Blocks(exact, block, local, sub, own, block[own], G, h, np.flatnonzero(block < 0), lazy)


@dataclass
class ColGen:
    """The state of the column generation (the master's columns, the best bound)."""

    blocks: Blocks
    officials: list[int]  # the officials with columns, in order
    plan_official: list[int] = field(default_factory=list)
    plan_cols: list[np.ndarray] = field(default_factory=list)
    plan_obj: list[float] = field(default_factory=list)
    seen: set[tuple[int, bytes]] = field(default_factory=set)
    bound: float | None = None  # best Lagrangian bound (model objective)
    master_value: float | None = None
    lp_plans: np.ndarray | None = None  # master LP λ
    lp_glob: np.ndarray | None = None
    iterations: int = 0
    added: int = 0
    pricing_s: float = 0.0
    master_s: float = 0.0
    converged: bool = False
    trace: list[tuple[int, float, float]] = field(default_factory=list)  # (iter, master, bound)
    artificial: set[int] = field(default_factory=set)  # plans breaking their official's rows
    best_pi: np.ndarray | None = None  # the duals of the best bound
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # ↑ the rows of G in the master, in the order added (the duals π follow it)
    separated: int = 0  # seat links added to the master
    seed: int = 0
    master: Master | None = None  # the restricted master LP, kept between iterations

    def add(self, k: int, cols: np.ndarray, obj: float) -> bool:
        cols = np.sort(cols.astype(np.int64))
        key = (k, cols.tobytes())
        if key in self.seen:
            return False
        self.seen.add(key)
        self.plan_official.append(k)
        self.plan_cols.append(cols)
        self.plan_obj.append(obj)
        return True

    def incidence(self, first: int = 0) -> sp.csc_matrix:
        """Model column × plan (0/1), for the plans from `first` on."""
        n = self.blocks.exact.model.num_vars
        cols = self.plan_cols[first:]
        lengths = [len(c) for c in cols]
        data = np.ones(sum(lengths))
        idx = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return sp.csc_matrix((data, idx, ptr), shape=(n, len(cols)))


def start(blocks: Blocks, initial: set[int] | None) -> ColGen:
    """The empty plan of every official (an artificial, very costly, when its local rows forbid
    it) and its part of `initial` when that part meets its local rows."""
    exact = blocks.exact
    model = exact.model
    officials = sorted(set(blocks.sub_block.tolist()))
    cg = ColGen(blocks, officials, active=np.flatnonzero(~blocks.lazy))
    sub = blocks.sub
    empty_ok = (sub.row_lb <= 1e-9) & (sub.row_ub >= -1e-9)
    rows_of_block = _row_blocks(blocks)
    bad = {int(b) for b in rows_of_block[~empty_ok].tolist()}
    # phase-1 penalty of an artificial: more than any plan of that official is worth
    worth = np.zeros(max(officials, default=-1) + 1)
    np.add.at(worth, blocks.sub_block, np.abs(blocks.sub.obj))
    for k in officials:
        if k in bad:
            cg.artificial.add(len(cg.plan_cols))
        cg.add(k, np.zeros(0, dtype=np.int64), -(worth[k] + 1.0) if k in bad else 0.0)
    if initial:
        x = exact.values_for(initial)
        xs = x[blocks.sub_cols]
        ok = _locally_ok(blocks, xs, rows_of_block)
        for k, cols in _by_official(blocks, xs):
            if ok.get(k, True):
                cg.add(k, cols, float(model.obj[cols].sum()))
    return cg


def _row_blocks(blocks: Blocks) -> np.ndarray:
    """Local row → its official (−1 for an empty row)."""
    L = blocks.sub.A
    out = np.full(L.shape[0], -1, dtype=np.int64)
    rows = np.repeat(np.arange(L.shape[0]), np.diff(L.indptr))
    out[rows] = blocks.sub_block[L.indices]
    return out


def _locally_ok(blocks: Blocks, xs: np.ndarray, rows_of_block: np.ndarray) -> dict[int, bool]:
    ax = blocks.sub.A @ xs
    bad = (ax < blocks.sub.row_lb - 1e-6) | (ax > blocks.sub.row_ub + 1e-6)
    return {int(k): False for k in rows_of_block[bad].tolist()}


def _by_official(blocks: Blocks, xs: np.ndarray) -> list[tuple[int, np.ndarray]]:
    on = np.flatnonzero(xs > 0.5)
    ks = blocks.sub_block[on]
    order = np.argsort(ks, kind="stable")
    on, ks = on[order], ks[order]
    out: list[tuple[int, np.ndarray]] = []
    if len(on):
        cuts = np.flatnonzero(np.diff(ks)) + 1
        out.extend(
            (int(ks[part[0]]), blocks.sub_cols[on[part]])
            for part in np.split(np.arange(len(on)), cuts)
        )
    return out


def _master_lp(cg: ColGen) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The restricted master LP (`master.Master`, kept between iterations: the plans generated
    since the last solve are added as columns and HiGHS starts from its last basis): (π ≥ 0 on
    G ≤ h, μ per official, value)."""
    b = cg.blocks
    model = b.exact.model
    if not cg.plan_cols and len(b.glob) == 0:
        return None
    G = b.G[cg.active]
    if cg.master is None:
        cg.master = Master(
            G[:, b.glob].tocsc(),
            model.obj[b.glob],
            model.lb[b.glob],
            model.ub[b.glob],
            b.h[cg.active],
            len(cg.officials),
            seed=cg.seed,
        )
    master = cg.master
    first = master.plans
    if first < len(cg.plan_cols):
        X = cg.incidence(first)
        pos = {k: i for i, k in enumerate(cg.officials)}
        owner = np.asarray([pos[k] for k in cg.plan_official[first:]], dtype=np.int64)
        master.add_plans((G @ X).tocsc(), owner, np.asarray(cg.plan_obj[first:]))
    out = master.solve()
    if out is None:
        log.warning("column generation: the master LP did not solve to optimality")
        return None
    cg.lp_plans = out.plans
    cg.lp_glob = out.runs
    return out.pi, out.mu, out.value


def _separate(cg: ColGen) -> bool:
    """Add to the master the held-back seat links its last LP point breaks; whether any."""
    b = cg.blocks
    if cg.master is None or cg.lp_plans is None or cg.lp_glob is None:
        return False
    waiting = np.ones(len(b.h), dtype=bool)
    waiting[cg.active] = False
    waiting &= b.lazy
    if not waiting.any():
        return False
    X = cg.incidence()
    lam = np.zeros(X.shape[1])
    lam[: len(cg.lp_plans)] = cg.lp_plans
    x = X @ lam
    x[b.glob] = cg.lp_glob
    rows = np.flatnonzero(waiting)
    G = b.G[rows]
    broken = rows[G @ x - b.h[rows] > SEPARATION_TOL]
    if not len(broken):
        return False
    G = b.G[broken]
    cg.master.add_rows(G[:, b.glob], G @ X[:, : cg.master.plans], b.h[broken])
    cg.active = np.concatenate([cg.active, broken])
    if cg.best_pi is not None:
        cg.best_pi = np.concatenate([cg.best_pi, np.zeros(len(broken))])
    cg.separated += len(broken)
    return True


def iterate(
    cg: ColGen,
    *,
    deadline: float | None,
    max_iterations: int | None,
    seed: int = 0,
    tol: float = 1e-5,
    on_bound: Callable[[float], None] | None = None,
    on_iteration: Callable[[ColGen], None] | None = None,
) -> None:
    """Column generation until the master LP meets the bound (relative `tol`), no column prices
    out, `max_iterations` (deterministic) or `deadline` (wall clock) is reached; `on_bound` is
    told of every better Lagrangian bound (live progress), `on_iteration` of the state after
    every iteration (its master LP point, e.g. to order a plan by)."""
    b = cg.blocks
    model = b.exact.model
    sub = b.sub

    def coupling() -> tuple[sp.csc_matrix, sp.csc_matrix, np.ndarray]:  # the master's rows
        G = b.G[cg.active]
        return G[:, b.sub_cols].tocsc(), G[:, b.glob].tocsc(), b.h[cg.active]

    Gs, Gg, h = coupling()
    pos = {k: i for i, k in enumerate(cg.officials)}
    cg.seed = seed
    if sub.num_vars == 0 and len(b.glob) == 0:  # nothing to plan
        cg.bound, cg.master_value, cg.converged = 0.0, 0.0, True
        return
    while True:
        if max_iterations is not None and cg.iterations >= max_iterations:
            return
        if deadline is not None and time.monotonic() >= deadline:
            return
        t0 = time.monotonic()
        out = _master_lp(cg)
        cg.master_s += time.monotonic() - t0
        if out is None:
            return
        pi, mu, value = out
        cg.master_value = value
        r_master = sub.obj - Gs.T @ pi
        new = 0
        status = "optimal"
        # Wentges smoothing: price at a point between the best duals so far and the master's
        # (the bound moves less erratically); when that finds no column the master's duals
        # price out, price at the master's duals (no mis-pricing at the end).
        for alpha in (SMOOTHING, 0.0) if cg.best_pi is not None and SMOOTHING > 0 else (0.0,):
            best_pi = cg.best_pi
            point = pi if alpha == 0.0 or best_pi is None else alpha * best_pi + (1 - alpha) * pi
            r = sub.obj - Gs.T @ point
            rg = model.obj[b.glob] - Gg.T @ point
            left = None if deadline is None else max(0.2, deadline - time.monotonic())
            t0 = time.monotonic()
            priced = solve_highs(
                ArrayModel(sub.lb, sub.ub, sub.integer, r, sub.A, sub.row_lb, sub.row_ub),
                time_limit=left if left is not None else 1e6,
                seed=seed,
                rel_gap=1e-9,
                abs_gap=1e-7,
            )
            cg.pricing_s += time.monotonic() - t0
            status = priced.status
            if priced.bound is not None:
                glob_best = float(np.maximum(rg * model.lb[b.glob], rg * model.ub[b.glob]).sum())
                lagrange = float(point @ h) + priced.bound + glob_best
                if cg.bound is None or lagrange < cg.bound:
                    cg.bound = lagrange
                    cg.best_pi = point
                    if on_bound is not None:
                        on_bound(lagrange)
            if priced.x is None:
                break
            xs = np.round(priced.x)
            for k, cols in _by_official(b, xs):
                sel = np.searchsorted(b.sub_cols, cols)
                enters = float(r_master[sel].sum()) - mu[pos[k]] > RC_TOL
                if (enters or float(r[sel].sum()) > RC_TOL) and cg.add(
                    k, cols, float(model.obj[cols].sum())
                ):
                    new += int(enters)
                    cg.added += 1
            if new:
                break
        cg.iterations += 1
        if on_iteration is not None:
            on_iteration(cg)
        cg.trace.append((cg.iterations, value, cg.bound if cg.bound is not None else np.inf))
        done = cg.bound is not None and cg.bound - value <= tol * max(1.0, abs(cg.bound))
        if done or new == 0:
            if _separate(cg):  # the master's point broke held-back links: on with them in
                Gs, Gg, h = coupling()
                continue
            cg.converged = done or status == "optimal"
            return


def option_share(cg: ColGen) -> np.ndarray | None:
    """Per individual option, the share the master LP gives it (−1: in no generated plan)."""
    if cg.lp_plans is None:
        return None
    exact = cg.blocks.exact
    X = cg.incidence()
    lam = np.zeros(X.shape[1])
    lam[: len(cg.lp_plans)] = cg.lp_plans  # plans added after the last master LP: 0
    share = X @ lam
    inc = X @ np.ones(X.shape[1])
    out = np.full(len(exact.inst.options), -1.0)
    reps = exact.rep_option
    a = np.arange(exact.n_agg)
    seen = inc[a] > 0
    out[reps[a[seen]]] = share[a[seen]]
    return out
