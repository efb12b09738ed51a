"""A HiGHS instance (highspy) that prints nothing.

highspy's constructor writes HiGHS's banner ("Running HiGHS …") to the process's standard
output, at the C level, once per process, before any option can turn it off; on
`planner plan --format json` without `-o` that line would corrupt the JSON. So the first instance
is made with file descriptor 1 pointed at /dev/null, and every instance gets `output_flag` off.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy
import numpy as np
import scipy.sparse as sp

_lock = threading.Lock()
_banner_done = False


def quiet_highs() -> highspy.Highs:
    """A new `highspy.Highs` with its output off (single-threaded callers set the rest)."""
    global _banner_done
    with _lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
        else:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    return highs


def load(
    highs: highspy.Highs,
    *,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    matrix: sp.csc_matrix,
    integer: np.ndarray | None = None,
) -> None:
    """Pass a maximisation model (columns' cost and bounds, rows' bounds, the column-wise matrix
    with sorted indices, and which columns are integer: none when `integer` is None) to `highs`."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    if integer is not None:
        kinds = {True: highspy.HighsVarType.kInteger, False: highspy.HighsVarType.kContinuous}
        lp.integrality_ = [kinds[bool(v)] for v in integer.tolist()]
    lp.sense_ = highspy.ObjSense.kMaximize
    highs.passModel(lp)
