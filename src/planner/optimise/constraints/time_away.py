"""Time away: an official spends at most `limits.max_days_away_per_year` days (`Session.days`:
the course's `duration_days`, or the working days among the session's class days when the catalog
gives them, e.g. an in-service programme's blocks) in training per year, counted in the session's
year like its cost. Online courses count too: they take working time even though the official
stays at the desk (they do not count toward the unit's share away)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "time_away"
CAUSE = "time_limit_per_official"
COUPLES = False


def bound_columns(v: View) -> None:
    """A session longer than the days away allowed in a year: nobody can go."""
    limit = v.inst.limits.max_days_away_per_year
    too_long = np.asarray([s.days > limit for s in v.inst.sessions], dtype=bool)
    if len(v.zub):
        v.zub[too_long[v.sess]] = 0


def rows(v: View, c: int, local: dict[int, int]) -> None:
    """Per year: Σ days·z ≤ limit·size; for cohorts, also at most k − 1 sessions longer than
    limit/k per member (valid per official, hence summed; it tightens the sum so that it splits
    back into individual plans)."""
    inst = v.inst
    limit = inst.limits.max_days_away_per_year
    size = v.size(c)
    by_year: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for o, a in local.items():
        session = inst.sessions[inst.options[o].session]
        by_year[session.year][0].append(a)
        by_year[session.year][1].append(float(session.days))
    for year in sorted(by_year):
        cols, days = by_year[year]
        if float(np.dot(days, v.zub[cols])) > limit * size:
            v.rows.add(cols, days, ub=limit * size, rule=NAME)
            for k in (2, 3) if size > 1 else ():
                long = [a for a, d in zip(cols, days, strict=True) if d * k > limit]
                if len(long) > 1 and v.cap(long) > (k - 1) * size:
                    v.rows.add(long, 1.0, ub=(k - 1) * size, rule="time_away_long")


def check(inst: Instance, state: PlanState) -> list[Violation]:
    limit = inst.limits.max_days_away_per_year
    return [
        Violation(
            NAME,
            inst.officials[official].id,
            None,
            "plan.check.time_away",
            {"year": year, "days": days, "limit": limit},
        )
        for (official, year), days in sorted(state.days.items())
        if days > limit
    ]


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    option = inst.options[o]
    session = inst.sessions[option.session]
    limit = inst.limits.max_days_away_per_year
    used = state.days[(option.official, session.year)]
    if used + session.days > limit:
        return Block(
            NAME,
            CAUSE,
            "plan.unmet.time_away",
            {
                "year": session.year,
                "used": used,
                "days": session.days,
                "limit": limit,
                "session": session.id,
            },
            shortfall=used + session.days - limit,
        )
    return None
