"""Cohort aggregation: officials with identical options form one cohort, and the model decides
how many of each cohort attend each session (count variables), not who.

Two officials are in the same cohort when their needs that some option can close (id, priority,
sessions required, shared, term) and their options (session, participant cost, needs closed,
prerequisites to plan earlier) are identical, i.e. same position, needs, eligibility,
prerequisites held, cost band and deadlines. Optionally (`by_unit`) the unit is part of the key
too: the model is then exact for the unit-share rule (one row per unit and week, as in the
individual model); otherwise the unit-share rule is replaced by its sum over all units (a
relaxation) and repaired when splitting back to individuals (`split.py`).

Every row of the aggregated model is the sum over a cohort's members of a row of the individual
model (or a row of it unchanged), so any individual plan gives a solution of the aggregated model
with the same objective: its LP or MIP dual bound is a valid bound for the individual problem.
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

import numpy as np

from planner.optimise.arrays import ArrayModel, Rows
from planner.optimise.instance import Instance, by_variable
from planner.optimise.objective import Objective, thousands


@dataclass
class Cohorts:
    members: list[list[int]]  # officials of each cohort, ascending
    by_unit: bool

    @property
    def sizes(self) -> list[int]:
        return [len(m) for m in self.members]

    def __len__(self) -> int:
        return len(self.members)


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
    index: dict[tuple, int] = {}
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
        need_pos = self._need_pos
        for n, k in closed.items():
            need = inst.needs[n]
            if k >= need.required:
                c = int(cohort_of_official[need.official])
                var = self.met_var.get((c, need_pos[n]))
                if var is not None:
                    x[var] += 1
        return x

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

    @property
    def _opt_pos(self) -> dict[int, int]:
        if not hasattr(self, "_opt_pos_cache"):
            self._opt_pos_cache = {
                o: j for own in self.inst.options_by_official for j, o in enumerate(own)
            }
        return self._opt_pos_cache

    @property
    def _need_pos(self) -> dict[int, int]:
        if not hasattr(self, "_need_pos_cache"):
            self._need_pos_cache = {
                n: i for own in reachable_needs(self.inst) for i, n in enumerate(own)
            }
        return self._need_pos_cache


def build(
    inst: Instance, objective: Objective, cohorts: Cohorts, hard_term: bool | None = None
) -> Aggregate:
    """The aggregated model of `inst` over `cohorts`."""
    from planner.optimise.constraints.prerequisites import earlier_options

    hard = inst.term_is_hard if hard_term is None else hard_term
    options = inst.options
    sessions = inst.sessions
    needs = inst.needs
    by_official = inst.options_by_official
    needs_of = reachable_needs(inst)
    points = objective.option_points
    sizes = cohorts.sizes

    # -- cohort options ---------------------------------------------------------------------------
    rep_option: list[int] = []
    cohort_of: list[int] = []
    position: list[int] = []
    first: list[int] = []
    for c, members in enumerate(cohorts.members):
        first.append(len(rep_option))
        own = by_official[members[0]]
        rep_option.extend(own)
        cohort_of.extend([c] * len(own))
        position.extend(range(len(own)))
    n_agg = len(rep_option)
    rep = np.asarray(rep_option, dtype=np.int64)
    coh = np.asarray(cohort_of, dtype=np.int64)
    size_a = np.asarray(sizes, dtype=np.int64)[coh] if n_agg else np.zeros(0, dtype=np.int64)
    sess_a = np.asarray([options[o].session for o in rep_option], dtype=np.int64)
    seats = np.asarray([s.seats for s in sessions], dtype=np.int64)
    zub = np.minimum(size_a, seats[sess_a]) if n_agg else np.zeros(0, dtype=np.int64)
    too_long = np.asarray(
        [s.days > inst.limits.max_days_away_per_year for s in sessions], dtype=bool
    )
    if n_agg:
        zub[too_long[sess_a]] = 0  # longer than the days away allowed in a year: nobody can go
    by_session: list[list[int]] = [[] for _ in sessions]
    for a, s in enumerate(sess_a.tolist()):
        by_session[s].append(a)
    for s, session in enumerate(sessions):  # a session that can never reach its minimum
        if (
            session.min_participants > 1
            and int(zub[by_session[s]].sum()) < session.min_participants
        ):
            zub[by_session[s]] = 0

    lb = [0.0] * n_agg
    ub = zub.astype(float).tolist()
    integer = [True] * n_agg
    obj = [0.0] * n_agg

    def new(lo: float, hi: float, coef: float = 0.0) -> int:
        lb.append(lo)
        ub.append(hi)
        integer.append(True)
        obj.append(coef)
        return len(lb) - 1

    run_var: dict[int, int] = {}
    for s, session in enumerate(sessions):
        if (session.class_cost > 0 or session.min_participants > 1) and by_session[s]:
            run_var[s] = new(0.0, 1.0 if zub[by_session[s]].sum() > 0 else 0.0)

    rows = Rows()
    # seats, the tight link z ≤ min(size, seats)·run, minimum class
    for s, session in enumerate(sessions):
        agg = by_session[s]
        if not agg:
            continue
        run = run_var.get(s)
        if run is None:
            if int(zub[agg].sum()) > session.seats:
                rows.add(agg, 1.0, ub=session.seats, rule="seats")
            continue
        rows.add(agg + [run], [1.0] * len(agg) + [-float(session.seats)], ub=0.0, rule="seats")
        for a in agg:
            if zub[a] > 0:
                rows.add([a, run], [1.0, -float(zub[a])], ub=0.0, rule="seat_link")
        if session.min_participants > 1:
            rows.add(
                agg + [run],
                [1.0] * len(agg) + [-float(session.min_participants)],
                lb=0.0,
                rule="min_class",
            )

    # budget (thousands of VND as exact fractions)
    budget_terms: dict[tuple[int, str], tuple[list[int], list[float]]] = defaultdict(
        lambda: ([], [])
    )
    worst: dict[tuple[int, str], float] = defaultdict(float)
    for a, o in enumerate(rep_option):
        cost = options[o].cost
        if cost:
            session = sessions[sess_a[a]]
            key = (session.year, session.source)
            budget_terms[key][0].append(a)
            budget_terms[key][1].append(cost / 1000.0)
            worst[key] += cost / 1000.0 * float(zub[a])
    for s, run in run_var.items():
        session = sessions[s]
        if session.class_cost:
            key = (session.year, session.source)
            budget_terms[key][0].append(run)
            budget_terms[key][1].append(session.class_cost / 1000.0)
            worst[key] += session.class_cost / 1000.0
    for key in sorted(budget_terms):
        if worst[key] > inst.budget(*key) / 1000.0:
            cols, coefs = budget_terms[key]
            rows.add(cols, coefs, ub=inst.budget(*key) / 1000.0, rule="budget")

    # per cohort: needs, courses, time, days away, prerequisites, term, met
    met_var: dict[tuple[int, int], int] = {}
    limit = inst.limits.max_days_away_per_year
    forced_needs = hard
    for c, members in enumerate(cohorts.members):
        r = members[0]
        size = float(len(members))
        own = by_official[r]
        base = first[c]
        local = {o: base + j for j, o in enumerate(own)}
        by_need: dict[int, list[int]] = defaultdict(list)
        for o in own:
            for n in options[o].needs:
                by_need[n].append(local[o])
        for i, n in enumerate(needs_of[r]):
            need = needs[n]
            cols = by_need.get(n, [])
            cap = float(zub[cols].sum()) if cols else 0.0
            if not need.shared and cap > need.required * size:
                rows.add(cols, 1.0, ub=need.required * size, rule="need_once")
            if by_variable(need) and cols:
                m = new(0.0, size)
                met_var[(c, i)] = m
                rows.add(
                    cols + [m],
                    [1.0] * len(cols) + [-float(need.required)],
                    lb=0.0,
                    rule="objective",
                )
            if forced_needs and need.term:
                rows.add(cols, 1.0, lb=need.required * size, rule="term_coverage")
                if (c, i) in met_var:
                    lb[met_var[(c, i)]] = size
        course_of = {o: sessions[options[o].session].course for o in own}
        by_course: dict[int, list[int]] = defaultdict(list)
        for o in own:
            by_course[course_of[o]].append(local[o])
        for course, cols in sorted(by_course.items()):
            if len(cols) > 1 and float(zub[cols].sum()) > size:
                rows.add(cols, 1.0, ub=size, rule="course_once")
            for other in inst.courses[course].overlaps:
                if other > course and other in by_course:
                    both = cols + by_course[other]
                    if float(zub[both].sum()) > size:
                        rows.add(both, 1.0, ub=size, rule="course_once")
        seen: set[tuple[int, ...]] = set()
        spans = [
            (sessions[options[o].session].start, sessions[options[o].session].end, local[o])
            for o in own
        ]
        for start, _, _ in spans:
            clique = tuple(sorted(a for s0, e0, a in spans if s0 <= start <= e0))
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                if float(zub[list(clique)].sum()) > size:
                    rows.add(list(clique), 1.0, ub=size, rule="time_clique")
        days_by_year: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for o in own:
            session = sessions[options[o].session]
            days_by_year[session.year][0].append(local[o])
            days_by_year[session.year][1].append(float(session.days))
        for year in sorted(days_by_year):
            cols, days = days_by_year[year]
            if float(np.dot(days, zub[cols])) > limit * size:
                rows.add(cols, days, ub=limit * size, rule="time_away")
                # valid per official, hence summed: at most k − 1 sessions longer than limit/k
                # (tightens the sum so that it splits back into individual plans)
                for k in (2, 3) if size > 1 else ():
                    long = [a for a, d in zip(cols, days) if d * k > limit]
                    if len(long) > 1 and float(zub[long].sum()) > (k - 1) * size:
                        rows.add(long, 1.0, ub=(k - 1) * size, rule="time_away_long")
        for o in own:
            for grp in options[o].pending:
                earlier = [local[p] for p in earlier_options(inst, o, grp)]
                rows.add(
                    earlier + [local[o]],
                    [1.0] * len(earlier) + [-1.0],
                    lb=0.0,
                    rule="prerequisites",
                )

    # unit share: exact per unit and week when cohorts are per unit, else summed over units
    weeks = inst.session_weeks
    caps = inst.unit_cap
    if cohorts.by_unit:
        away: dict[tuple[int, int], list[int]] = defaultdict(list)
        for a in range(n_agg):
            s = int(sess_a[a])
            if sessions[s].away and zub[a] > 0:
                unit = inst.officials[cohorts.members[coh[a]][0]].unit
                for week in weeks[s]:
                    away[(unit, week)].append(a)
        for unit, week in sorted(away):
            cols = away[(unit, week)]
            if float(zub[cols].sum()) > caps[unit]:
                rows.add(cols, 1.0, ub=float(caps[unit]), rule="unit_share")
    else:
        total_cap = float(sum(caps))
        away_w: dict[int, list[int]] = defaultdict(list)
        for a in range(n_agg):
            s = int(sess_a[a])
            if sessions[s].away and zub[a] > 0:
                for week in weeks[s]:
                    away_w[week].append(a)
        for week in sorted(away_w):
            cols = away_w[week]
            if float(zub[cols].sum()) > total_cap:
                rows.add(cols, 1.0, ub=total_cap, rule="unit_share")

    # objective
    n = len(lb)
    int_obj = np.zeros(n, dtype=np.int64)
    cost_k = np.asarray([thousands(options[o].cost) for o in rep_option], dtype=np.int64)
    pts = np.asarray([points[o] for o in rep_option], dtype=np.int64)
    class_k = {s: thousands(sessions[s].class_cost) for s in run_var}
    met_points = {
        var: objective.need_points(needs_of[cohorts.members[c][0]][i])
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
        ubs = np.asarray(ub, dtype=float)
        if float(np.abs(int_obj.astype(float)) @ ubs) > 2.0**60:  # CP-SAT would overflow int64:
            int_points_only = True
            int_obj[:n_agg] = pts  # coverage points only (cost no longer breaks ties)
            for s, var in run_var.items():
                int_obj[var] = 0
            for var, p in met_points.items():
                int_obj[var] = p
    model = ArrayModel.of(np.asarray(lb), np.asarray(ub), np.asarray(integer), o_arr, rows)
    return Aggregate(
        inst,
        cohorts,
        model,
        rep,
        coh,
        np.asarray(position, dtype=np.int64),
        run_var,
        met_var,
        objective.mode,
        eps,
        exact=cohorts.by_unit and all(s == 1 for s in sizes),
        int_obj=int_obj,
        int_points_only=int_points_only,
    )
