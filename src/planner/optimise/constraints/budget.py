"""Budget per year and funding source: tuition and travel/lodging support of every participant
plus the fixed cost of each session that runs, charged to the course's funding source in the
year of the session, stay within `case.budget`. A (year, source) the case does not list has no
money (courses costing nothing are always affordable)."""

from __future__ import annotations

from collections import defaultdict

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "budget"
CAUSE = "budget"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    rows: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    worst: dict[tuple[int, str], int] = defaultdict(int)
    for s, session in enumerate(inst.sessions):
        key = (session.year, session.source)
        run = model.run(s)
        if run is not None and session.class_cost:
            rows[key].append((run, session.class_cost))
            worst[key] += session.class_cost
        elif session.class_cost and inst.options_by_session[s]:
            raise AssertionError("a session with a fixed cost always has a run variable")
        for o in inst.options_by_session[s]:
            if inst.options[o].cost:
                rows[key].append((o, inst.options[o].cost))
                worst[key] += inst.options[o].cost
    for key in sorted(rows):
        if worst[key] > inst.budget(*key):
            model.add(NAME, rows[key], ub=inst.budget(*key))


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
