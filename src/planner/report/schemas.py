"""The published JSON outputs (DESIGN §4) as pydantic models: one source of truth for both the
JSON a command writes and the JSON Schema `planner schema NAME` prints.

Every JSON writer goes through `to_json(Model, data)`: the data is validated against its model,
which forbids keys it does not declare, and the text is dumped from the model. So an output
cannot carry a field its schema lacks, and a field the contract names cannot go missing without
a validation error. The evaluation output is its own model (`planner.analysis.evaluate.
Evaluation`), serialised the same way.

The contracts allow fields to be added in later versions, never renamed or dropped: the
published schemas therefore do not forbid additional properties (`additionalProperties` is
removed from them), while the serialiser does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from planner.optimise.result import STATUSES, UNMET_CAUSES
from planner.types import FUNDING_SOURCES

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Out(BaseModel):
    """An output object: every key it may carry is declared (the serialiser forbids others)."""

    model_config = ConfigDict(extra="forbid")


def to_json(model: type[BaseModel], data: Mapping[str, Any]) -> str:
    """`data` validated as `model` and written from it (keys in the model's order, only those
    given; pydantic's own writer, which is faster than `json.dumps` of the dict)."""
    return model.model_validate(data).model_dump_json(indent=2, exclude_unset=True) + "\n"


# -- assessment -----------------------------------------------------------------------------------


class ReferenceOut(Out):
    title: str = Field(min_length=1)
    article: str
    href: str


class NeedOut(Out):
    official_id: str
    need: str
    kind: Literal["standard", "qualification", "competency", "mandatory"]
    target: dict[str, Any]
    current: Any
    priority: int
    deadline: str | None = Field(description="ISO date YYYY-MM-DD")
    overdue: bool
    rule: str
    reference: ReferenceOut
    reason: str = Field(min_length=1)
    basis: Literal["holder", "pool"] = Field(
        default="holder", description="holder: the current post; pool: the post planned for"
    )
    position: str = Field(default="", description="the post the need is assessed against")


class AssessmentOut(Out):
    reference_date: str
    officials: int = Field(ge=0)
    needs: list[NeedOut]


# -- recommendation -------------------------------------------------------------------------------


class CandidateOut(Out):
    course: str
    sessions: list[str]
    score: int
    reason: str
    closes: list[str] = Field(default_factory=list, description="needs the course closes")


class ExcludedOut(Out):
    course: str
    cause: Literal["not_eligible", "prerequisite_missing", "already_completed", "no_session"]
    detail: str
    requires: list[str] = Field(
        default_factory=list, description="prerequisite_missing: the courses it requires first"
    )


class RecommendationOut(Out):
    official_id: str
    need: str
    candidates: list[CandidateOut]
    excluded: list[ExcludedOut]


class RecommendationsOut(Out):
    reference_date: str
    recommendations: list[RecommendationOut]
    overlapping_courses: list[list[str]] = Field(
        default_factory=list, description="pairs of courses whose content overlaps"
    )


# -- plan -----------------------------------------------------------------------------------------

FundingSource = Literal[FUNDING_SOURCES]  # type: ignore[valid-type]
UnmetCause = Literal[UNMET_CAUSES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]


class AssignmentOut(Out):
    official_id: str
    course: str
    session: str
    year: int
    cost: int = Field(ge=0, description="VND")
    funding_source: FundingSource
    needs: list[str] = Field(min_length=1, description="needs the assignment closes")
    reason: str = Field(min_length=1)
    start: str = Field(default="", description="ISO date the session starts")
    end: str = Field(default="", description="ISO date the session ends")


class UnmetOut(Out):
    official_id: str
    need: str
    cause: UnmetCause
    detail: str = Field(min_length=1)
    kind: str = ""
    priority: int = 0


class InfeasibleOut(Out):
    rule: str
    officials: list[str]
    remedy: str
    message: str


class PlanNeedsMetOut(Out):
    met: int = Field(ge=0)
    total: int = Field(ge=0)


class PlanTotalsOut(Out):
    """The plan's totals. Further keys are allowed (so a report may add one without breaking a
    reader); tests check that every key the output carries is declared here."""

    model_config = ConfigDict(extra="allow")
    cost: dict[str, dict[FundingSource, int]] = Field(
        default_factory=dict, description="VND spent per year (a string) and funding source"
    )
    budget: dict[str, dict[FundingSource, int]] = Field(
        default_factory=dict, description="VND budgeted per year and funding source"
    )
    cost_total: int = Field(default=0, ge=0, description="VND spent in all")
    seats: dict[str, int] = Field(
        default_factory=dict, description="seats used per running session id"
    )
    sessions_running: int = Field(default=0, ge=0)
    needs: dict[str, PlanNeedsMetOut] = Field(
        default_factory=dict,
        description="needs met / total per kind (qualification, competency, mandatory) and all",
    )
    officials_trained: int = Field(default=0, ge=0, description="officials with an assignment")


class PlanMethodOut(Out):
    """How `--engine` found the plan."""

    model_config = ConfigDict(extra="allow")
    method: (
        Literal[
            "cohort",
            "transport",
            "colgen",
            "monolithic",
            "greedy",
            "blocks",
            "shortfall",
            "carried",
            "exact",
        ]
        | None
    ) = Field(
        default=None,
        description="cohort: aggregated model over cohorts of identical officials; transport: "
        "LP bound and greedy construction; colgen: column generation over each official's "
        "plan; monolithic: the exact model; greedy: construction only; blocks: province "
        "blocks sharing seats and budget lines through a master; shortfall: the best plan "
        "when the hard rules cannot all hold (status infeasible_rules); carried: a what-if "
        "variant's plan carried over from the tighter variant it loosens; exact: branch-and-cut on "
        "the exact individual model of a small case, from the greedy plan",
    )
    cohorts: int | None = Field(default=None, ge=0, description="cohorts the model counted")
    officials: int | None = Field(default=None, ge=0, description="officials in the case")


class PlanOptionsOut(Out):
    """Settings that change the objective."""

    model_config = ConfigDict(extra="allow")
    weight_by_effectiveness: bool = Field(
        default=False, description="needs valued by the course's measured effectiveness"
    )


class ShortfallOut(Out):
    rule: str = Field(description="the hard rule the plan does not meet (term_coverage)")
    officials: list[str] = Field(description="who falls short")
    count: int = Field(ge=1, description="needs short under the rule")
    remedy: str = Field(
        description="the least (or a sufficient) change found, in the report language"
    )
    causes: dict[str, int] = Field(
        default_factory=dict, description="short needs per cause (the rule that blocks them)"
    )


class PlanOut(Out):
    name: str = ""
    status: Status
    objective: int | None = Field(description="null only when infeasible")
    bound: int | None
    gap: float | None
    engine: str
    seed: int
    time_s: float
    mode: Literal["coverage", "cost"] = "coverage"
    years: list[int] = Field(default_factory=list)
    assignments: list[AssignmentOut]
    unmet: list[UnmetOut]
    totals: PlanTotalsOut = Field(
        description="cost per year and funding source, seats used per session, needs met / "
        "total per kind"
    )
    method: PlanMethodOut = Field(
        default_factory=PlanMethodOut,
        description="the method `--engine auto` chose (`method`) and the sizes it worked on",
    )
    options: PlanOptionsOut = Field(
        default_factory=PlanOptionsOut, description="settings that change the objective"
    )
    infeasible: InfeasibleOut | None = None
    case: str = Field(
        default="",
        description="the case folder the plan was made for (absolute path); `planner report` "
        "reloads it for names and the catalog, never to solve",
    )
    shortfalls: list[ShortfallOut] = Field(
        default_factory=list,
        description="status infeasible_rules: the hard rules this (complete, checkable) plan "
        "does not meet, whom, and the remedy found",
    )


# -- what-if --------------------------------------------------------------------------------------


class MetOut(Out):
    met: int = Field(ge=0)
    total: int = Field(ge=0)


class BudgetUseOut(Out):
    year: int
    source: str
    budget: int = Field(description="VND")
    spent: int = Field(description="VND")
    left: int = Field(description="VND")


class OfficialChangeOut(Out):
    official_id: str
    gained: list[str]
    lost: list[str]


class VariantOut(Out):
    name: str
    kind: Literal["baseline", "scenario", "sweep", "probe"]
    scenario_file: str | None
    changes: str = Field(description="the scenario's changes, in the report language")
    scale: float | None = Field(description="budget sweep: the factor every line is scaled by")
    status: Status
    objective: int | None
    bound: int | None
    gap: float | None
    time_s: float
    work_limit: int | None = Field(
        description="the deterministic work limit it was solved with (null: the clock)"
    )
    on_clock: bool = Field(
        description="stopped by the clock (no work limit, or it used up the guard): another "
        "run may differ"
    )
    budget_total: int
    cost_total: int
    needs: dict[str, MetOut] = Field(description="needs met / total per kind and 'all'")
    priority_points: MetOut = Field(description="sum of the priorities of the needs met / of all")
    leaders_term: MetOut = Field(
        description="officials with a knowledge update due this term (QĐ 145) who get it"
    )
    unmet_by_cause: dict[str, int]
    budget: list[BudgetUseOut]
    gained: list[OfficialChangeOut] = Field(
        description="officials who gain or lose a course against the baseline"
    )
    infeasible: InfeasibleOut | None = None


class MarginalOut(Out):
    method: Literal["sweep", "probe", "lp_dual"] = Field(
        description="sweep/probe: the difference of two plans; lp_dual: the baseline's LP "
        "relaxation re-solved with one more million on the line (no plan)"
    )
    label: str
    year: int | None
    source: str | None
    added_vnd: int
    points: int | None = Field(description="priority points gained (null for lp_dual)")
    needs: int | None = Field(description="needs met gained (null for lp_dual)")
    points_per_million: float
    gaps: list[float] = Field(
        description="optimality gaps of the two runs compared (empty for lp_dual)"
    )


class SeatPriceOut(Out):
    session: str
    course: str
    year: int
    seats: int
    points_per_seat: float = Field(
        description="priority points one more seat adds to the LP relaxation (dual price)"
    )


class PricesOut(Out):
    status: Literal["optimal", "too_large", "not_solved"] = Field(
        description="optimal: prices computed; too_large / not_solved: none (model too large "
        "for the what-if, LP not solved in the time limit)"
    )
    lp_value: float | None = Field(description="the LP relaxation's optimum, priority points")
    time_s: float
    seats: list[SeatPriceOut] = Field(description="sessions with a positive seat price")


class WhatIfOut(Out):
    name: str
    reference_date: str
    years: list[int]
    engine: str
    seed: int
    time_limit: float
    clock: bool = Field(description="--work-limit clock: every variant stopped on the clock")
    jobs: int
    wall_s: float
    baseline: VariantOut
    variants: list[VariantOut]
    probes: list[VariantOut]
    marginal: list[MarginalOut]
    prices: PricesOut | None = Field(
        default=None, description="the baseline's LP relaxation prices (null: --no-prices)"
    )


# -- the published schemas ------------------------------------------------------------------------


def _open(node: Any) -> Any:
    """The schema with `additionalProperties: false` removed everywhere (later versions may add
    fields)."""
    if isinstance(node, dict):
        return {
            k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)
        }
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def json_schema(model: type[BaseModel], name: str, command: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an output model, as `planner schema NAME` prints it."""
    schema = _open(model.model_json_schema(mode="serialization"))
    return {
        **schema,
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://planner.local/schemas/{name}.json",
        "title": f"planner {command}",
    }


def _evaluation() -> dict[str, Any]:
    from planner.analysis.evaluate import Evaluation

    return json_schema(Evaluation, "evaluation", "evaluate")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "assessment": lambda: json_schema(AssessmentOut, "assessment", "assess"),
    "recommendation": lambda: json_schema(RecommendationsOut, "recommendation", "recommend"),
    "evaluation": _evaluation,
    "plan": lambda: json_schema(PlanOut, "plan", "plan"),
    "whatif": lambda: json_schema(WhatIfOut, "whatif", "whatif"),
}


def schema(name: str) -> dict[str, Any]:
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; expected one of {sorted(SCHEMAS)}")
    return SCHEMAS[name]()
