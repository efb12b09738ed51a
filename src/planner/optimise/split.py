"""Split an aggregated solution (how many of each cohort attend each session) back into
individuals, then make the plan valid and maximal.

1. Sessions are taken in start order (a prerequisite ends before its follow-up starts, so it is
   placed first). For a cohort option chosen q times, q members are picked among those the
   option fits (no rule's marginal test blocks it, see `greedy.first_block`), preferring members
   whose unit has the fewest people away in the session's weeks relative to its cap (this is
   where the per-unit share-away rule, summed over units in the model, is repaired), then the
   members with the fewest sessions so far. A count that fits nobody is dropped.
2. Sessions left below their minimum class are closed (and follow-ups that needed them removed);
   leaders still missing a hard term need are rescued (`greedy.rescue_forced`); then every option
   no rule blocks is added (`greedy.repair`).

Deterministic: every order is total (ties broken by index).
"""

from __future__ import annotations

import numpy as np

from planner.optimise.aggregate import Aggregate
from planner.optimise.constraints import term_coverage
from planner.optimise.greedy import _prune_dangling, _prune_small_classes, first_block, repair, rescue_forced
from planner.optimise.objective import Objective
from planner.optimise.state import PlanState


def split(agg: Aggregate, x: np.ndarray, objective: Objective) -> set[int]:
    inst = agg.inst
    state = PlanState(inst)
    counts = np.rint(x[:agg.n_agg]).astype(np.int64)
    chosen = np.flatnonzero(counts > 0)
    sessions = inst.sessions
    sess = [inst.options[int(agg.rep_option[a])].session for a in chosen.tolist()]
    order = sorted(range(len(chosen)), key=lambda i: (sessions[sess[i]].start, sessions[sess[i]].end,
                                                      int(chosen[i])))
    by_official = inst.options_by_official
    officials = inst.officials
    caps = inst.unit_cap
    weeks = inst.session_weeks
    for i in order:
        a = int(chosen[i])
        q = int(counts[a])
        members = agg.cohorts.members[int(agg.cohort_of[a])]
        j = int(agg.position[a])
        s = sess[i]
        if len(members) == 1:
            o = by_official[members[0]][j]
            if first_block(inst, state, o, tentative=True) is None:
                state.add(o)
            continue
        away = sessions[s].away

        def key(m: int) -> tuple[float, int, int]:
            load = 0.0
            if away:
                unit = officials[m].unit
                load = max(state.away.get((unit, w), 0) for w in weeks[s]) / caps[unit]
            return (load, len(state.by_official.get(m, ())), m)

        placed = 0
        for m in sorted(members, key=key):
            o = by_official[m][j]
            if first_block(inst, state, o, tentative=True) is None:
                state.add(o)
                placed += 1
                if placed >= q:
                    break
    banned: set[int] = set()
    while _prune_small_classes(inst, state, banned):
        _prune_dangling(inst, state)
    forced = set(term_coverage.forced(inst))
    if forced:
        rescue_forced(inst, state, forced)
    return repair(inst, objective, state.chosen)
