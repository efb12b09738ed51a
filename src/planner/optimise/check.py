"""Solver-free check of a plan against every hard rule (`planner check CASE PLAN.json`).

Re-verifies each rule with the rule modules' own `check` (never imports ortools), confirms that
every assignment is a candidate session of that official and that the needs it claims are
exactly those it closes, and recomputes the objective.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.domain.message import Message
from planner.optimise.constraints import RULES
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective, effectiveness_weights
from planner.optimise.result import PlanResult
from planner.optimise.state import PlanState, Violation


@dataclass(frozen=True)
class CheckedViolation:
    """A broken rule, as facts (rendered by `planner.report.plan_text.violation_text`)."""

    rule: str
    official_id: str | None
    session: str | None
    message: Message


@dataclass
class CheckReport:
    violations: list[CheckedViolation] = field(default_factory=list)
    objective: int = 0
    claimed_objective: int | None = None
    # A plan of status `infeasible_rules` declares its shortfalls (rule, official): the broken
    # hard rules the check finds among them are listed here, not as violations; `declared` is
    # the number of short needs the plan declares (0 for any other plan).
    shortfalls: list[CheckedViolation] = field(default_factory=list)
    declared: int = 0

    @property
    def ok(self) -> bool:
        """No violation, and exactly the declared shortfalls (none for a plan that claims to meet
        every rule)."""
        return not self.violations and len(self.shortfalls) == self.declared


def check_plan(
    inst: Instance,
    plan: PlanResult | Mapping[str, Any],
    effectiveness: Mapping[str, float | None] | None = None,
) -> CheckReport:
    """Check `plan` (a PlanResult or the Plan JSON as a dict) against `inst`. A plan made with
    effectiveness weighting (`"options": {"weight_by_effectiveness": true}`) is valued with the
    same course effectiveness (course id → share, None = no data, counted 1.0)."""
    data = plan.to_dict(lambda m: m.key) if isinstance(plan, PlanResult) else plan
    report = CheckReport()
    chosen: list[int] = []
    found: list[tuple[str, str | None, str | None, str, dict[str, Any]]] = []
    for entry in data.get("assignments", []):
        official, session = str(entry.get("official_id")), str(entry.get("session"))
        o = inst.option_index.get((official, str(entry.get("course")), session))
        if o is None:
            found.append(("plan", official, session, "plan.check.unknown_option", {}))
            continue
        chosen.append(o)
        closes = {inst.needs[n].id for n in inst.options[o].needs}
        claimed = set(entry.get("needs", []))
        found.extend(
            ("deadlines", official, session, "plan.check.unknown_need", {"need": need})
            for need in sorted(claimed - closes)
        )
        found.extend(
            ("plan", official, session, "plan.check.missing_need", {"need": need})
            for need in sorted(closes - claimed)
        )
    state = PlanState(inst)
    for o in chosen:
        if o in state.chosen:
            option = inst.options[o]
            found.append(
                (
                    "no_double_content",
                    inst.officials[option.official].id,
                    inst.sessions[option.session].id,
                    "plan.check.conflict_course",
                    {"other": inst.sessions[option.session].id},
                )
            )
        state.add(o)
    found.extend(
        (v.rule, v.official_id, v.session_id, v.key, v.args)
        for rule in RULES
        for v in rule.check(inst, state)
    )
    options = data.get("options")
    weighted = isinstance(options, dict) and options.get("weight_by_effectiveness")
    weights = effectiveness_weights(inst, effectiveness) if weighted else None
    objective = Objective(inst, str(data.get("mode", "coverage")), effectiveness=weights)
    report.objective = objective.reported(state)
    value = data.get("objective")
    report.claimed_objective = int(value) if value is not None else None
    if value is not None and int(value) != report.objective:
        found.append(
            (
                "objective",
                None,
                None,
                "plan.check.objective",
                {"claimed": value, "actual": report.objective},
            )
        )
    checked = [
        CheckedViolation(rule, off, ses, Message(key, args)) for rule, off, ses, key, args in found
    ]
    declared = _declared(data)
    report.declared = sum(count for _, _, count in declared)
    short = {(rule, official) for rule, officials, _ in declared for official in officials}
    report.shortfalls = [v for v in checked if (v.rule, v.official_id) in short]
    report.violations = [v for v in checked if (v.rule, v.official_id) not in short]
    return report


def _declared(data: Mapping[str, Any]) -> list[tuple[str, list[str], int]]:
    """(rule, officials, count) of each shortfall an `infeasible_rules` plan declares."""
    if data.get("status") != "infeasible_rules":
        return []
    out = []
    for entry in data.get("shortfalls") or []:
        if isinstance(entry, Mapping):
            officials = [str(o) for o in entry.get("officials") or []]
            out.append((str(entry.get("rule")), officials, int(entry.get("count") or 0)))
    return out


__all__ = ["CheckReport", "CheckedViolation", "Violation", "check_plan"]
