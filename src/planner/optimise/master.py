"""The restricted master LP of the column generation, kept alive between iterations.

Re-solving the master from scratch every iteration is what made the column generation slow on
five-year cases (huong-khe: 115 of 130 s in the master, 17 iterations). HiGHS keeps the model and
its simplex basis: new plans are added as columns and the next solve starts from the last basis
(primal feasible still, so a few pivots instead of a full solve).

Rows: the coupling rows G x ≤ h the column generation holds (so a plan added later finds its rows
there), then one convexity row Σ_p λ[k, p] = 1 per official, then the coupling rows added later
(`add_rows`: the seat links the column generation separates as the master's point breaks them).
Columns: the run columns (bounds from the model), then one λ per generated plan, in the order the
plans were generated. The objective is
minimised as −value so the duals read as in `scipy.optimize.linprog` (≤ 0 on a binding ≤ row).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from planner.optimise.highs_session import quiet_highs


@dataclass(frozen=True)
class MasterSolution:
    pi: np.ndarray  # ≥ 0, one per coupling row (G x ≤ h), in the order the rows were added
    mu: np.ndarray  # one per official (the convexity rows), in the master's official order
    plans: np.ndarray  # λ per plan
    runs: np.ndarray  # the run columns' values
    value: float  # the master LP's value (model objective)


class Master:
    """The restricted master LP in one HiGHS instance (single-threaded, fixed seed)."""

    def __init__(
        self,
        G_glob: sp.csc_matrix,
        glob_obj: np.ndarray,
        glob_lb: np.ndarray,
        glob_ub: np.ndarray,
        h: np.ndarray,
        officials: int,
        seed: int = 0,
    ) -> None:
        self.m_c = len(h)
        self.officials = officials
        self.plans = 0
        self.n_glob = len(glob_obj)
        highs = quiet_highs()
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("random_seed", int(seed))
        highs.setOptionValue("solver", "simplex")
        inf = highspy.kHighsInf
        lower = np.concatenate([np.full(self.m_c, -inf), np.ones(officials)])
        upper = np.concatenate([np.asarray(h, dtype=float), np.ones(officials)])
        highs.addRows(
            len(lower), lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        if self.n_glob:
            G = sp.csc_matrix(G_glob, dtype=float)
            G.sort_indices()
            highs.addCols(
                self.n_glob,
                -np.asarray(glob_obj, dtype=float),
                np.asarray(glob_lb, dtype=float),
                np.asarray(glob_ub, dtype=float),
                G.nnz,
                G.indptr[:-1].astype(np.int32),
                G.indices.astype(np.int32),
                G.data,
            )
        self.highs = highs

    def add_plans(self, GX: sp.csc_matrix, owner: np.ndarray, value: np.ndarray) -> None:
        """New plan columns: their coupling coefficients (G times the plan, over the rows the
        master holds in the order they were added), the index of their official in the
        master's order, and their value."""
        count = GX.shape[1]
        if count == 0:
            return
        conv = sp.csc_matrix(
            (np.ones(count), (np.asarray(owner, dtype=np.int64), np.arange(count))),
            shape=(self.officials, count),
        )
        GX = sp.csr_matrix(GX, dtype=float)
        A = sp.vstack([GX[: self.m_c], conv, GX[self.m_c :]]).tocsc()
        A.sort_indices()
        self.highs.addCols(
            count,
            -np.asarray(value, dtype=float),
            np.zeros(count),
            np.ones(count),
            A.nnz,
            A.indptr[:-1].astype(np.int32),
            A.indices.astype(np.int32),
            A.data,
        )
        self.plans += count

    def add_rows(self, G_glob: sp.csr_matrix, GX: sp.csr_matrix, h: np.ndarray) -> None:
        """More coupling rows G x ≤ h: their coefficients on the run columns and on every plan
        column so far (G times the plans), in the master's column order."""
        count = len(h)
        if count == 0:
            return
        A = sp.hstack([sp.csr_matrix(G_glob, dtype=float), sp.csr_matrix(GX, dtype=float)])
        A = A.tocsr()
        A.sort_indices()
        self.highs.addRows(
            count,
            np.full(count, -highspy.kHighsInf),
            np.asarray(h, dtype=float),
            A.nnz,
            A.indptr[:-1].astype(np.int32),
            A.indices.astype(np.int32),
            A.data,
        )

    def solve(self, time_limit: float | None = None) -> MasterSolution | None:
        """Solve from the last basis; None when HiGHS does not reach an optimal LP."""
        highs = self.highs
        highs.setOptionValue("time_limit", float(time_limit) if time_limit else highspy.kHighsInf)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = highs.getSolution()
        x = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        conv = slice(self.m_c, self.m_c + self.officials)
        return MasterSolution(
            pi=np.maximum(0.0, -np.concatenate([duals[: self.m_c], duals[conv.stop :]])),
            mu=-duals[conv],
            plans=x[self.n_glob :],
            runs=x[: self.n_glob],
            value=-float(highs.getInfo().objective_function_value),
        )
