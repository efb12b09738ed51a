"""Array-built integer models and the engines that solve them without Python objects per
variable: HiGHS (MIP or LP) through MathOpt's model proto, and CP-SAT through its model proto.

`ArrayModel` holds columns as numpy arrays (bounds, integrality, objective to maximise) and the
rows as a CSR matrix with row bounds; `Rows` accumulates rows as flat coordinate lists. Building
an 18,000-variable model this way takes a few tens of milliseconds, and a 1,000,000-variable one a
few seconds, where one `mathopt.Variable` per column took most of the time limit.

Determinism: HiGHS and CP-SAT are deterministic for a fixed seed and thread count as long as they
finish before their time limit (CP-SAT stops on deterministic time; HiGHS on the wall clock, so a
run cut short by the limit may differ between machines of different speed).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

log = logging.getLogger("planner")

INF = float("inf")


class Rows:
    """Rows `lb <= Σ coef·var <= ub`, accumulated as coordinate lists."""

    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rule: list[str] = []
        self.tag: list[object] = []  # what a row is about (a budget line, a session), or None

    def add(
        self,
        cols: list[int],
        coefs: list[float] | float,
        lb: float = -INF,
        ub: float = INF,
        rule: str = "",
        tag: object = None,
    ) -> None:
        if not cols:
            return
        i = len(self.lb)
        self.r.extend([i] * len(cols))
        self.c.extend(cols)
        if isinstance(coefs, (int, float)):
            self.v.extend([float(coefs)] * len(cols))
        else:
            self.v.extend(coefs)
        self.lb.append(lb)
        self.ub.append(ub)
        self.rule.append(rule)
        self.tag.append(tag)

    def __len__(self) -> int:
        return len(self.lb)


@dataclass
class ArrayModel:
    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray  # bool per column
    obj: np.ndarray  # maximised
    A: sp.csr_matrix
    row_lb: np.ndarray
    row_ub: np.ndarray
    rule: list[str] = field(default_factory=list)
    tag: list[object] = field(default_factory=list)  # per row, when the rows carry one

    def without(self, *rules: str) -> ArrayModel:
        """The same model without the rows of `rules` (valid when those rows are implied by the
        others for integral columns, e.g. the seat links by the seats rows)."""
        keep = np.flatnonzero(~np.isin(np.asarray(self.rule, dtype=object), list(rules)))
        return ArrayModel(
            self.lb,
            self.ub,
            self.integer,
            self.obj,
            self.A.tocsr()[keep],
            self.row_lb[keep],
            self.row_ub[keep],
            [self.rule[i] for i in keep.tolist()],
            [self.tag[i] for i in keep.tolist()] if self.tag else [],
        )

    @classmethod
    def of(
        cls, lb: np.ndarray, ub: np.ndarray, integer: np.ndarray, obj: np.ndarray, rows: Rows
    ) -> ArrayModel:
        n = len(lb)
        A = sp.csr_matrix(
            (
                np.asarray(rows.v, dtype=float),
                (np.asarray(rows.r, dtype=np.int64), np.asarray(rows.c, dtype=np.int64)),
            ),
            shape=(len(rows), n),
        )
        A.sum_duplicates()
        A.sort_indices()
        return cls(
            lb.astype(float),
            ub.astype(float),
            integer.astype(bool),
            obj.astype(float),
            A,
            np.asarray(rows.lb, dtype=float),
            np.asarray(rows.ub, dtype=float),
            rows.rule,
            rows.tag,
        )

    @property
    def num_vars(self) -> int:
        return len(self.lb)

    @property
    def num_rows(self) -> int:
        return int(self.A.shape[0])

    def violation(self, x: np.ndarray) -> float:
        ax = self.A @ x
        return float(
            max(
                0.0,
                np.max(self.row_lb - ax, initial=0.0),
                np.max(ax - self.row_ub, initial=0.0),
                np.max(self.lb - x, initial=0.0),
                np.max(x - self.ub, initial=0.0),
            )
        )


@dataclass
class ArrayResult:
    status: str  # optimal | feasible | infeasible | unknown
    x: np.ndarray | None = None
    objective: float | None = None
    bound: float | None = None  # dual bound (maximisation): no solution is better
    time_s: float = 0.0
    first_solution_s: float | None = None
    info: dict[str, object] = field(default_factory=dict)


# -- HiGHS through MathOpt ------------------------------------------------------------------------


def _mathopt_proto(model: ArrayModel, relax: bool):  # type: ignore[no-untyped-def]
    from ortools.math_opt import model_pb2

    proto = model_pb2.ModelProto(name="planner")
    n = model.num_vars
    v = proto.variables
    v.ids.extend(range(n))
    v.lower_bounds.extend(model.lb.tolist())
    v.upper_bounds.extend(model.ub.tolist())
    v.integers.extend([False] * n if relax else model.integer.tolist())
    proto.objective.maximize = True
    nz = np.flatnonzero(model.obj)
    proto.objective.linear_coefficients.ids.extend(nz.tolist())
    proto.objective.linear_coefficients.values.extend(model.obj[nz].tolist())
    m = model.num_rows
    c = proto.linear_constraints
    c.ids.extend(range(m))
    c.lower_bounds.extend(model.row_lb.tolist())
    c.upper_bounds.extend(model.row_ub.tolist())
    A = model.A
    rows = np.repeat(np.arange(m, dtype=np.int64), np.diff(A.indptr))
    keep = A.data != 0
    mat = proto.linear_constraint_matrix
    mat.row_ids.extend(rows[keep].tolist())
    mat.column_ids.extend(A.indices[keep].tolist())
    mat.coefficients.extend(A.data[keep].tolist())
    return proto


_REASONS = {
    1: "optimal",
    2: "infeasible",
    3: "unbounded",
    4: "infeasible_or_unbounded",
    5: "imprecise",
    9: "feasible",
    10: "no_solution_found",
}


# HiGHS's presolve rule "parallel rows and columns" (bit 13 of its `presolve_rule_off` mask),
# switched off in every MIP: with it, highspy 1.16.0's presolve (HPresolve::
# strengthenInequalities) never returned from a sub-MIP of the neighbourhood search (2,000
# officials × 5 years), past its 1 s limit and `cancelSolve` alike, and ortools 9.15 loads the
# same libhighs.so.1, so no older HiGHS can be pinned beside it. Without the rule the same model
# stops at its limit; measured on huong-khe's search (4.5 s, 8 seeds, median) 2,549,262 without
# against 2,538,112 with: within the noise (tests/test_highs_returns.py).
HIGHS_PRESOLVE_RULES_OFF = 1 << 13


def solve_highs(
    model: ArrayModel,
    *,
    time_limit: float,
    seed: int = 0,
    threads: int = 1,
    relax: bool = False,
    hint: np.ndarray | None = None,
    rel_gap: float = 1e-4,
    abs_gap: float = 0.0,
    verbose: bool = False,
    heuristic_effort: float | None = None,
    node_limit: int | None = None,
) -> ArrayResult:
    """HiGHS (simplex/branch-and-cut) on `model`, or on its LP relaxation when `relax`."""
    from ortools.math_opt import model_parameters_pb2
    from ortools.math_opt.core.python import solver
    from ortools.math_opt.python import callback, init_arguments, mathopt

    started = time.monotonic()
    proto = _mathopt_proto(model, relax)
    params = mathopt.SolveParameters(
        time_limit=dt.timedelta(seconds=max(0.05, float(time_limit))),
        random_seed=int(seed),
        enable_output=verbose,
    )
    if not relax:
        params.relative_gap_tolerance = rel_gap
        params.absolute_gap_tolerance = abs_gap
        if node_limit is not None:  # a deterministic work limit (branch-and-bound nodes)
            params.node_limit = int(node_limit)
    params_proto = params.to_proto()
    # one thread: HiGHS's own worker threads (symmetry detection, parallel stages) otherwise
    # make its path depend on scheduling, so a node limit would not give the same plan
    params_proto.highs.int_options["threads"] = int(threads)
    if not relax:
        params_proto.highs.int_options["presolve_rule_off"] = HIGHS_PRESOLVE_RULES_OFF
    if heuristic_effort is not None and not relax:
        params_proto.highs.double_options["mip_heuristic_effort"] = float(heuristic_effort)
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None and not relax:
        h = model_params.solution_hints.add()
        nz = np.flatnonzero(hint)
        h.variable_values.ids.extend(nz.tolist())
        h.variable_values.values.extend(hint[nz].astype(float).tolist())
    try:
        out = solver.solve(
            proto,
            mathopt.SolverType.HIGHS.value,
            init_arguments.StreamableSolverInitArguments().to_proto(),
            params_proto,
            model_params,
            None,
            callback.CallbackRegistration().to_proto(),
            None,
            None,
        )
    except Exception as exc:  # noqa: BLE001 - an engine failing must not sink the plan
        log.warning("HiGHS failed: %s", exc)
        return ArrayResult("unknown", time_s=time.monotonic() - started, info={"error": str(exc)})
    elapsed = time.monotonic() - started
    reason = _REASONS.get(int(out.termination.reason), "limit")
    bound = out.termination.objective_bounds.dual_bound
    bound = bound if math.isfinite(bound) else None
    if reason in ("infeasible", "infeasible_or_unbounded"):
        return ArrayResult("infeasible", time_s=elapsed, info={"highs": reason})
    x = None
    objective = None
    for solution in out.solutions:
        if (
            solution.HasField("primal_solution")
            and solution.primal_solution.feasibility_status == 2
        ):
            values = solution.primal_solution.variable_values
            x = np.zeros(model.num_vars)
            x[np.asarray(values.ids, dtype=np.int64)] = np.asarray(values.values)
            objective = solution.primal_solution.objective_value
            break
    if x is None:
        return ArrayResult("unknown", bound=bound, time_s=elapsed, info={"highs": reason})
    status = "optimal" if reason == "optimal" else "feasible"
    if status == "optimal" and relax:
        bound = objective if bound is None else bound
    return ArrayResult(status, x, objective, bound, elapsed, info={"highs": reason})


# -- CP-SAT ---------------------------------------------------------------------------------------


def to_cp(model: ArrayModel) -> tuple[Any, dict[int, tuple[Any, int]]]:
    """`model` as a CP-SAT model (integer columns, no objective), and per non-empty row its
    constraint and the scale that made its coefficients integral (1, or 1000 for money)."""
    from ortools.sat.python import cp_model

    cp = cp_model.CpModel()
    proto = cp.proto
    lb = np.ceil(model.lb - 1e-9).astype(np.int64)
    ub = np.floor(model.ub + 1e-9).astype(np.int64)
    for lo, hi in zip(lb.tolist(), ub.tolist(), strict=True):
        var = proto.variables.add()
        var.domain.extend((lo, hi))
    A = model.A
    big = 2**50
    constraints: dict[int, tuple[Any, int]] = {}
    for i in range(model.num_rows):
        a, b = A.indptr[i], A.indptr[i + 1]
        if a == b:
            continue
        cols = A.indices[a:b]
        coefs = A.data[a:b]
        scale = 1
        if not np.all(coefs == np.round(coefs)):
            scale = 1000
        ic = np.round(coefs * scale).astype(np.int64)
        lo = model.row_lb[i]
        hi = model.row_ub[i]
        ct = proto.constraints.add()
        ct.linear.vars.extend(cols.tolist())
        ct.linear.coeffs.extend(ic.tolist())
        ct.linear.domain.extend(
            (
                int(math.ceil(lo * scale - 1e-9)) if math.isfinite(lo) else -big,
                int(math.floor(hi * scale + 1e-9)) if math.isfinite(hi) else big,
            )
        )
        constraints[i] = (ct, scale)
    return cp, constraints


def solve_cpsat(
    model: ArrayModel,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    hint: np.ndarray | None = None,
    tuned: bool = False,
    int_obj: np.ndarray | None = None,
    deterministic_time: float | None = None,
) -> ArrayResult:
    """CP-SAT on `model` (integer columns; the objective must be integral: `int_obj`, or the
    model's objective rounded). Rows with fractional coefficients are scaled to integers.
    With `deterministic_time` it stops on CP-SAT's deterministic time (a work limit: the same
    search on any machine), the clock a guard only."""
    from ortools.sat.python import cp_model

    started = time.monotonic()
    cp, _ = to_cp(model)
    proto = cp.proto
    obj = int_obj if int_obj is not None else np.round(model.obj).astype(np.int64)
    nz = np.flatnonzero(obj)
    proto.objective.vars.extend(nz.tolist())
    proto.objective.coeffs.extend((-obj[nz]).astype(np.int64).tolist())  # minimise −obj
    if hint is not None:
        proto.solution_hint.vars.extend(range(model.num_vars))
        proto.solution_hint.values.extend(np.round(hint).astype(np.int64).tolist())
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = int(seed)
    p.num_workers = max(1, int(workers))
    left = max(0.1, float(time_limit) - (time.monotonic() - started))
    p.max_time_in_seconds = left
    if tuned:
        p.linearization_level = 2
        p.interleave_search = workers > 1
        p.max_deterministic_time = left
    if deterministic_time is not None:
        p.max_deterministic_time = float(deterministic_time)
    first: list[float] = []

    class _First(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.monotonic() - started)

    status = solver.solve(cp, _First())
    elapsed = time.monotonic() - started
    if status == cp_model.MODEL_INVALID:
        log.warning("CP-SAT: model invalid (%s)", solver.solution_info())
        return ArrayResult(
            "unknown", time_s=time.monotonic() - started, info={"cpsat": "MODEL_INVALID"}
        )
    if status == cp_model.INFEASIBLE:
        return ArrayResult("infeasible", time_s=elapsed, info={"cpsat": solver.status_name(status)})
    bound = (
        -solver.best_objective_bound if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ArrayResult("unknown", time_s=elapsed, info={"cpsat": solver.status_name(status)})
    x = np.asarray(solver.response_proto.solution, dtype=float)
    return ArrayResult(
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        x,
        -solver.objective_value,
        bound,
        elapsed,
        first[0] if first else None,
        info={"cpsat": solver.status_name(status)},
    )
