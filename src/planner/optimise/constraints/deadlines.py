"""Deadlines: a need whose deadline falls inside the horizon can only be closed by a session
ending on or before it. A deadline before the horizon (overdue) or after it does not restrict
the session; overdue needs come first through their weight (assess adds the overdue bonus).

The rule is applied when options are built (`closable`): an option lists only the needs it may
close, so the model needs no rows; `check` re-verifies it for plans and hand-built instances.
"""

from __future__ import annotations

from planner.optimise.instance import Instance, Need, Session
from planner.optimise.state import Block, PlanState, Violation

NAME = "deadlines"
CAUSE = "no_course"
COUPLES = False


def closable(need: Need, session: Session, horizon: tuple[int, int]) -> bool:
    if need.deadline is None or not horizon[0] <= need.deadline <= horizon[1]:
        return True
    return session.end <= need.deadline


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    horizon = inst.horizon
    for o in state.sorted_chosen():
        option = inst.options[o]
        session = inst.sessions[option.session]
        for n in option.needs:
            need = inst.needs[n]
            if not closable(need, session, horizon):
                violations.append(
                    Violation(
                        NAME,
                        inst.officials[option.official].id,
                        session.id,
                        "plan.check.deadline",
                        {
                            "need": need.id,
                            "deadline": _iso(need.deadline),
                            "end": _iso(session.end),
                        },
                    )
                )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    return None


def _iso(ordinal: int | None) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat() if ordinal else ""
