"""HiGHS engine through MathOpt (both ship in the ortools wheel).

Determinism: HiGHS's branch-and-cut is deterministic for a fixed `random_seed`; it stops on the
wall-clock time limit, so a run cut short by the limit may differ between machines of different
speed (a run that proves optimality, or any CP-SAT run, is reproducible byte for byte). The
greedy plan is passed as a MathOpt solution hint, and `solve` keeps the better of HiGHS and
greedy in any case.
"""

from __future__ import annotations

import datetime as dt

from ortools.math_opt.python import mathopt

from planner.optimise.engine import EngineResult, Progress
from planner.optimise.model import LinearModel


def to_mathopt(
    model: LinearModel, *, relax: bool = False, objective: dict[int, int] | None = None
) -> tuple[mathopt.Model, list[mathopt.Variable]]:
    mo = mathopt.Model(name=model.inst.name)
    xs = []
    for var, name in enumerate(model.names):
        lb = ub = None
        if var in model.fixed:
            lb = ub = float(model.fixed[var])
        if relax:
            xs.append(
                mo.add_variable(
                    lb=0.0 if lb is None else lb, ub=1.0 if ub is None else ub, name=name
                )
            )
        else:
            v = mo.add_binary_variable(name=name)
            if lb is not None:
                v.lower_bound = lb
                v.upper_bound = ub
            xs.append(v)
    for row in model.rows:
        expr = mathopt.LinearSum(c * xs[v] for v, c in zip(row.vars, row.coefs))
        mo.add_linear_constraint(
            lb=-float("inf") if row.lb is None else float(row.lb),
            ub=float("inf") if row.ub is None else float(row.ub),
            expr=expr,
        )
    coefs = model.objective if objective is None else objective
    mo.maximize(mathopt.LinearSum(c * xs[v] for v, c in sorted(coefs.items())))
    return mo, xs


def solve_highs(
    model: LinearModel,
    hint: list[int] | None,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    progress: Progress | None = None,
) -> EngineResult:
    mo, xs = to_mathopt(model)
    params = mathopt.SolveParameters(
        time_limit=dt.timedelta(seconds=float(time_limit)),
        random_seed=int(seed),
        relative_gap_tolerance=0.0,
        absolute_gap_tolerance=0.5,
    )
    model_params = None
    if hint is not None:
        model_params = mathopt.ModelSolveParameters(
            solution_hints=[
                mathopt.SolutionHint(variable_values={x: float(v) for x, v in zip(xs, hint)})
            ]
        )
    result = mathopt.solve(mo, mathopt.SolverType.HIGHS, params=params, model_params=model_params)
    reason = result.termination.reason
    if reason in (mathopt.TerminationReason.INFEASIBLE,):
        return EngineResult("infeasible", info={"highs": str(reason)})
    bounds = result.termination.objective_bounds
    if not result.has_primal_feasible_solution():
        return EngineResult(
            "unknown", bound=_finite(bounds.dual_bound), info={"highs": str(reason)}
        )
    values = result.variable_values()
    chosen = {o for o in range(len(model.inst.options)) if values[xs[o]] > 0.5}
    status = "optimal" if reason == mathopt.TerminationReason.OPTIMAL else "feasible"
    if progress is not None:
        progress(
            result.objective_value(),
            _finite(bounds.dual_bound),
            result.solve_time().total_seconds(),
        )
    return EngineResult(
        status,
        chosen,
        bound=_finite(bounds.dual_bound),
        objective=result.objective_value(),
        info={"highs": str(reason)},
    )


def _finite(value: float) -> float | None:
    return value if value not in (float("inf"), float("-inf")) and value == value else None
