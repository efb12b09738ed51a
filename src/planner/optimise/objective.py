"""The objective, in integers only.

Coverage points: a need of priority w closed by a session in year k of the horizon (k = 0 for
the first year) is worth w·(D − k) with D = 10·(number of years): the most important needs
first, and of two equal needs the earlier one (gently: priorities dominate). A need that takes
several sessions (term coverage with count > 1) counts at the weight of the last year.

Effectiveness weighting (optional, off by default): each option's points are multiplied by its
course's measured effectiveness (`effectiveness`).

Modes:
- coverage (default): maximise SCALE·coverage − cost, cost in thousands of VND (rounded up per
  item) and SCALE larger than any plan's cost, so coverage comes first and cost only breaks ties.
  The reported objective is the coverage points.
- cost: maximise RATE·coverage − D·cost: a need is worth RATE thousand VND per priority point
  (default 100, i.e. 100,000 VND), so a need whose training costs more than it is worth is left
  unmet. The reported objective is this net value (units of 1/D thousand VND).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from planner.optimise.instance import Instance, by_variable
from planner.optimise.state import PlanState


def thousands(vnd: int) -> int:
    return -(-int(vnd) // 1000)


def effectiveness_weights(
    inst: Instance, shares: Mapping[str, float | None] | None
) -> tuple[float, ...]:
    """Per course, its measured effectiveness clipped to [0, 1] (no data: 1.0)."""
    given = dict(shares or {})
    return tuple(
        1.0 if given.get(c.id) is None else max(0.0, min(1.0, float(given[c.id] or 0.0)))
        for c in inst.courses
    )


@dataclass(frozen=True)
class Objective:
    inst: Instance
    mode: str = "coverage"
    rate: int = 100  # thousand VND per priority point, cost mode
    # Per course (index), the share of participants reaching the target level
    # (`planner.analysis.evaluate.course_effectiveness`; 1.0 where there is no data): when given,
    # closing a need with a course is worth weight × effectiveness (rounded to whole points).
    # Needs met through a count (several sessions, or any course) keep their full weight.
    effectiveness: tuple[float, ...] | None = None

    @property
    def D(self) -> int:  # noqa: N802 - the name of the formula
        return 10 * len(self.inst.years)

    def factor(self, year: int) -> int:
        return self.D - self.inst.year_rank[year]

    @cached_property
    def option_points(self) -> tuple[int, ...]:
        inst = self.inst
        points = []
        seen: dict[int, int] = {}  # few distinct values: one int object each (millions of options)
        eff = self.effectiveness
        for option in inst.options:
            session = inst.sessions[option.session]
            factor = self.factor(session.year)
            value = sum(
                inst.needs[n].weight * factor
                for n in option.needs
                if not by_variable(inst.needs[n])
            )
            if eff is not None:
                value = int(round(value * eff[session.course]))
            points.append(seen.setdefault(value, value))
        return tuple(points)

    def need_points(self, n: int) -> int:
        """Points of a need credited through its `met` variable (counted at the last year)."""
        return self.inst.needs[n].weight * (self.D - (len(self.inst.years) - 1))

    @cached_property
    def scale(self) -> int:
        inst = self.inst
        total = sum(thousands(o.cost) for o in inst.options)
        total += sum(thousands(s.class_cost) for s in inst.sessions)
        return total + 1

    # -- coefficients of the combined objective --------------------------------------------------

    def option_coef(self, o: int) -> int:
        cost = thousands(self.inst.options[o].cost)
        if self.mode == "cost":
            return self.rate * self.option_points[o] - self.D * cost
        return self.scale * self.option_points[o] - cost

    def run_coef(self, s: int) -> int:
        cost = thousands(self.inst.sessions[s].class_cost)
        return -(self.D * cost if self.mode == "cost" else cost)

    def need_coef(self, n: int) -> int:
        return (self.rate if self.mode == "cost" else self.scale) * self.need_points(n)

    # -- values of a plan -------------------------------------------------------------------------

    def coverage(self, state: PlanState) -> int:
        inst = self.inst
        total = sum(self.option_points[o] for o in state.chosen)
        total += sum(
            self.need_points(n)
            for n, need in enumerate(inst.needs)
            if by_variable(need) and state.met(n)
        )
        return total

    def cost_k(self, state: PlanState) -> int:
        inst = self.inst
        total = sum(thousands(inst.options[o].cost) for o in state.chosen)
        total += sum(
            thousands(s.class_cost) for i, s in enumerate(inst.sessions) if state.running(i)
        )
        return total

    def combined(self, state: PlanState) -> int:
        if self.mode == "cost":
            return self.rate * self.coverage(state) - self.D * self.cost_k(state)
        return self.scale * self.coverage(state) - self.cost_k(state)

    def reported(self, state: PlanState) -> int:
        return self.coverage(state) if self.mode == "coverage" else self.combined(state)

    def reported_bound(self, combined_bound: float) -> int:
        """A valid bound on the reported objective from a bound on the combined one."""
        if self.mode == "cost":
            return math.floor(combined_bound + 0.5)
        # SCALE·cov − cost ≤ B with 0 ≤ cost < SCALE  ⇒  cov ≤ (B + SCALE − 1) / SCALE
        slack = self.scale - 0.5  # + 0.5 absorbs a float solver's rounding of an integer bound
        return math.floor((combined_bound + slack) / self.scale)
