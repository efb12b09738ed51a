"""CP-SAT engine.

Determinism: with `workers == 1` CP-SAT runs one sequential search; with more workers it runs
its portfolio in `interleave_search` mode, which is deterministic too. The search stops on
`max_deterministic_time` (= the time limit, in CP-SAT's deterministic seconds), not on the
wall clock, so the same instance, seed and settings give the same plan; a wall-clock limit of
3 × the time limit + 5 s is kept only as a safety net. The greedy plan is a complete hint
(`fix_variables_to_their_hinted_value` is not used: the hint only seeds the search), and on
2 workers `linearization_level=2` puts the at-most-one rows into CP-SAT's LP.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from planner.optimise.engine import EngineResult, Progress
from planner.optimise.model import LinearModel


def to_cp_model(model: LinearModel) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    cp = cp_model.CpModel()
    xs = [cp.new_bool_var(name) for name in model.names]
    for var, value in model.fixed.items():
        cp.add(xs[var] == value)
    for row in model.rows:
        expr = cp_model.LinearExpr.weighted_sum([xs[v] for v in row.vars], list(row.coefs))
        if row.lb is not None and row.ub is not None:
            cp.add_linear_constraint(expr, row.lb, row.ub)
        elif row.ub is not None:
            cp.add(expr <= row.ub)
        elif row.lb is not None:
            cp.add(expr >= row.lb)
    return cp, xs


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, start: float) -> None:
        super().__init__()
        self._progress = progress
        self._start = start

    def on_solution_callback(self) -> None:
        self._progress(
            self.objective_value, self.best_objective_bound, time.monotonic() - self._start
        )


def solve_cpsat(
    model: LinearModel,
    hint: list[int] | None,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    progress: Progress | None = None,
    objective: dict[int, int] | None = None,
    minimize: bool = False,
) -> EngineResult:
    cp, xs = to_cp_model(model)
    coefs = model.objective if objective is None else objective
    terms = sorted(coefs.items())
    expr = cp_model.LinearExpr.weighted_sum([xs[v] for v, _ in terms], [c for _, c in terms])
    if minimize:
        cp.minimize(expr)
    else:
        cp.maximize(expr)
    if hint is not None:
        for var, value in enumerate(hint):
            cp.add_hint(xs[var], value)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = int(seed)
    params.num_workers = max(1, int(workers))
    if workers > 1:
        params.interleave_search = True
    params.max_deterministic_time = float(time_limit)
    params.max_time_in_seconds = 3.0 * float(time_limit) + 5.0
    params.linearization_level = 2
    params.log_search_progress = False
    start = time.monotonic()
    callback = _Callback(progress, start) if progress is not None else None
    status = solver.solve(cp, callback)
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        return EngineResult("infeasible", info={"cpsat_status": solver.status_name(status)})
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return EngineResult("unknown", info={"cpsat_status": solver.status_name(status)})
    chosen = {o for o in range(len(model.inst.options)) if solver.boolean_value(xs[o])}
    return EngineResult(
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        chosen,
        bound=solver.best_objective_bound,
        objective=solver.objective_value,
        info={
            "cpsat_status": solver.status_name(status),
            "wall_time": solver.wall_time,
            "deterministic_time": solver.deterministic_time,
        },
    )
