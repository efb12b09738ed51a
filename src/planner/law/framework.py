"""Schema of `rules/`: positions, competencies, programmes, dated parameters and requirements.

Every requirement is a list of dated versions, each with its legal reference; the version in force
on the reference date is applied, so a change of law (e.g. 1 July 2025) is a new version in YAML,
never an `if` in code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from planner.law.conditions import Condition
from planner.law.reference import Dated, LocalizedText, Reference, StrictModel
from planner.types import COMPETENCY_LEVELS, QUALIFICATION_SCALES, CourseKind, QualificationField


class ParamRef(StrictModel):
    """Points at a named parameter of `rules/` instead of writing its value inline."""

    param: str


Confidence = Literal["F", "S", "R", "P"]
CONFIDENCE_DESCRIPTION = (
    "F: rule text found; S: secondary source only; R: recalled, not confirmed; "
    "P: planner default, a policy choice with no legal basis"
)


class ParameterValue(Dated):
    value: int | float | str
    reference: Reference


class Parameter(StrictModel):
    """A value the law leaves open or that was not confirmed: named, defaulted, referenced."""

    id: str
    description: LocalizedText
    confidence: Confidence = Field(description=CONFIDENCE_DESCRIPTION)
    comment: str = ""
    values: list[ParameterValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> Parameter:
        _check_versions_disjoint(self.values, f"parameter {self.id}")
        return self

    def value_on(self, on: dt.date) -> ParameterValue | None:
        return next((v for v in self.values if v.in_force(on)), None)


class LeaderGroup(Dated):
    """A group of leaders whose knowledge is updated (QĐ 145-QĐ/TW: nhóm 1-3); a position's or an
    official's `leader_group` names one of these ids."""

    id: int = Field(ge=1)
    name: LocalizedText
    confidence: Confidence = Field(description=CONFIDENCE_DESCRIPTION)
    reference: Reference


class LegalText(Dated):
    """One legal text the rules rest on, with the dates it is in force and how sure we are of
    them: the register `planner rules` and rules/CHANGELOG.md list (it decides no need itself)."""

    id: str = Field(pattern=r"^[a-z0-9_.-]+$")
    title: str = Field(min_length=1, description="Number and kind, e.g. 'Nghị định 171/2025/NĐ-CP'")
    name: LocalizedText = Field(description="What the text is about")
    issued: dt.date | None = Field(default=None, description="Date signed or adopted")
    confidence: Confidence = Field(description=CONFIDENCE_DESCRIPTION)
    source: str = Field(
        min_length=1, description="Where the facts were found (site, article), in short"
    )
    href: str = ""
    replaces: list[str] = Field(default_factory=list, description="Ids of texts it replaces")
    note: LocalizedText | None = None


class Competency(StrictModel):
    id: str
    name: LocalizedText
    description: LocalizedText | None = None


class Programme(StrictModel):
    """A mandatory programme that courses deliver (leadership, knowledge update, ...)."""

    id: str
    name: LocalizedText
    counts_course_kinds: list[CourseKind] = Field(
        default_factory=list,
        description="For period targets: passed courses of these kinds count toward it",
    )
    term_coverage: bool = Field(
        default=False,
        description="Every official it applies to must complete it within the congress term "
        "(a hard rule of the plan, e.g. leaders' knowledge updates)",
    )
    term_coverage_reference: Reference | None = Field(
        default=None, description="The legal basis of term_coverage"
    )

    @model_validator(mode="after")
    def _term_coverage_has_its_reference(self) -> Programme:
        if self.term_coverage and self.term_coverage_reference is None:
            raise ValueError("term_coverage: true needs term_coverage_reference")
        return self


class Position(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    title: LocalizedText
    level: Literal["xa", "tinh", "huyen", "trung_uong"]
    category: Literal["can_bo", "cong_chuc", "vien_chuc"]
    groups: list[str] = Field(default_factory=list, description="Tags rules can target")
    leader_group: int | None = Field(
        default=None, ge=1, description="QĐ 145 group: an id of `leader_groups` in rules/"
    )
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    education_fields: list[str] = Field(
        default_factory=list, description="Degree fields that fit the post (empty: any)"
    )


class QualificationTarget(StrictModel):
    field: QualificationField
    level: str

    @model_validator(mode="after")
    def _known_level(self) -> QualificationTarget:
        if self.level not in QUALIFICATION_SCALES[self.field]:
            raise ValueError(
                f"{self.level!r} is not a level of {self.field}; expected one of "
                f"{list(QUALIFICATION_SCALES[self.field])}"
            )
        return self

    @property
    def key(self) -> str:
        return f"qualification:{self.field}"


class CompetencyTarget(StrictModel):
    competency: str
    level: int = Field(ge=COMPETENCY_LEVELS.start, le=COMPETENCY_LEVELS.stop - 1)

    @property
    def key(self) -> str:
        return f"competency:{self.competency}"


class ProgrammeTarget(StrictModel):
    """Completed `count` times within `window`; or, with `periods`, that many tiết within it."""

    programme: str
    count: int | ParamRef = 1
    periods: int | ParamRef | None = None
    window: Literal["ever", "term", "year"] = "ever"
    min_days: int | ParamRef | None = Field(
        default=None, description="Only courses at least this many days long count"
    )

    @property
    def key(self) -> str:
        return f"programme:{self.programme}"


def _target_kind(value: object) -> str:
    """Pick the target model from its keys, so an error names the right model's fields."""
    if isinstance(value, dict):
        if "field" in value:
            return "QualificationTarget"
        if "competency" in value:
            return "CompetencyTarget"
        return "ProgrammeTarget"
    return type(value).__name__


Target = Annotated[
    Annotated[QualificationTarget, Tag("QualificationTarget")]
    | Annotated[CompetencyTarget, Tag("CompetencyTarget")]
    | Annotated[ProgrammeTarget, Tag("ProgrammeTarget")],
    Discriminator(_target_kind),
]


class Deadline(StrictModel):
    """When a need must be met. `before_appointment`: a holder is overdue since appointment; a
    planning-pool member must be ready by the end of the term."""

    by: Literal[
        "immediate",
        "fixed",
        "end_of_year",
        "end_of_term",
        "before_appointment",
        "months_after_appointment",
    ]
    date: dt.date | None = None
    months: int | ParamRef | None = None

    @model_validator(mode="after")
    def _complete(self) -> Deadline:
        if self.by == "fixed" and self.date is None:
            raise ValueError("deadline by 'fixed' needs `date`")
        if self.by == "months_after_appointment" and self.months is None:
            raise ValueError("deadline by 'months_after_appointment' needs `months`")
        return self


class RuleVersion(Dated):
    reference: Reference
    confidence: Confidence | None = Field(
        default=None,
        description="How sure the version is (" + CONFIDENCE_DESCRIPTION + "); the bundled "
        "rules tag every version, a case's own rules may leave it out",
    )
    target: Target
    priority: int = Field(ge=0, le=1000, description="Higher is more urgent")
    deadline: Deadline
    when: Condition | None = Field(default=None, description="Extra condition for this version")
    note: str = ""


class Applicability(StrictModel):
    positions: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    planning_pool: bool = Field(
        default=False, description="Also applies to officials planned (quy hoạch) for the post"
    )

    @model_validator(mode="after")
    def _something(self) -> Applicability:
        if not self.positions and not self.groups:
            raise ValueError("applies_to needs `positions` or `groups`")
        return self

    def matches(self, position: Position) -> bool:
        return position.id in self.positions or any(g in position.groups for g in self.groups)


RuleKind = Literal["standard", "qualification", "competency", "mandatory"]
"""`standard`: what the holder of a title must already have (a title or grade standard): unmet,
it is a mandatory need, usually due at appointment. `qualification`: who may be sent to a
programme that gives a qualification (an eligibility list, e.g. QĐ 350-QĐ/TW): an opportunity
whose timing the planner chooses. `competency` and `mandatory` are job-position competencies and
required programmes."""


class Rule(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    title: LocalizedText
    kind: RuleKind
    applies_to: Applicability
    when: Condition | None = None
    versions: list[RuleVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        _check_versions_disjoint(self.versions, f"rule {self.id}")
        expected = {
            "standard": QualificationTarget,
            "qualification": QualificationTarget,
            "competency": CompetencyTarget,
            "mandatory": ProgrammeTarget,
        }[self.kind]
        for version in self.versions:
            if not isinstance(version.target, expected):
                raise ValueError(f"rule {self.id} of kind {self.kind} needs a {expected.__name__}")
        return self

    def version_on(self, on: dt.date) -> RuleVersion | None:
        return next((v for v in self.versions if v.in_force(on)), None)


class RulesFile(StrictModel):
    """One YAML file of `rules/`; any of the sections may be present."""

    parameters: list[Parameter] = Field(default_factory=list)
    texts: list[LegalText] = Field(default_factory=list)
    leader_groups: list[LeaderGroup] = Field(default_factory=list)
    competencies: list[Competency] = Field(default_factory=list)
    programmes: list[Programme] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)


def _check_versions_disjoint(versions: list, what: str) -> None:  # type: ignore[type-arg]
    for i, a in enumerate(versions):
        for b in versions[i + 1 :]:
            if a.overlaps(b):
                raise ValueError(
                    f"{what}: version from {a.effective_from} overlaps version from "
                    f"{b.effective_from}; versions of one rule must not overlap in time"
                )


class Framework(StrictModel):
    """All of `rules/`, cross-checked: every id a rule names exists."""

    parameters: dict[str, Parameter]
    texts: dict[str, LegalText] = Field(default_factory=dict)
    competencies: dict[str, Competency]
    leader_groups: dict[int, LeaderGroup] = Field(default_factory=dict)
    programmes: dict[str, Programme]
    positions: dict[str, Position]
    rules: dict[str, Rule]
    source: str = ""

    def parameter(self, ref: int | float | str | ParamRef, on: dt.date) -> int | float | str:
        """Resolve an inline value or a parameter reference on `on`."""
        if not isinstance(ref, ParamRef):
            return ref
        value = self.parameters[ref.param].value_on(on)
        if value is None:
            raise KeyError(f"parameter {ref.param} has no value in force on {on}")
        return value.value

    def parameter_value(self, name: str, on: dt.date) -> int | float | str:
        return self.parameter(ParamRef(param=name), on)
