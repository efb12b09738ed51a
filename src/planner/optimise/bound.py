"""A valid upper bound: the LP relaxation of the model (MathOpt GLOP), maximising coverage points
(coverage mode) or the combined objective (cost mode).

Deterministic: GLOP stops on an iteration limit, never on the clock. When it stops before the
optimum, the bound is the trivial one (every need that has an option met in the first year);
`solve` then keeps the engine's own proved bound when that is tighter.
"""

from __future__ import annotations

import math

from ortools.math_opt.python import mathopt

from planner.optimise.highs import to_mathopt
from planner.optimise.model import LinearModel
from planner.optimise.objective import Objective


class LpInfeasible(Exception):
    """The LP relaxation is infeasible, hence the integer model too."""


ITERATION_LIMIT = 20_000
MAX_LP_VARIABLES = 8_000  # above this GLOP rarely finishes within the limit: use the engine's bound


def trivial_bound(model: LinearModel, objective: Objective, coefs: dict[int, int]) -> int:
    """Every need with an option met at its best weight (coverage mode); Σ positive coefficients
    otherwise."""
    if objective.mode != "coverage":
        return sum(max(0, c) for c in coefs.values())
    inst = objective.inst
    total = 0
    for n, need in enumerate(inst.needs):
        if inst.options_by_need[n]:
            total += need.weight * objective.D
    return total


def lp_bound(
    model: LinearModel, objective: Objective, iteration_limit: int = ITERATION_LIMIT
) -> int:
    """A bound on the *reported* objective; raises LpInfeasible when no plan can exist."""
    if objective.mode == "coverage":
        coefs = {o: p for o, p in enumerate(objective.option_points) if p}
        for n, var in model.need_vars.items():
            coefs[var] = objective.need_points(n)
    else:
        coefs = model.objective
    if model.num_vars > MAX_LP_VARIABLES:
        return trivial_bound(model, objective, coefs)
    mo, _ = to_mathopt(model, relax=True, objective=coefs)
    params = mathopt.SolveParameters(iteration_limit=iteration_limit)
    result = mathopt.solve(mo, mathopt.SolverType.GLOP, params=params)
    reason = result.termination.reason
    if reason == mathopt.TerminationReason.INFEASIBLE:
        raise LpInfeasible()
    trivial = trivial_bound(model, objective, coefs)
    if reason != mathopt.TerminationReason.OPTIMAL:
        bound = result.termination.objective_bounds.dual_bound
        if not math.isfinite(bound):
            return trivial
        value = bound
    else:
        value = result.objective_value()
    value = min(value, trivial)
    return math.floor(value + 1e-6 * max(1.0, abs(value)))
