"""Lagrangian prices on seats and budget: a valid bound and a price-guided plan when cohorts do
not shrink the model (fully individual needs at province scale), where neither the LP nor a MIP
of the whole model finishes in time.

Relaxation. Keep only "each need is closed at most once" (every other rule is dropped, which can
only raise the optimum), and move seats (Σ x ≤ seats, per session) and budget (Σ cost·x ≤ B, per
year and source; fixed class costs dropped) into the objective with prices λ ≥ 0 and μ ≥ 0.
An option o closing r regular needs has its value split as Σ_n (w_n·f − price_o / r), so for
any prices

    L(λ, μ) = Σ_s λ_s·seats_s + Σ_k μ_k·B_k + Σ_n max(0, max_{o ∋ n} (v_{o,n} − price_o / r_o))
              + Σ (points of needs met through a count, at most)

is an upper bound on the best plan (each need closed at most once: Σ_{o ∋ n} x_o ≤ 1). The
prices are improved by projected subgradient steps (Polyak step towards the best plan known);
the smallest L seen is the bound. Everything is numpy over (option, need) pairs: O(options)
per step. Deterministic (no randomness).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from planner.optimise.instance import Instance, by_variable
from planner.optimise.objective import Objective, thousands


@dataclass
class Prices:
    bound: int
    seat: np.ndarray  # per session
    money: dict[tuple[int, str], float]  # per (year, source), per thousand VND
    reduced: np.ndarray  # per option: its value at these prices (for ordering a plan)
    iterations: int


def lagrangian(inst: Instance, objective: Objective, *, time_limit: float, lower: int = 0,
               max_iterations: int = 300) -> Prices:
    started = time.monotonic()
    options = inst.options
    sessions = inst.sessions
    n_opt = len(options)
    limit = inst.limits.max_days_away_per_year
    keys = sorted({(s.year, s.source) for s in sessions})
    key_index = {k: i for i, k in enumerate(keys)}
    budget = np.asarray([inst.budget(*k) / 1000.0 for k in keys])
    seats = np.asarray([float(s.seats) for s in sessions])
    opt_sess = np.fromiter((o.session for o in options), dtype=np.int64, count=n_opt)
    opt_key = np.asarray([key_index[(sessions[s].year, sessions[s].source)] for s in range(len(sessions))],
                         dtype=np.int64)[opt_sess] if n_opt else np.zeros(0, dtype=np.int64)
    cost_k = np.fromiter((o.cost / 1000.0 for o in options), dtype=float, count=n_opt)
    usable = np.ones(n_opt, dtype=bool)
    days = np.asarray([s.days for s in sessions])[opt_sess] if n_opt else np.zeros(0)
    usable &= days <= limit
    usable &= ~((budget[opt_key] <= 0) & (cost_k > 0)) if n_opt else usable
    needs = inst.needs
    regular = np.asarray([not by_variable(n) for n in needs], dtype=bool)
    pair_o: list[int] = []
    pair_n: list[int] = []
    pair_v: list[float] = []
    r_of = np.zeros(n_opt)
    cost_mode = objective.mode == "cost"
    for o, option in enumerate(options):
        if not usable[o]:
            continue
        regs = [n for n in option.needs if regular[n]]
        if not regs:
            continue
        factor = objective.factor(sessions[option.session].year)
        r_of[o] = len(regs)
        eff = objective.effectiveness[sessions[option.session].course] if objective.effectiveness else 1.0
        for n in regs:
            value = needs[n].weight * factor * eff
            if cost_mode:
                value = objective.rate * value - objective.D * thousands(option.cost) / len(regs)
            pair_o.append(o)
            pair_n.append(n)
            pair_v.append(value)
    po = np.asarray(pair_o, dtype=np.int64)
    pn = np.asarray(pair_n, dtype=np.int64)
    pv = np.asarray(pair_v, dtype=float)
    order = np.lexsort((po, pn))
    po, pn, pv = po[order], pn[order], pv[order]
    starts = np.flatnonzero(np.r_[True, pn[1:] != pn[:-1]]) if len(pn) else np.zeros(0, dtype=np.int64)
    pr = r_of[po] if len(po) else np.zeros(0)
    ps = opt_sess[po] if len(po) else np.zeros(0, dtype=np.int64)
    pk = opt_key[po] if len(po) else np.zeros(0, dtype=np.int64)
    pc = cost_k[po] if len(po) else np.zeros(0)
    constant = 0.0
    reachable = {n for o in range(n_opt) if usable[o] for n in options[o].needs}
    for n in reachable:
        if not regular[n]:
            points = objective.need_points(n)
            constant += objective.rate * points if cost_mode else points
    lam = np.zeros(len(sessions))
    mu = np.zeros(len(keys))
    best = math.inf
    best_lam, best_mu = lam.copy(), mu.copy()
    theta = 1.0
    stall = 0
    iterations = 0
    target = float(lower)
    while iterations < max_iterations and time.monotonic() - started < time_limit:
        iterations += 1
        rv = pv - (lam[ps] + mu[pk] * pc) / pr if len(pv) else pv
        if len(rv):
            best_per_need = np.maximum.reduceat(rv, starts)
            gain = float(np.maximum(best_per_need, 0.0).sum())
        else:
            best_per_need = np.zeros(0)
            gain = 0.0
        value = float(lam @ seats + mu @ budget) + gain + constant
        if value < best - 1e-9:
            best = value
            best_lam, best_mu = lam.copy(), mu.copy()
            stall = 0
        else:
            stall += 1
            if stall >= 8:
                theta /= 2
                stall = 0
                if theta < 1e-4:
                    break
        if not len(rv):
            break
        chosen = (rv >= np.repeat(best_per_need, np.diff(np.r_[starts, len(rv)]))) & (rv > 0)
        use_s = np.bincount(ps[chosen], weights=1.0 / pr[chosen], minlength=len(sessions))
        use_k = np.bincount(pk[chosen], weights=pc[chosen] / pr[chosen], minlength=len(keys))
        g_s = seats - use_s
        g_k = budget - use_k
        g_s[(lam <= 0) & (g_s > 0)] = 0.0  # projected: prices stay ≥ 0
        g_k[(mu <= 0) & (g_k > 0)] = 0.0
        norm = float(g_s @ g_s + g_k @ g_k)
        if norm <= 1e-12:
            break
        step = theta * max(value - target, 1e-6 * abs(value)) / norm
        lam = np.maximum(0.0, lam - step * g_s)
        mu = np.maximum(0.0, mu - step * g_k)
    reduced = np.full(n_opt, -math.inf)
    if len(pv):
        rv = pv - (best_lam[ps] + best_mu[pk] * pc) / pr
        np.add.at(reduced, po, 0.0)
        reduced[np.unique(po)] = 0.0
        np.add.at(reduced, po, rv)
    slack = 1e-7 * max(1.0, abs(best))
    return Prices(bound=int(math.floor(best + slack)) if math.isfinite(best) else 0,
                  seat=best_lam, money={k: float(best_mu[i]) for i, k in enumerate(keys)},
                  reduced=reduced, iterations=iterations)
