"""Unit share away: in any ISO week at most `limits.max_share_away` of a unit's staff (rounded
down, but at least one person) are away on in-person or blended courses, so a commune keeps
working. A session counts in the weeks it holds class (`Instance.session_weeks`): an in-service
programme only in the weeks of its class blocks, not over its whole span. Online courses do not
take people away from the unit and are not counted here. Counted per attendance: an official on
two short sessions in one week counts twice (the safe side)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "unit_share"
CAUSE = "unit_share"
COUPLES = True


def rows(v: View) -> None:
    """Per unit and ISO week: Σ z of sessions away ≤ the unit's cap, exact when cohorts are per
    unit; otherwise summed over all units (a relaxation, repaired by `split`)."""
    inst = v.inst
    caps = inst.unit_cap
    by_unit = v.cohorts.by_unit
    away: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a, s in enumerate(v.sess.tolist()):
        if inst.sessions[s].away and v.zub[a] > 0:
            unit = inst.officials[v.cohorts.members[v.cohort_of[a]][0]].unit if by_unit else -1
            for week in inst.session_weeks[s]:
                away[(unit, week)].append(a)
    for unit, week in sorted(away):
        cols = away[(unit, week)]
        cap = float(caps[unit] if by_unit else sum(caps))
        if v.cap(cols) > cap:
            v.rows.add(cols, 1.0, ub=cap, rule=NAME)


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
