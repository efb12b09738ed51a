"""Unit share away: in any ISO week at most `limits.max_share_away` of a unit's staff (rounded
down, but at least one person) are away on in-person or blended courses, so a commune keeps
working. Online courses do not take people away from the unit and are not counted here.
Counted per attendance: an official on two short sessions in one week counts twice (the safe
side)."""

from __future__ import annotations

from collections import defaultdict

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "unit_share"
CAUSE = "unit_share"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    rows: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o, option in enumerate(inst.options):
        if not inst.sessions[option.session].away:
            continue
        unit = inst.officials[option.official].unit
        for week in inst.session_weeks[option.session]:
            rows[(unit, week)].append(o)
    for unit, week in sorted(rows):
        options = rows[(unit, week)]
        cap = inst.unit_cap[unit]
        if len(options) > cap:
            model.add(NAME, [(o, 1) for o in options], ub=cap)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    return [
        Violation(
            NAME,
            None,
            None,
            "plan.check.unit_share",
            {
                "unit": inst.units[unit],
                "week": _week_text(week),
                "away": away,
                "cap": inst.unit_cap[unit],
                "staff": inst.unit_staff[unit],
            },
        )
        for (unit, week), away in sorted(state.away.items())
        if away > inst.unit_cap[unit]
    ]


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    option = inst.options[o]
    session = inst.sessions[option.session]
    if not session.away:
        return None
    unit = inst.officials[option.official].unit
    for week in inst.session_weeks[option.session]:
        if state.away[(unit, week)] + 1 > inst.unit_cap[unit]:
            return Block(
                NAME,
                CAUSE,
                "plan.unmet.unit_share",
                {
                    "unit": inst.units[unit],
                    "week": _week_text(week),
                    "away": state.away[(unit, week)],
                    "cap": inst.unit_cap[unit],
                    "staff": inst.unit_staff[unit],
                    "session": session.id,
                },
                shortfall=1,
            )
    return None


def _week_text(week: int) -> str:
    return f"{week // 100}-W{week % 100:02d}"
