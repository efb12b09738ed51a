"""Term coverage (QĐ 145-QĐ/TW): every official in a leader group takes at least the required
number of knowledge updates in the congress term, counting those already in the history.

A need with target {"programme": "knowledge_update_g*", "count": N, "window": "term"} and
current c needs N − c more sessions. The rule is hard when the horizon reaches the end of the
term (the plan is the last chance) and soft otherwise (the need is weighted in the objective and
may be met in a later year). A need no session in the horizon can close is not forced (it is
reported unmet with the recommendation's cause): the remedy there is a course, not the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "term_coverage"
CAUSE = "term"
COUPLES = False


def forced(inst: Instance, hard_term: bool | None = None) -> list[int]:
    """Needs the rule makes hard in this instance."""
    hard = inst.term_is_hard if hard_term is None else hard_term
    if not hard:
        return []
    return [n for n, need in enumerate(inst.needs) if need.term and inst.options_by_need[n]]


def need_floor(required: int, size: float) -> float:
    """The least the columns of a term need may sum to over `size` members: every member gets
    the `required` sessions (its met column, if any, is then `size`)."""
    return required * size


def need_rows(v: View, c: int, i: int, n: int, cols: list[int]) -> None:
    """When hard: Σ z over the need's options ≥ required·size (and its met column = size)."""
    need = v.inst.needs[n]
    if v.hard_term and need.term:
        size = float(v.size(c))
        v.rows.add(cols, 1.0, lb=need_floor(need.required, size), rule=NAME)
        if (c, i) in v.met_var:
            v.lb[v.met_var[(c, i)]] = size


def check(inst: Instance, state: PlanState) -> list[Violation]:
    return [
        Violation(
            NAME,
            inst.officials[inst.needs[n].official].id,
            None,
            "plan.check.term",
            {"need": inst.needs[n].id, "done": state.closed[n], "required": inst.needs[n].required},
        )
        for n in forced(inst)
        if not state.met(n)
    ]


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    return None
