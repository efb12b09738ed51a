"""The hard rules, one module per rule: the only place each rule is written. Each module exposes:

- `NAME`: the rule id; its human name is the locale key `optimise.rule.<NAME>` (vi/en);
- `CAUSE`: the unmet-need cause (DESIGN §4) reported when this rule is what blocks a need;
- `COUPLES`: whether the rule couples officials (seats, minimum class, budget, unit share) or
  binds one official at a time (the rest): what a decomposition by official needs to know;
- its rows over the column view (`view.View`: a column is a cohort taking an option, a
  single official a cohort of one): `rows(v, ...)` and, where the rule fixes columns outright,
  `bound_columns(v)`; the aggregated model, the individual model (the monolithic baselines and
  the infeasibility remedy) are all assembled from them by `aggregate.view`;
- `check(inst, state) -> list[Violation]`: the solver-free check used by `planner.optimise.check`;
- `blocks(inst, state, option) -> Block | None`: would adding `option` to the plan break the
  rule? (the marginal test behind greedy and the verified explanations).
"""

from __future__ import annotations

from typing import Protocol

from planner.optimise.constraints import (
    budget,
    deadlines,
    min_class,
    no_double_content,
    prerequisites,
    seats,
    term_coverage,
    time_away,
    unit_share,
)
from planner.optimise.instance import Instance
from planner.optimise.state import Block, PlanState, Violation


class Rule(Protocol):
    NAME: str
    CAUSE: str
    COUPLES: bool

    def check(self, inst: Instance, state: PlanState) -> list[Violation]: ...

    def blocks(self, inst: Instance, state: PlanState, o: int) -> Block | None: ...


RULES: tuple[Rule, ...] = (
    deadlines,
    prerequisites,
    no_double_content,
    seats,
    min_class,
    budget,
    time_away,
    unit_share,
    term_coverage,
)
"""Every rule module, in the order the marginal tests run (structural first, then capacity)."""

RULE_NAMES = tuple(rule.NAME for rule in RULES)


def coupling_rules() -> tuple[Rule, ...]:
    """The rules that link officials (a decomposition keeps them in its master problem)."""
    return tuple(rule for rule in RULES if rule.COUPLES)


def official_rules() -> tuple[Rule, ...]:
    """The rules that bind one official at a time (a decomposition's per-official subproblem)."""
    return tuple(rule for rule in RULES if not rule.COUPLES)
