"""The hard rules, one module per rule. Each module exposes:

- `NAME`: the rule id; its human name is the locale key `optimise.rule.<NAME>` (vi/en), reused by reports;
- `CAUSE`: the unmet-need cause (DESIGN §4) reported when this rule is what blocks a need;
- `add(inst, model, *, hard_term)`: add the rule's rows to an engine-neutral `LinearModel`;
- `check(inst, state) -> list[Violation]`: the solver-free check used by `planner.optimise.check`;
- `blocks(inst, state, option) -> Block | None`: would adding `option` to the plan break the
  rule? (the marginal test behind greedy and the verified explanations).
"""

from __future__ import annotations

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

RULES = (
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
