"""When the hard rules cannot all hold: which rule, whom it concerns, and the least change that
makes the plan feasible.

Only the term-coverage rule forces anything (every other rule only forbids), so an infeasible
instance is one where some leaders cannot all get their knowledge updates. The remedy is found
by an elastic re-solve (CP-SAT) of the individual model (`aggregate.build` over singleton
cohorts, the rows of the rule modules): the capacity rows (budget, seats, days away, unit share)
may be exceeded by slack, and the total weighted slack is minimised (1 per thousand VND, 1,000
per extra seat or person-week, 100 per extra day away). The slack of the optimum is the change
reported (as facts: `result.Message`); when it is not proved optimal within the time limit it is
reported as sufficient rather than least.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from planner.domain.message import Message, Money
from planner.optimise.aggregate import Aggregate
from planner.optimise.arrays import to_cp
from planner.optimise.constraints import term_coverage
from planner.optimise.result import Infeasible
from planner.optimise.shortfall import CPSAT_MAX_OPTIONS, min_class_change, seats_change

_ELASTIC = {"budget": 1, "seats": 1000, "time_away": 100, "unit_share": 1000, "min_class": 1000}


def infeasible_error(
    exact: Aggregate,
    *,
    time_limit: float,
    seed: int,
    hint: set[int] | None = None,
    proved: bool = True,
    wall: float | None = None,
) -> Infeasible | set[int]:
    """The error to raise, or — when the elastic solve needs no slack at all — a plan meeting
    every hard rule (the engines had not found one in time). `exact`: the individual model.
    Out of time before any solution: `plan.remedy.not_found` without changes (nothing proved)."""
    inst, model = exact.inst, exact.model
    forced = term_coverage.forced(inst)
    officials = sorted({inst.officials[inst.needs[n].official].id for n in forced})
    if len(inst.options) > CPSAT_MAX_OPTIONS:  # too big to build in time: `shortfall` finds one
        return Infeasible(officials, Message("plan.remedy.not_found", {"changes": ()}))
    cp, constraints = to_cp(model)
    # a session fewer officials could ever attend than its minimum is closed in the model
    # (`min_class.bound_columns`); here it may open below its minimum, at a slack
    # only there: an option closed for another reason (days away over the limit alone) stays so
    never = {
        s
        for s, session in enumerate(inst.sessions)
        if session.min_participants > 1
        and len(inst.options_by_session[s]) < session.min_participants
    }
    run_session = {var: s for s, var in exact.run_var.items()}
    for a in np.flatnonzero(model.ub == 0).tolist():
        s = (
            inst.options[int(exact.rep_option[a])].session
            if a < exact.n_agg
            else run_session.get(a)
        )
        if s in never:
            domain = cp.proto.variables[a].domain
            domain.clear()
            domain.extend((0, 1))
    slacks: list[tuple[int, cp_model.IntVar, int]] = []  # (row, slack variable, weight)
    for row, (ct, scale) in constraints.items():
        rule = model.rule[row]
        lower = rule == "min_class"  # Σ z − minimum·run ≥ 0: the slack adds participants
        if rule not in _ELASTIC or (model.row_ub[row] == float("inf") and not lower):
            continue
        top = sum(abs(c) for c in ct.linear.coeffs) // scale + 1
        slack = cp.new_int_var(0, max(1, top), f"slack{row}")
        ct.linear.vars.append(slack.index)
        ct.linear.coeffs.append(scale if lower else -scale)
        slacks.append((row, slack, _ELASTIC[rule]))
    cp.minimize(sum(weight * slack for _, slack, weight in slacks))
    xs = [cp.get_bool_var_from_proto_index(a) for a in range(exact.n_agg)]
    if hint is not None:
        for a, o in enumerate(exact.rep_option.tolist()):
            cp.add_hint(xs[a], 1 if o in hint else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = max(1.0, time_limit)
    # `wall`: the seconds left of the plan's time limit; None: a guard only (deterministic runs)
    solver.parameters.max_time_in_seconds = (
        wall if wall is not None else 3 * max(1.0, time_limit) + 5
    )
    solver.parameters.linearization_level = 2
    status = solver.solve(cp)
    if status == cp_model.INFEASIBLE:
        return Infeasible(officials, Message("plan.remedy.structural"))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # out of time: not proved anything
        return Infeasible(officials, Message("plan.remedy.not_found", {"changes": ()}))
    chosen = {int(exact.rep_option[a]) for a in range(exact.n_agg) if solver.value(xs[a])}
    if all(solver.value(s) <= 0 for _, s, _ in slacks):
        return chosen
    changes = []
    concerned: set[str] = set()
    for row, slack, _ in slacks:
        amount = solver.value(slack)
        if amount <= 0:
            continue
        cols = model.A.indices[model.A.indptr[row] : model.A.indptr[row + 1]].tolist()
        changes.append(_change(exact, model.rule[row], cols, amount))
        for a in cols:
            if a < exact.n_agg and solver.value(xs[a]):
                concerned.add(inst.officials[inst.options[int(exact.rep_option[a])].official].id)
    who = sorted(concerned & set(officials)) or officials
    key = "plan.remedy.least" if status == cp_model.OPTIMAL else "plan.remedy.enough"
    if not proved and status != cp_model.OPTIMAL:
        key = "plan.remedy.not_found"
    return Infeasible(who, Message(key, {"changes": tuple(changes)}))


def _change(exact: Aggregate, rule: str, cols: list[int], amount: int) -> Message:
    inst = exact.inst
    first = cols[0]
    option = inst.options[int(exact.rep_option[first])] if first < exact.n_agg else None
    if rule == "budget":
        s = (
            option.session
            if option is not None
            else next(s for s, var in exact.run_var.items() if var == first)
        )
        session = inst.sessions[s]
        return Message(
            "plan.remedy.budget",
            {"extra": Money(amount * 1000), "source": session.source, "year": session.year},
        )
    assert option is not None
    if rule == "seats":
        return seats_change(inst, option.session, amount)
    if rule == "min_class":
        s = option.session
        return min_class_change(inst, s, inst.sessions[s].min_participants - amount)
    if rule == "time_away":
        return Message(
            "plan.remedy.time_away",
            {"extra": amount, "official": inst.officials[option.official].id},
        )
    unit = inst.units[inst.officials[option.official].unit]
    return Message("plan.remedy.unit_share", {"extra": amount, "unit": unit})
