"""The component transport relaxation: a valid bound, and LP shares that order a plan,
when cohorts do not shrink the model (fully individual needs at province scale).

Relaxation. Keep the rules that couple officials (seats per session, budget per year and
source) and, per need, "closed at most as often as it needs" (and "closed" where the term rule
is hard); drop the per-official rules (overlapping dates, days away, repeated courses,
prerequisites), the unit-share rule, class minimums and fixed class costs. Dropping rules only
enlarges the feasible set and class costs are never negative, so the LP optimum bounds every
plan. The rows kept are written by their rule modules (`seats.session_rows`,
`budget.line_rows`, `no_double_content.need_limit`, `term_coverage.need_floor`).

Components. With the per-official rules gone, an official's needs only interact through
options that close several of them, so each official splits into components (needs linked by
such options, with their options). A need closed by any course (shared) would link almost
everything, so each component gets its own copy of it: the copy may be credited once per
component, which can only raise the bound.

Aggregation. Components identical in needs (accounting, points) and options (session, cost,
needs closed, points) form one group; the LP has one column per group × option bounded by the
group's size, so its size follows the catalog and the variety of needs rather than the number of
officials (20,000 officials with individual needs: 1,389 groups, 22,853 columns, under a second;
bound 79,806,667 against 79,471,358 for the cohort LP without its per-official rows, which took
54 s, and no answer in 120 s with them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.optimise.arrays import INF, ArrayModel, Rows
from planner.optimise.constraints import budget, no_double_content, seats, term_coverage
from planner.optimise.instance import Instance, by_variable
from planner.optimise.objective import Objective, thousands


@dataclass
class Transport:
    """The relaxation of one instance: its model and how options map to its columns."""

    model: ArrayModel
    group_size: np.ndarray  # per group: components in it
    option_column: np.ndarray  # per option: its column (−1: dropped by the relaxation)
    option_group: np.ndarray  # per option: its component's group

    @staticmethod
    def bound(lp_bound: float) -> int:
        """A valid integer bound on the reported objective (points, or the cost-mode value)."""
        return math.floor(lp_bound + 1e-7 * max(1.0, abs(lp_bound)) + 1e-6)

    def option_share(self, x: np.ndarray) -> np.ndarray:
        """Per option, the share of its component's group the LP sends through its session
        (0..1; −1 for options the relaxation dropped)."""
        kept = self.option_column >= 0
        share = np.full(len(self.option_column), -1.0)
        share[kept] = x[self.option_column[kept]] / self.group_size[self.option_group[kept]]
        return share


def components(inst: Instance) -> list[list[tuple[list[int], list[int]]]]:
    """Per official, its components: (needs, options) linked by options closing several needs.
    Needs closed by any course (shared) do not link: each component gets its own copy of them,
    so an official's shared need may be credited once per component (a relaxation)."""
    needs = inst.needs
    options = inst.options
    out: list[list[tuple[list[int], list[int]]]] = []
    for own in inst.options_by_official:
        parent: dict[int, int] = {}

        def find(n: int, parent: dict[int, int] = parent) -> int:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        anchor: list[int] = []
        for o in own:
            linking = [n for n in options[o].needs if not needs[n].shared]
            for n in linking:
                parent.setdefault(n, n)
            root = find(linking[0]) if linking else -1
            for n in linking[1:]:
                other = find(n)
                if other != root:
                    parent[other] = root
            anchor.append(root)
        groups: dict[int, list[int]] = {}
        for o, root in zip(own, anchor, strict=True):
            groups.setdefault(find(root) if root >= 0 else -1, []).append(o)
        comps = []
        for _, opts in sorted(groups.items(), key=lambda item: item[1][0]):
            local = sorted({n for o in opts for n in options[o].needs})
            comps.append((local, opts))
        out.append(comps)
    return out


def build(inst: Instance, objective: Objective) -> Transport:
    hard = inst.term_is_hard
    options = inst.options
    sessions = inst.sessions
    needs = inst.needs
    limit = inst.limits.max_days_away_per_year
    cost_mode = objective.mode == "cost"
    points = objective.option_points
    keys = sorted({(s.year, s.source) for s in sessions})
    key_of_session = [keys.index((s.year, s.source)) for s in sessions]
    budget_k = [inst.budget(*k) / 1000.0 for k in keys]
    usable_session = [s.days <= limit for s in sessions]

    def usable(o: int) -> bool:
        s = options[o].session
        return usable_session[s] and not (options[o].cost > 0 and budget_k[key_of_session[s]] <= 0)

    index: dict[tuple[object, ...], int] = {}
    signature: list[tuple[Any, Any]] = []
    sizes: list[int] = []
    # (group, the component's options in signature order)
    member_options: list[tuple[int, list[int]]] = []
    for comps in components(inst):
        for local_needs, opts in comps:
            opts = [o for o in opts if usable(o)]
            if not opts:
                continue
            pos = {n: i for i, n in enumerate(local_needs)}
            nsig = tuple(
                (
                    by_variable(needs[n]),
                    needs[n].required,
                    needs[n].shared,
                    needs[n].term and hard,
                    objective.need_points(n) if by_variable(needs[n]) else 0,
                )
                for n in local_needs
            )
            osig = tuple(
                (
                    options[o].session,
                    options[o].cost,
                    tuple(pos[n] for n in options[o].needs),
                    points[o],
                )
                for o in opts
            )
            key = (nsig, osig)
            g = index.get(key)
            if g is None:
                g = index[key] = len(signature)
                signature.append(key)
                sizes.append(0)
            sizes[g] += 1
            member_options.append((g, opts))

    lb: list[float] = []
    ub: list[float] = []
    obj: list[float] = []
    rows = Rows()
    seat_terms: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    money_terms: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    first_column: list[int] = []
    for g, (nsig, osig) in enumerate(signature):
        size = float(sizes[g])
        first = len(lb)
        first_column.append(first)
        by_need: list[list[int]] = [[] for _ in nsig]
        for j, (s, cost, local, value) in enumerate(osig):
            col = first + j
            lb.append(0.0)
            ub.append(min(size, float(sessions[s].seats)))
            obj.append(
                objective.rate * value - objective.D * thousands(cost)
                if cost_mode
                else float(value)
            )
            seat_terms[s][0].append(col)
            seat_terms[s][1].append(1.0)
            if cost > 0:
                money_terms[key_of_session[s]][0].append(col)
                money_terms[key_of_session[s]][1].append(cost / 1000.0)
            for i in local:
                by_need[i].append(col)
        for i, (variable, required, shared, term, need_points) in enumerate(nsig):
            cols = by_need[i]
            if variable:
                met = len(lb)
                lb.append(term_coverage.need_floor(1, size) if term else 0.0)
                ub.append(size)
                obj.append(float(need_points) * (objective.rate if cost_mode else 1))
                rows.add(
                    cols + [met], [1.0] * len(cols) + [-float(required)], lb=0.0, rule="objective"
                )
                once = no_double_content.need_limit(required, shared, size)
                if once is not None:
                    rows.add(cols, 1.0, ub=once, rule="need_once")
            else:
                floor = term_coverage.need_floor(required, size) if term else -INF
                once = no_double_content.need_limit(required, shared, size)
                rows.add(cols, 1.0, lb=floor, ub=INF if once is None else once, rule="need_once")
    seats.session_rows(rows, inst, seat_terms)
    budget.line_rows(rows, ((keys[k], *money_terms[k]) for k in sorted(money_terms)), inst)
    n = len(lb)
    model = ArrayModel.of(
        np.asarray(lb), np.asarray(ub), np.zeros(n, dtype=bool), np.asarray(obj, dtype=float), rows
    )
    option_column = np.full(len(options), -1, dtype=np.int64)
    option_group = np.zeros(len(options), dtype=np.int64)
    for g, opts in member_options:
        option_column[opts] = np.arange(first_column[g], first_column[g] + len(opts))
        option_group[opts] = g
    return Transport(model, np.asarray(sizes, dtype=float), option_column, option_group)
