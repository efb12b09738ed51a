"""When the hard rules cannot all hold: which rule, whom it concerns, and the least change that
makes the plan feasible.

Only the term-coverage rule forces anything (every other rule only forbids), so an infeasible
instance is one where some leaders cannot all get their knowledge updates. The remedy is found
by an elastic re-solve (CP-SAT): the capacity rows (budget, seats, days away, unit share) may be
exceeded by slack, and the total weighted slack is minimised (1 per thousand VND, 1,000 per
extra seat or person-week, 100 per extra day away). The slack of the optimum is the change
reported; when it is not proved optimal within the time limit it is reported as sufficient
rather than least.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.errors import InfeasiblePlanError
from planner.i18n import format_vnd, t
from planner.optimise.constraints import term_coverage
from planner.optimise.cpsat import to_cp_model
from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel

_ELASTIC = {"budget": 1, "seats": 1000, "time_away": 100, "unit_share": 1000}


def infeasible_error(
    inst: Instance,
    model: LinearModel,
    *,
    time_limit: float,
    seed: int,
    lang: str,
    hint: set[int] | None = None,
    proved: bool = True,
) -> InfeasiblePlanError | set[int]:
    """The error to raise, or — when the elastic solve needs no slack at all — a plan meeting
    every hard rule (the engines had not found one in time)."""
    forced = term_coverage.forced(inst)
    cp, xs = to_cp_model(_without_elastic_rows(model))
    slacks: list[tuple[int, cp_model.IntVar, int]] = []
    for index, row in enumerate(model.rows):
        if row.rule not in _ELASTIC or row.ub is None:
            continue
        expr = cp_model.LinearExpr.weighted_sum([xs[v] for v in row.vars], list(row.coefs))
        scale = 1000 if row.rule == "budget" else 1
        top = sum(c for c in row.coefs if c > 0) // scale + 1
        slack = cp.new_int_var(0, max(1, top), f"slack{index}")
        cp.add(expr - scale * slack <= row.ub)
        slacks.append((index, slack, _ELASTIC[row.rule]))
    cp.minimize(sum(weight * slack for _, slack, weight in slacks))
    if hint is not None:
        for o in range(len(inst.options)):
            cp.add_hint(xs[o], 1 if o in hint else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = max(1.0, time_limit)
    solver.parameters.max_time_in_seconds = 3 * max(1.0, time_limit) + 5
    solver.parameters.linearization_level = 2
    status = solver.solve(cp)
    officials = sorted({inst.officials[inst.needs[n].official].id for n in forced})
    rule_name = t(lang, "optimise.rule.term_coverage")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        remedy = t(lang, "plan.remedy.structural")
        return _error(lang, rule_name, officials, remedy)
    if all(solver.value(slack) <= 0 for _, slack, _ in slacks):
        return {o for o in range(len(inst.options)) if solver.boolean_value(xs[o])}
    changes = []
    concerned: set[str] = set()
    for index, slack, _ in slacks:
        amount = solver.value(slack)
        if amount <= 0:
            continue
        row = model.rows[index]
        changes.append(_change_text(inst, model, row, amount, lang))
        for v in row.vars:
            if v < len(inst.options) and solver.boolean_value(xs[v]):
                concerned.add(inst.officials[inst.options[v].official].id)
    forced_officials = {inst.officials[inst.needs[n].official].id for n in forced}
    who = sorted(concerned & forced_officials) or officials
    key = "plan.remedy.least" if status == cp_model.OPTIMAL else "plan.remedy.enough"
    if not proved and status != cp_model.OPTIMAL:
        key = "plan.remedy.not_found"
    remedy = t(lang, key, changes="; ".join(changes) or "-")
    return _error(lang, rule_name, who, remedy)


def _error(lang: str, rule_name: str, officials: list[str], remedy: str) -> InfeasiblePlanError:
    shown = ", ".join(officials[:20]) + (" …" if len(officials) > 20 else "")
    message = t(
        lang,
        "plan.infeasible",
        rule=rule_name,
        count=len(officials),
        officials=shown,
        remedy=remedy,
    )
    return InfeasiblePlanError(message, rule="term_coverage", officials=officials, remedy=remedy)


def _without_elastic_rows(model: LinearModel) -> LinearModel:
    copy = LinearModel.__new__(LinearModel)
    copy.__dict__.update(model.__dict__)
    copy.rows = [r for r in model.rows if not (r.rule in _ELASTIC and r.ub is not None)]
    return copy


def _change_text(inst: Instance, model: LinearModel, row, amount: int, lang: str) -> str:  # type: ignore[no-untyped-def]
    first = row.vars[0]
    if row.rule == "budget":
        option_var = (
            next(v for v in row.vars if v < len(inst.options))
            if any(v < len(inst.options) for v in row.vars)
            else None
        )
        session = (
            inst.sessions[inst.options[option_var].session]
            if option_var is not None
            else next(inst.sessions[s] for s, var in model.run_vars.items() if var == first)
        )
        return t(
            lang,
            "plan.remedy.budget",
            extra=format_vnd(amount * 1000, lang),
            source=session.source,
            year=session.year,
        )
    if row.rule == "seats":
        session = inst.sessions[inst.options[first].session]
        return t(lang, "plan.remedy.seats", extra=amount, session=session.id)
    if row.rule == "time_away":
        official = inst.officials[inst.options[first].official].id
        return t(lang, "plan.remedy.time_away", extra=amount, official=official)
    unit = inst.units[inst.officials[inst.options[first].official].unit]
    return t(lang, "plan.remedy.unit_share", extra=amount, unit=unit)
