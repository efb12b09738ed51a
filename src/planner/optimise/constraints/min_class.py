"""Minimum class size: a session with `min_participants` runs only if that many attend;
otherwise nobody attends it and its fixed cost is not spent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "min_class"
CAUSE = "seats"
COUPLES = True


def bound_columns(v: View) -> None:
    """A session that can never reach its minimum: nobody can attend it."""
    for s, session in enumerate(v.inst.sessions):
        agg = v.by_session[s]
        if session.min_participants > 1 and v.cap(agg) < session.min_participants:
            v.zub[agg] = 0


def rows(v: View, s: int) -> None:
    """Σ z ≥ minimum·run."""
    minimum = v.inst.sessions[s].min_participants
    run = v.run_var.get(s)
    agg = v.by_session[s]
    if run is not None and minimum > 1 and agg:
        v.rows.add(agg + [run], [1.0] * len(agg) + [-float(minimum)], lb=0.0, rule=NAME)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for s, session in enumerate(inst.sessions):
        if 0 < state.count[s] < session.min_participants:
            violations.append(
                Violation(
                    NAME,
                    None,
                    session.id,
                    "plan.check.min_class",
                    {"used": state.count[s], "minimum": session.min_participants},
                )
            )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    """Joining a session that does not run: one more participant must reach the minimum.

    The cause is what actually keeps the session closed: fewer officials could ever attend
    than its minimum → `no_course` (no session that can run); the money left for its year and
    source does not cover opening it (fixed cost plus the minimum number of participants at
    this option's cost) → `budget`; otherwise the session could open but the plan does not
    fill it (its would-be participants are better used elsewhere or blocked) → `seats`."""
    s = inst.options[o].session
    session = inst.sessions[s]
    if state.count[s] == 0 and session.min_participants > 1:
        eligible = len(inst.options_by_session[s])
        args = {"session": session.id, "minimum": session.min_participants, "eligible": eligible}
        if eligible < session.min_participants:
            return Block(
                NAME,
                "no_course",
                "plan.unmet.min_class_never",
                args,
                shortfall=session.min_participants - eligible,
            )
        key = (session.year, session.source)
        opening = session.class_cost + session.min_participants * inst.options[o].cost
        left = inst.budget(*key) - state.spent[key]
        if opening > left:
            return Block(
                NAME,
                "budget",
                "plan.unmet.min_class_budget",
                {
                    **args,
                    "cost": opening,
                    "missing": opening - left,
                    "source": session.source,
                    "year": session.year,
                },
                shortfall=opening - left,
            )
        return Block(
            NAME, CAUSE, "plan.unmet.min_class", args, shortfall=session.min_participants - 1
        )
    return None
