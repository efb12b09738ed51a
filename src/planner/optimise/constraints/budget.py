"""Budget per year and funding source: tuition and travel/lodging support of every participant
plus the fixed cost of each session that runs, charged to the course's funding source in the
year of the session, stay within `case.budget`. A (year, source) the case does not list has no
money (courses costing nothing are always affordable)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.optimise.arrays import Rows
from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "budget"
CAUSE = "budget"
COUPLES = True


def rows(v: View) -> None:
    """Per (year, source): Σ participant cost·z + Σ class cost·run ≤ budget (thousands of VND
    as exact fractions), when the most that could be spent exceeds it."""
    inst = v.inst
    cols: dict[tuple[int, str], tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    worst: dict[tuple[int, str], float] = defaultdict(float)
    for a, o in enumerate(v.rep_option):
        cost = inst.options[o].cost
        if cost:
            session = inst.sessions[v.sess[a]]
            key = (session.year, session.source)
            cols[key][0].append(a)
            cols[key][1].append(cost / 1000.0)
            worst[key] += cost / 1000.0 * float(v.zub[a])
    for s, run in v.run_var.items():
        session = inst.sessions[s]
        if session.class_cost:
            key = (session.year, session.source)
            cols[key][0].append(run)
            cols[key][1].append(session.class_cost / 1000.0)
            worst[key] += session.class_cost / 1000.0
    for key in sorted(cols):
        if worst[key] > inst.budget(*key) / 1000.0:
            v.rows.add(*cols[key], ub=inst.budget(*key) / 1000.0, rule=NAME, tag=key)


def line_rows(
    rows: Rows, lines: Iterable[tuple[tuple[int, str], list[int], list[float]]], inst: Instance
) -> None:
    """Σ participant cost (thousands of VND) ≤ the line's budget, per (year, source) line in the
    order given, over columns that carry participant costs only (the transport relaxation)."""
    for key, cols, coefs in lines:
        rows.add(cols, coefs, ub=inst.budget(*key) / 1000.0, rule=NAME)


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for (year, source), spent in sorted(state.spent.items()):
        if spent > inst.budget(year, source):
            violations.append(
                Violation(
                    NAME,
                    None,
                    None,
                    "plan.check.budget",
                    {
                        "year": year,
                        "source": source,
                        "spent": spent,
                        "budget": inst.budget(year, source),
                    },
                )
            )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    session = inst.sessions[inst.options[o].session]
    key = (session.year, session.source)
    extra = state.extra_cost(o)
    left = inst.budget(*key) - state.spent[key]
    if extra > left:
        return Block(
            NAME,
            CAUSE,
            "plan.unmet.budget",
            {
                "missing": extra - left,
                "source": session.source,
                "year": session.year,
                "session": session.id,
                "cost": extra,
            },
            shortfall=extra - left,
        )
    return None
