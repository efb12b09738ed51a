"""Seats: a session takes at most its number of seats."""

from __future__ import annotations

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "seats"
CAUSE = "seats"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    for s, session in enumerate(inst.sessions):
        options = inst.options_by_session[s]
        if not options:
            continue
        run = model.run(s)
        if run is None:
            if len(options) > session.seats:
                model.add(NAME, [(o, 1) for o in options], ub=session.seats)
            continue
        # Σ x ≤ seats·run, and x ≤ run (a tighter LP: nobody attends a session that does not run)
        model.add(NAME, [(o, 1) for o in options] + [(run, -session.seats)], ub=0)
        for o in options:
            model.add(NAME, [(o, 1), (run, -1)], ub=0)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for s, session in enumerate(inst.sessions):
        if state.count[s] > session.seats:
            violations.append(
                Violation(
                    NAME,
                    None,
                    session.id,
                    "plan.check.seats",
                    {"used": state.count[s], "seats": session.seats},
                )
            )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    s = inst.options[o].session
    session = inst.sessions[s]
    if state.count[s] + 1 > session.seats:
        return Block(
            NAME,
            CAUSE,
            "plan.unmet.seats",
            {"session": session.id, "seats": session.seats},
            shortfall=1,
        )
    return None
