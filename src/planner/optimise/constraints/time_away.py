"""Time away: an official spends at most `limits.max_days_away_per_year` days (the courses'
`duration_days`) in training per year. Online courses count too: they take working time even
though the official stays at the desk (they do not count toward the unit's share away)."""

from __future__ import annotations

from collections import defaultdict

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "time_away"
CAUSE = "time_limit_per_official"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    limit = inst.limits.max_days_away_per_year
    for official, options in enumerate(inst.options_by_official):
        by_year: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for o in options:
            session = inst.sessions[inst.options[o].session]
            by_year[session.year].append((o, session.days))
        for year in sorted(by_year):
            terms = by_year[year]
            if sum(days for _, days in terms) > limit:
                model.add(NAME, terms, ub=limit)


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
