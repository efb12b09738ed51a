"""Prerequisites: a course that requires another is taken only after it, either passed in the
history before the session starts or planned in a session that ends before it starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "prerequisites"
CAUSE = "prerequisite"
COUPLES = False


def earlier_options(inst: Instance, o: int, group: tuple[int, ...]) -> tuple[int, ...]:
    """The official's options on a course of `group` ending before option `o`'s session starts."""
    return inst.earlier_by_group[(o, group)]


def rows(v: View, c: int, local: dict[int, int]) -> None:
    """z(option) ≤ Σ z(the cohort's earlier options on a course of each pending group)."""
    for o, a in local.items():
        for group in v.inst.options[o].pending:
            earlier = [local[p] for p in earlier_options(v.inst, o, group)]
            v.rows.add(earlier + [a], [1.0] * len(earlier) + [-1.0], lb=0.0, rule=NAME)


def _missing(inst: Instance, state: PlanState, o: int) -> tuple[int, ...] | None:
    for group in inst.options[o].pending:
        if not any(p in state.chosen for p in earlier_options(inst, o, group)):
            return group
    return None


def _names(inst: Instance, group: tuple[int, ...]) -> str:
    return " / ".join(inst.courses[c].id for c in group)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for o in state.sorted_chosen():
        group = _missing(inst, state, o)
        if group is not None:
            option = inst.options[o]
            violations.append(
                Violation(
                    NAME,
                    inst.officials[option.official].id,
                    inst.sessions[option.session].id,
                    "plan.check.prerequisite",
                    {"course": _names(inst, group)},
                )
            )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    group = _missing(inst, state, o)
    if group is None:
        return None
    session = inst.sessions[inst.options[o].session]
    return Block(
        NAME,
        CAUSE,
        "plan.unmet.prerequisite",
        {
            "course": _names(inst, group),
            "session": session.id,
            "start": session.start_date.isoformat(),
        },
        shortfall=1,
    )
