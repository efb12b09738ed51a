"""JSON Schemas of the published JSON outputs (DESIGN §4), as pydantic models of the output.

`planner schema NAME` prints them; the tests validate real output against them, so a change to an
output that breaks the contract fails a test, not an integrator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")  # the contracts allow added fields, never removed


class ReferenceOut(_Out):
    title: str = Field(min_length=1)
    article: str
    href: str


class NeedOut(_Out):
    official_id: str
    need: str
    kind: Literal["qualification", "competency", "mandatory"]
    target: dict[str, Any]
    current: Any
    priority: int
    deadline: str | None = Field(description="ISO date YYYY-MM-DD")
    overdue: bool
    rule: str
    reference: ReferenceOut
    reason: str = Field(min_length=1)


class AssessmentOut(_Out):
    reference_date: str
    officials: int = Field(ge=0)
    needs: list[NeedOut]


class CandidateOut(_Out):
    course: str
    sessions: list[str]
    score: int
    reason: str


class ExcludedOut(_Out):
    course: str
    cause: Literal["not_eligible", "prerequisite_missing", "already_completed", "no_session"]
    detail: str


class RecommendationOut(_Out):
    official_id: str
    need: str
    candidates: list[CandidateOut]
    excluded: list[ExcludedOut]


class RecommendationsOut(_Out):
    reference_date: str
    recommendations: list[RecommendationOut]


def _schema(model: type[BaseModel]) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema

    return build


def _lazy(module: str, attribute: str) -> Callable[[], dict[str, Any]]:
    """A schema defined next to its output in another module, imported only when asked for."""

    def build() -> dict[str, Any]:
        import importlib

        found = getattr(importlib.import_module(module), attribute)
        schema = found() if callable(found) else found
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            schema = schema.model_json_schema()
        return dict(schema)

    return build


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "assessment": _schema(AssessmentOut),
    "recommendation": _schema(RecommendationsOut),
    "evaluation": _lazy("planner.report.evaluation", "evaluation_json_schema"),
    "plan": _lazy("planner.report.plan_report", "plan_json_schema"),
    "whatif": _lazy("planner.report.whatif_report", "whatif_json_schema"),
}


def register(name: str, module: str, attribute: str) -> None:
    SCHEMAS[name] = _lazy(module, attribute)


def schema(name: str) -> dict[str, Any]:
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; expected one of {sorted(SCHEMAS)}")
    return SCHEMAS[name]()
