"""Seats: a session takes at most its number of seats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from planner.optimise.arrays import Rows
from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "seats"
LINK_NAME = "seat_link"  # z ≤ min(size, seats)·run, one row per cohort option
CAUSE = "seats"
COUPLES = True


def bound_columns(v: View) -> None:
    """A cohort option takes at most the session's seats."""
    seats = np.asarray([s.seats for s in v.inst.sessions], dtype=np.int64)
    if len(v.zub):
        v.zub = np.minimum(v.zub, seats[v.sess])


def rows(v: View, s: int) -> None:
    """Σ z ≤ seats·run, and z ≤ min(size, seats)·run (a tighter LP: nobody attends a session
    that does not run); without a run column Σ z ≤ seats."""
    agg = v.by_session[s]
    if not agg:
        return
    seats = v.inst.sessions[s].seats
    run = v.run_var.get(s)
    if run is None:
        if v.cap(agg) > seats:
            v.rows.add(agg, 1.0, ub=seats, rule=NAME, tag=s)
        return
    v.rows.add(agg + [run], [1.0] * len(agg) + [-float(seats)], ub=0.0, rule=NAME, tag=s)
    for a in agg:
        if v.zub[a] > 0:
            v.rows.add([a, run], [1.0, -float(v.zub[a])], ub=0.0, rule=LINK_NAME)


def session_rows(
    rows: Rows, inst: Instance, by_session: Mapping[int, tuple[list[int], list[float]]]
) -> None:
    """Σ attendees of session s ≤ seats, over columns that count attendees per session without
    a run column (the transport relaxation's need-component columns), in session order."""
    for s in sorted(by_session):
        cols, coefs = by_session[s]
        rows.add(cols, coefs, ub=float(inst.sessions[s].seats), rule=NAME)


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
