"""The plan: assignments with their reasons, unmet needs with their verified causes, totals,
and the status/objective/bound/gap of the solve. Reasons and causes are facts (`Message`: a
locale key and its arguments), rendered in the report layer: `to_dict(render)` is the Plan JSON
of DESIGN §4 with `render` turning each message into text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.domain.message import Message
from planner.errors import InfeasiblePlanError

UNMET_CAUSES = (
    "no_course",
    "not_eligible",
    "prerequisite",
    "seats",
    "budget",
    "time_limit_per_official",
    "unit_share",
    "term",
    # finer causes (explain.precise_cause), appended: the ones above keep their meaning
    "not_opened",
    "below_minimum",
    "content_held",
    "already_passed",
    "time_clash",
    "solver_stopped",
)
STATUSES = ("optimal", "feasible", "infeasible", "infeasible_rules")


Render = Callable[[Message], str]


class Infeasible(InfeasiblePlanError):
    """The hard rules cannot all hold: the rule, whom it concerns, and the remedy as facts
    (rendered by `planner.report.plan_text.infeasible_text`)."""

    def __init__(self, officials: list[str], remedy: Message, rule: str = "term_coverage") -> None:
        super().__init__(remedy.key, rule=rule, officials=officials, remedy=remedy.key)
        self.facts = remedy
        # The best plan anyway (status `infeasible_rules`, `optimise.shortfall`), when made.
        self.plan: PlanResult | None = None
        self.proved = True  # False: only not met within the time limit, not shown impossible


@dataclass(frozen=True)
class Assignment:
    official_id: str
    course: str
    session: str
    year: int
    cost: int
    funding_source: str
    needs: tuple[str, ...]
    reason: Message
    start: str = ""
    end: str = ""

    def to_dict(self, render: Render) -> dict[str, Any]:
        return {
            "official_id": self.official_id,
            "course": self.course,
            "session": self.session,
            "year": self.year,
            "cost": self.cost,
            "funding_source": self.funding_source,
            "needs": list(self.needs),
            "reason": render(self.reason),
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Unmet:
    official_id: str
    need: str
    cause: str
    detail: Message
    kind: str = ""
    priority: int = 0

    def __post_init__(self) -> None:
        if self.cause not in UNMET_CAUSES:
            raise ValueError(f"unknown unmet cause {self.cause!r}")

    def to_dict(self, render: Render) -> dict[str, Any]:
        return {
            "official_id": self.official_id,
            "need": self.need,
            "cause": self.cause,
            "detail": render(self.detail),
            "kind": self.kind,
            "priority": self.priority,
        }


@dataclass
class PlanResult:
    status: str
    objective: int
    bound: int
    gap: float
    engine: str
    seed: int
    time_s: float
    assignments: list[Assignment]
    unmet: list[Unmet]
    totals: dict[str, Any]
    mode: str = "coverage"
    name: str = ""
    years: tuple[int, ...] = ()
    chosen: tuple[int, ...] = field(default=(), repr=False)  # option indices (not exported)
    info: dict[str, Any] = field(default_factory=dict, repr=False)
    # How the plan was found: {"method": "cohort" | "transport" | "monolithic" | "greedy",
    # "cohorts": n, "officials": n}; and the plan options ({"weight_by_effectiveness": bool}).
    method: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    # status `infeasible_rules`: the hard rules the plan does not meet (`shortfall.Shortfall`)
    shortfalls: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.bound < self.objective:
            raise ValueError(f"bound {self.bound} is below the objective {self.objective}")

    def to_dict(self, render: Render) -> dict[str, Any]:
        """The Plan JSON, each message rendered by `render` (the report layer's)."""
        return {
            "name": self.name,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "engine": self.engine,
            "seed": self.seed,
            "time_s": self.time_s,
            "mode": self.mode,
            "years": list(self.years),
            "assignments": [a.to_dict(render) for a in self.assignments],
            "unmet": [u.to_dict(render) for u in self.unmet],
            "totals": self.totals,
            "method": self.method,
            "options": self.options,
            "shortfalls": [
                {
                    "rule": f.rule,
                    "officials": list(f.officials),
                    "count": f.count,
                    "remedy": render(f.remedy),
                    "causes": dict(f.causes),
                }
                for f in self.shortfalls
            ],
        }

    def summary(self) -> str:
        needs = self.totals.get("needs", {}).get("all", {})
        cost = self.totals.get("cost_total", 0)
        return (
            f"{self.status}: objective {self.objective}, bound {self.bound}, gap "
            f"{self.gap:.2%}, {len(self.assignments)} assignments, needs met "
            f"{needs.get('met', 0)}/{needs.get('total', 0)}, cost {cost:,} VND, engine "
            f"{self.engine}, {self.time_s:.1f} s"
        )


def gap_of(objective: int, bound: int) -> float:
    """Relative gap (bound − objective) / |bound|, 0 when both are 0; rounded to 6 digits."""
    if bound == objective:
        return 0.0
    return round((bound - objective) / max(1, abs(bound)), 6)
