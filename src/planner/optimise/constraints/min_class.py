"""Minimum class size: a session with `min_participants` runs only if that many attend;
otherwise nobody attends it and its fixed cost is not spent."""

from __future__ import annotations

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "min_class"
CAUSE = "seats"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    for s, session in enumerate(inst.sessions):
        run = model.run(s)
        if run is None or session.min_participants <= 1:
            continue
        options = inst.options_by_session[s]
        model.add(NAME, [(o, 1) for o in options] + [(run, -session.min_participants)], lb=0)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for s, session in enumerate(inst.sessions):
        if 0 < state.count[s] < session.min_participants:
            violations.append(Violation(NAME, None, session.id, "plan.check.min_class",
                                        {"used": state.count[s],
                                         "minimum": session.min_participants}))
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    """Joining a session that does not run: one more participant must reach the minimum."""
    s = inst.options[o].session
    session = inst.sessions[s]
    if state.count[s] == 0 and session.min_participants > 1:
        return Block(NAME, CAUSE, "plan.unmet.min_class",
                     {"session": session.id, "minimum": session.min_participants,
                      "eligible": len(inst.options_by_session[s])},
                     shortfall=session.min_participants - 1)
    return None
