"""Cohort aggregation: officials with identical options form one cohort, and the model decides
how many of each cohort attend each session (count variables), not who.

Two officials are in the same cohort when their needs that some option can close (id, priority,
sessions required, shared, term) and their options (session, participant cost, needs closed,
prerequisites to plan earlier) are identical, i.e. same position, needs, eligibility,
prerequisites held, cost band and deadlines. Optionally (`by_unit`) the unit is part of the key
too: the model is then exact for the unit-share rule (one row per unit and week, as in the
individual model); otherwise the unit-share rule is replaced by its sum over all units (a
relaxation) and repaired when splitting back to individuals (`split.py`).

The rows are written by the rule modules (`constraints/<rule>.py: rows`) over the column view
(`View`); this module only groups cohorts, lays out the columns and assembles the rows in a fixed
order. Every row of the aggregated model is the sum over a cohort's members of a row of the
individual model (or a row of it unchanged), so any individual plan gives a solution of the
aggregated model with the same objective: its LP or MIP dual bound is a valid bound for the
individual problem.
With singleton cohorts and `by_unit` it *is* the individual model (monolithic baselines).

Columns: z[a] per cohort option a (0..min(cohort size, seats)), run[s] (binary, sessions with a
fixed cost or a minimum class), met[c, need] (0..cohort size, needs met through a count: several
sessions required, or any course counting toward them).

Objective (maximised): coverage mode: points of the needs closed, minus a tie-break of cost
scaled so that the whole cost term stays below 0.45 point (so the optimum maximises coverage and
a dual bound B gives coverage ≤ floor(B + 0.5)); cost mode: the integer combined objective of
`Objective` (rate·points − D·cost in thousands).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from planner.optimise.arrays import ArrayModel
from planner.optimise.instance import Instance, by_variable
from planner.optimise.objective import Objective, thousands
from planner.optimise.view import Cohorts, View


def reachable_needs(inst: Instance) -> list[list[int]]:
    """Per official, its needs that some option can close, in index order."""
    out: list[list[int]] = [[] for _ in inst.officials]
    for n, options in enumerate(inst.options_by_need):
        if options:
            out[inst.needs[n].official].append(n)
    return out


def group(inst: Instance, by_unit: bool = False, singletons: bool = False) -> Cohorts:
    """The cohorts of `inst` (deterministic: in order of each cohort's first official)."""
    if singletons:
        return Cohorts([[k] for k in range(len(inst.officials))], by_unit=True)
    needs_of = reachable_needs(inst)
    index: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    options = inst.options
    needs = inst.needs
    for k, own in enumerate(inst.options_by_official):
        pos = {n: i for i, n in enumerate(needs_of[k])}
        nsig = tuple(
            (needs[n].id, needs[n].weight, needs[n].required, needs[n].shared, needs[n].term)
            for n in needs_of[k]
        )
        osig = tuple(
            (
                options[o].session,
                options[o].cost,
                tuple(pos[n] for n in options[o].needs),
                options[o].pending,
            )
            for o in own
        )
        key = (nsig, osig, inst.officials[k].unit if by_unit else -1)
        c = index.get(key)
        if c is None:
            index[key] = len(members)
            members.append([k])
        else:
            members[c].append(k)
    return Cohorts(members, by_unit)


def columns(inst: Instance, cohorts: Cohorts) -> int:
    """Cohort options of the aggregated model (its count columns), without building it."""
    by_official = inst.options_by_official
    return sum(len(by_official[members[0]]) for members in cohorts.members)


@dataclass
class Aggregate:
    inst: Instance
    cohorts: Cohorts
    model: ArrayModel
    rep_option: np.ndarray  # cohort option → the representative's option index
    cohort_of: np.ndarray  # cohort option → cohort
    position: np.ndarray  # cohort option → position in its official's option list
    run_var: dict[int, int]
    met_var: dict[tuple[int, int], int]  # (cohort, need position) → column
    objective_mode: str
    eps: float  # coverage mode: tie-break weight per thousand VND
    exact: bool  # singleton cohorts with unit rows: the individual model
    int_obj: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    int_points_only: bool = False  # int_obj is the coverage points alone (no cost tie-break)

    def int_bound(self, objective: Objective, bound: float) -> int:
        """A bound on the reported objective from a bound on `int_obj` (CP-SAT)."""
        if self.int_points_only:
            return math.floor(bound + 1e-6)
        return objective.reported_bound(bound)

    @property
    def n_agg(self) -> int:
        return len(self.rep_option)

    def reported_bound(self, bound: float) -> int:
        """A bound on the reported objective from a dual bound of the model's objective."""
        slack = 1e-7 * max(1.0, abs(bound))
        if self.objective_mode == "coverage":
            return math.floor(bound + 0.5 + slack)
        return math.floor(bound + slack)

    def values_for(self, chosen: set[int]) -> np.ndarray:
        """Column values of an individual plan (for hints)."""
        inst = self.inst
        x = np.zeros(self.model.num_vars)
        cohort_of_official = np.empty(len(inst.officials), dtype=np.int64)
        for c, members in enumerate(self.cohorts.members):
            cohort_of_official[members] = c
        first = self._first_var()
        count = [0] * len(inst.sessions)
        closed: dict[int, int] = defaultdict(int)
        for o in chosen:
            option = inst.options[o]
            c = int(cohort_of_official[option.official])
            x[first[c] + self._opt_pos[o]] += 1
            count[option.session] += 1
            for n in option.needs:
                closed[n] += 1
        for s, var in self.run_var.items():
            x[var] = 1.0 if count[s] else 0.0
        need_pos = self.need_pos
        for n, k in closed.items():
            need = inst.needs[n]
            if k >= need.required:
                c = int(cohort_of_official[need.official])
                met = self.met_var.get((c, need_pos[n]))
                if met is not None:
                    x[met] += 1
        return x

    def column_cohort(self) -> np.ndarray:
        """Column → the cohort it belongs to (its options and need credits); −1 for the run
        columns, which belong to no cohort (with singleton cohorts: column → official)."""
        owner = np.full(self.model.num_vars, -1, dtype=np.int64)
        owner[: self.n_agg] = self.cohort_of
        for (c, _), var in self.met_var.items():
            owner[var] = c
        return owner

    def option_columns(self) -> np.ndarray:
        """Individual option → its cohort option column."""
        out = np.empty(len(self.inst.options), dtype=np.int64)
        first = self._first_var()
        by_official = self.inst.options_by_official
        for c, members in enumerate(self.cohorts.members):
            f = first[c]
            for m in members:
                own = by_official[m]
                if own:
                    out[list(own)] = np.arange(f, f + len(own))
        return out

    def _first_var(self) -> list[int]:
        first = [0] * len(self.cohorts)
        seen: set[int] = set()
        for a, c in enumerate(self.cohort_of.tolist()):
            if c not in seen:
                seen.add(c)
                first[c] = a
        return first

    def chosen(self, x: np.ndarray) -> set[int]:
        """The options of a solution of the individual model (singleton cohorts)."""
        return {int(self.rep_option[a]) for a in np.flatnonzero(x[: self.n_agg] > 0.5).tolist()}

    @cached_property
    def _opt_pos(self) -> dict[int, int]:
        return {o: j for own in self.inst.options_by_official for j, o in enumerate(own)}

    @cached_property
    def need_pos(self) -> dict[int, int]:
        """Need → its position among its official's reachable needs (met columns' key)."""
        return {n: i for own in reachable_needs(self.inst) for i, n in enumerate(own)}


def view(
    inst: Instance,
    cohorts: Cohorts,
    hard_term: bool | None = None,
    credit: frozenset[int] = frozenset(),
) -> View:
    """The columns of `inst` over `cohorts`, and every rule's rows (in a fixed order)."""
    from planner.optimise import constraints as rule

    by_official = inst.options_by_official
    rep_option: list[int] = []
    cohort_of: list[int] = []
    first: list[int] = []
    for c, members in enumerate(cohorts.members):
        first.append(len(rep_option))
        own = by_official[members[0]]
        rep_option.extend(own)
        cohort_of.extend([c] * len(own))
    n_agg = len(rep_option)
    sess = np.asarray([inst.options[o].session for o in rep_option], dtype=np.int64)
    size_a = np.asarray(cohorts.sizes, dtype=np.int64)[np.asarray(cohort_of, dtype=np.int64)]
    v = View(
        inst,
        cohorts,
        inst.term_is_hard if hard_term is None else hard_term,
        rep_option,
        cohort_of,
        first,
        sess,
        size_a[:n_agg] if n_agg else np.zeros(0, dtype=np.int64),
        reachable_needs(inst),
        credit,
    )
    rule.seats.bound_columns(v)
    rule.time_away.bound_columns(v)
    v.by_session = [[] for _ in inst.sessions]
    for a, s in enumerate(sess.tolist()):
        v.by_session[s].append(a)
    rule.min_class.bound_columns(v)
    v.lb = [0.0] * n_agg
    v.ub = v.zub.astype(float).tolist()
    for s, session in enumerate(inst.sessions):
        agg = v.by_session[s]
        if (session.class_cost > 0 or session.min_participants > 1) and agg:
            v.run_var[s] = v.new(0.0, 1.0 if v.cap(agg) > 0 else 0.0)
    for s in range(len(inst.sessions)):
        rule.seats.rows(v, s)
        rule.min_class.rows(v, s)
    rule.budget.rows(v)
    options = inst.options
    for c, members in enumerate(cohorts.members):
        local = v.local(c)
        by_need: dict[int, list[int]] = defaultdict(list)
        for o, a in local.items():
            for n in options[o].needs:
                by_need[n].append(a)
        for i, n in enumerate(v.needs_of[members[0]]):
            cols = by_need.get(n, [])
            rule.no_double_content.need_rows(v, c, n, cols)
            _credit(v, c, i, n, cols)
            rule.term_coverage.need_rows(v, c, i, n, cols)
        rule.no_double_content.rows(v, c, local)
        rule.time_away.rows(v, c, local)
        rule.prerequisites.rows(v, c, local)
    rule.unit_share.rows(v)
    return v


def _credit(v: View, c: int, i: int, n: int, cols: list[int]) -> None:
    """Needs credited through a count: met ≤ (sessions closing it) / required."""
    need = v.inst.needs[n]
    if (by_variable(need) or n in v.credit) and cols:
        met = v.met_var[(c, i)] = v.new(0.0, float(v.size(c)))
        v.rows.add(
            cols + [met], [1.0] * len(cols) + [-float(need.required)], lb=0.0, rule="objective"
        )


def build(
    inst: Instance,
    objective: Objective,
    cohorts: Cohorts,
    hard_term: bool | None = None,
    credit: frozenset[int] = frozenset(),
) -> Aggregate:
    """The aggregated model of `inst` over `cohorts` (the individual model for singletons)."""
    v = view(inst, cohorts, hard_term, credit)
    options = inst.options
    sessions = inst.sessions
    rep_option = v.rep_option
    n_agg = len(rep_option)
    run_var, met_var = v.run_var, v.met_var
    zub = v.zub
    points = objective.option_points
    n = len(v.lb)
    int_obj = np.zeros(n, dtype=np.int64)
    cost_k = np.asarray([thousands(options[o].cost) for o in rep_option], dtype=np.int64)
    pts = np.asarray([points[o] for o in rep_option], dtype=np.int64)
    class_k = {s: thousands(sessions[s].class_cost) for s in run_var}
    met_points = {
        var: objective.need_points(v.needs_of[cohorts.members[c][0]][i])
        for (c, i), var in met_var.items()
    }
    o_arr = np.zeros(n)
    int_points_only = False
    if objective.mode == "cost":
        int_obj[:n_agg] = objective.rate * pts - objective.D * cost_k
        for s, var in run_var.items():
            int_obj[var] = -objective.D * class_k[s]
        for var, p in met_points.items():
            int_obj[var] = objective.rate * p
        o_arr = int_obj.astype(float)
        eps = 0.0
    else:
        total = float(np.dot(cost_k, zub)) + float(sum(class_k.values())) + 1.0
        eps = 0.45 / total
        o_arr[:n_agg] = pts - eps * cost_k
        for s, var in run_var.items():
            o_arr[var] = -eps * class_k[s]
        for var, p in met_points.items():
            o_arr[var] = p
        # CP-SAT needs integers: the exact lexicographic weights of `Objective`
        scale = objective.scale
        int_obj[:n_agg] = scale * pts - cost_k
        for s, var in run_var.items():
            int_obj[var] = -class_k[s]
        for var, p in met_points.items():
            int_obj[var] = scale * p
        ubs = np.asarray(v.ub, dtype=float)
        if float(np.abs(int_obj.astype(float)) @ ubs) > 2.0**60:  # CP-SAT would overflow int64:
            int_points_only = True
            int_obj[:n_agg] = pts  # coverage points only (cost no longer breaks ties)
            int_obj[list(run_var.values())] = 0
            for var, p in met_points.items():
                int_obj[var] = p
    model = ArrayModel.of(np.asarray(v.lb), np.asarray(v.ub), np.ones(n, dtype=bool), o_arr, v.rows)
    coh = np.asarray(v.cohort_of, dtype=np.int64)
    position = np.arange(n_agg, dtype=np.int64) - np.asarray(v.first, dtype=np.int64)[coh]
    return Aggregate(
        inst,
        cohorts,
        model,
        np.asarray(rep_option, dtype=np.int64),
        coh,
        position,
        run_var,
        met_var,
        objective.mode,
        eps,
        exact=cohorts.by_unit and all(s == 1 for s in cohorts.sizes),
        int_obj=int_obj,
        int_points_only=int_points_only,
    )
