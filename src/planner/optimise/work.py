"""Deterministic work budgets: how much work a solve may do when it must not depend on the clock.

A solve stopped by its time limit gives a plan that depends on how fast the machine ran at that
moment: two runs of the same what-if, one with `--jobs 4` on a loaded machine and one with
`--jobs 1`, then differ although nothing in the case changed. A work limit (`SolveConfig.
work_limit`) stops each method on counted work instead: neighbourhood-search rounds (transport
method), column-generation iterations (colgen), branch-and-bound nodes (exact, cohort, highs),
every step single-threaded with a fixed seed, so the same inputs give the same plan on any
machine and under any load. The clock is then only a guard against a runaway solve.

`budget` sizes that work from a time limit, per method, with rates measured on the bundled
examples and generated cases (see WORK_PER_SECOND): on a machine like the one they were measured
on a run takes about the time limit; on a slower or loaded one it takes longer but gives the
same plan, and is stopped only at its guard, `guard` (then the plan may differ, and the caller
says so).
"""

from __future__ import annotations

import math

# Units of work per second of time limit, per method (solve.method_of). Measured on an idle
# 2-core machine, one solver thread, `SolveConfig(work_limit=…)`:
# - transport (examples/huong-khe, 435 officials × 5 years): 12 search rounds took 10.7 s,
#   2 rounds 2.6 s (the LP, greedy plans and layout take about 1.5 s whatever the budget);
# - exact (examples/thoi-binh): HiGHS proves the optimum in 3.3-3.5 s with 200 or 2,000 nodes;
# - cohort (generated, 400 officials × 1 year, role needs): 7.0 s with 200 or 2,000 nodes (the
#   aggregated MIP's root decides the time, not the nodes);
# - colgen (generated, 1,000 officials × 1 year, individual needs): 8 iterations took 12.6 s,
#   15 took 19.4 s (the master and exact MIPs are left out under a work limit, solve.py);
# - highs, cpsat: not measured; nodes of the individual model as for exact, and CP-SAT's
#   deterministic time (its own unit, close to a second of one worker) — estimates;
# - greedy: no search to limit (one unit).
WORK_PER_SECOND = {
    "transport": 1.2,
    "exact": 200.0,
    "colgen": 0.8,
    "cohort": 200.0,
    "highs": 200.0,
    "cpsat": 1.0,
    "greedy": 0.0,
}
# The clock's guard: GUARD_FACTOR times the time limit the budget was sized for, plus
# GUARD_EXTRA_S for the fixed stages a short limit cannot shrink (huong-khe at 1 s: two rounds
# and the LP, greedy and layout took 2.6 s on an idle machine, 2-3 times that beside a loaded
# one). 10 s was too little: a what-if of huong-khe at 2 s (3 rounds, 3.9-4.6 s idle) with two
# jobs beside two busy processes passed 16 s and stopped on the clock, so its plans differed
# from the sequential run's (tests/test_optimise_work.py); with 30 s they match.
GUARD_FACTOR = 3.0
GUARD_EXTRA_S = 30.0


def guard(seconds: float) -> float:
    """The clock limit of a solve whose work budget was sized for `seconds`."""
    return GUARD_FACTOR * seconds + GUARD_EXTRA_S


def budget(method: str, seconds: float) -> int:
    """The work limit that takes about `seconds` with `method` (at least one unit)."""
    return max(1, math.ceil(WORK_PER_SECOND[method] * seconds))
