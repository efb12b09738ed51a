"""What the law of `rules/` says on one date, and every version it ever held: facts for
`planner rules --on DATE` and for the legal changelog (text is made in `planner.report`).

Pure functions over a loaded `Framework`: no I/O, no language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.law.framework import (
    Framework,
    LegalText,
    Parameter,
    ParameterValue,
    ParamRef,
    Rule,
    RuleVersion,
)


@dataclass(frozen=True, slots=True)
class RequirementVersion:
    """One version of one requirement, with what it asks for (parameters named, not resolved)."""

    rule: Rule
    version: RuleVersion

    @property
    def target(self) -> dict[str, Any]:
        return _plain(self.version.target.model_dump(exclude_none=True))

    def applies_to(self) -> dict[str, Any]:
        applies = self.rule.applies_to
        out: dict[str, Any] = {}
        if applies.positions:
            out["positions"] = list(applies.positions)
        if applies.groups:
            out["groups"] = list(applies.groups)
        out["planning_pool"] = applies.planning_pool
        return out


@dataclass(frozen=True, slots=True)
class ParameterOnDate:
    parameter: Parameter
    value: ParameterValue


@dataclass(frozen=True, slots=True)
class LawOnDate:
    """The requirements, parameters and legal texts in force on `on` (ids in sorted order)."""

    on: dt.date
    source: str
    requirements: tuple[RequirementVersion, ...]
    parameters: tuple[ParameterOnDate, ...]
    texts: tuple[LegalText, ...]
    # Requirements defined in rules/ with no version in force on `on` (before or after them).
    not_in_force: tuple[str, ...]


def law_on(framework: Framework, on: dt.date) -> LawOnDate:
    """Everything of `framework` in force on `on`."""
    requirements: list[RequirementVersion] = []
    absent: list[str] = []
    for rule_id in sorted(framework.rules):
        rule = framework.rules[rule_id]
        version = rule.version_on(on)
        if version is None:
            absent.append(rule_id)
        else:
            requirements.append(RequirementVersion(rule, version))
    parameters = tuple(
        ParameterOnDate(framework.parameters[pid], value)
        for pid in sorted(framework.parameters)
        if (value := framework.parameters[pid].value_on(on)) is not None
    )
    texts = tuple(
        framework.texts[tid] for tid in sorted(framework.texts) if framework.texts[tid].in_force(on)
    )
    return LawOnDate(on, framework.source, tuple(requirements), parameters, texts, tuple(absent))


def all_versions(framework: Framework) -> list[tuple[Rule, list[RuleVersion]]]:
    """Every requirement with its versions, oldest first (for the changelog)."""
    return [
        (rule, sorted(rule.versions, key=lambda v: v.effective_from))
        for _, rule in sorted(framework.rules.items())
    ]


def _plain(value: Any) -> Any:
    """A target dump with parameter references shown as `{"param": id}` and dates as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, ParamRef):
        return {"param": value.param}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


__all__ = ["LawOnDate", "ParameterOnDate", "RequirementVersion", "all_versions", "law_on"]
