"""Split an aggregated solution (how many of each cohort attend each session) back into
individuals, then make the plan valid and maximal.

1. Cohort options are placed sessions away for the most weeks first (they need room under every
   unit's share cap in each of those weeks), then the longest, then by start; options needing a
   prerequisite planned earlier come last, in start order (a prerequisite ends before its
   follow-up starts, so it is placed first). For a cohort option chosen q times, q members are
   picked among those the option fits (no rule's marginal test blocks it, see
   `greedy.first_block`), preferring members whose unit still has room under its cap in the
   session's weeks (this is where the per-unit share-away rule, summed over units in the model,
   is repaired), then the members with the fewest sessions so far. A count that fits nobody is
   dropped.
2. Sessions left below their minimum class are closed (and follow-ups that needed them removed);
   leaders still missing a hard term need are rescued (`greedy.rescue_forced`); then every option
   no rule blocks is added (`greedy.repair`).

Deterministic: every order is total (ties broken by index).
"""

from __future__ import annotations

import numpy as np

from planner.optimise.aggregate import Aggregate
from planner.optimise.constraints import term_coverage
from planner.optimise.greedy import (
    _prune_dangling,
    _prune_small_classes,
    first_block,
    repair,
    rescue_forced,
)
from planner.optimise.objective import Objective
from planner.optimise.state import PlanState


def split(agg: Aggregate, x: np.ndarray, objective: Objective) -> set[int]:
    inst = agg.inst
    state = PlanState(inst)
    counts = np.rint(x[: agg.n_agg]).astype(np.int64)
    chosen = np.flatnonzero(counts > 0)
    sessions = inst.sessions
    sess = [inst.options[int(agg.rep_option[a])].session for a in chosen.tolist()]
    options = inst.options
    weeks = inst.session_weeks

    def rank(i: int) -> tuple[int, ...]:
        o = int(agg.rep_option[int(chosen[i])])
        session = sessions[sess[i]]
        if options[o].pending:
            return (1, session.start, session.end, 0, 0, int(chosen[i]))
        # sessions away for many weeks first (they need room under every unit's share cap in
        # each of those weeks, which the cohort model only sums over units), then the longest
        span = len(weeks[sess[i]]) if session.away else 0
        return (0, -span, -session.days, session.start, session.end, int(chosen[i]))

    order = sorted(range(len(chosen)), key=rank)
    by_official = inst.options_by_official
    officials = inst.officials
    caps = inst.unit_cap
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

        def key(m: int, away: bool = away, s: int = s) -> tuple[int, int, int]:
            # units with room this week first (unit share), then members with fewest sessions
            full = 0
            if away:
                unit = officials[m].unit
                full = (
                    1 if max(state.away.get((unit, w), 0) for w in weeks[s]) + 1 > caps[unit] else 0
                )
            return (full, len(state.by_official.get(m, ())), m)

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
