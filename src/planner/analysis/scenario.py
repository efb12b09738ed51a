"""What-if scenarios: small YAML files of changes to a case, applied before planning.

A scenario changes the case (budget, seats, courses, sessions, reference date, a rules parameter,
the horizon) and the whole pipeline runs again on the changed copy, so every rule still applies
to every variant. Applying a scenario is pure: the baseline case is never modified.

    name: Cắt giảm 20 % ngân sách tỉnh
    budget:
      - {source: ngan_sach_tinh, scale: 0.8}          # every year
      - {year: 2027, source: xa_hoi_hoa, add: 50000000}
    seats:
      - {course: llct_trung_cap_in_service, session: tc-2026-1, add: 20}
    exclude_courses: [master_public_admin]
    add_sessions:
      - course: digital_online
        session: {id: digital-2026-extra, start: 2026-10-05, end: 2026-10-06,
                  location: online, seats: 300}
    reference_date: 2026-07-01
    parameters: {leader_update_per_term: 2, max_share_away: 0.2}   # a limit's default is one
    years: [2026, 2027]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from planner.domain.catalog import Catalog, Course, Session
from planner.errors import InputError
from planner.io.case import LIMIT_PARAMETERS, BudgetLine, Case, Limits
from planner.io.limits import InputLimits, limits
from planner.io.yamlio import parse_model, read_yaml
from planner.law.framework import Framework, ParameterValue
from planner.law.reference import Reference, StrictModel
from planner.types import FundingSource, Money


class BudgetChange(StrictModel):
    """Scale, set or add to the budget lines it matches (a missing year/source matches all)."""

    year: int | None = None
    source: FundingSource | None = None
    scale: float | None = Field(default=None, ge=0, le=1000, allow_inf_nan=False)
    amount: Money | None = Field(default=None, ge=0, le=10**15, strict=True)
    add: Money | None = Field(default=None, ge=-(10**15), le=10**15, strict=True)

    @model_validator(mode="after")
    def _one_change(self) -> BudgetChange:
        if sum(x is not None for x in (self.scale, self.amount, self.add)) != 1:
            raise ValueError("a budget change needs exactly one of scale, amount, add")
        if self.amount is not None and (self.year is None or self.source is None):
            raise ValueError("setting an amount needs both year and source")
        return self


class SeatChange(StrictModel):
    """Set or add seats of one session, or of every session of a course."""

    course: str
    session: str | None = None
    seats: int | None = Field(default=None, ge=0, le=1_000_000, strict=True)
    add: int | None = Field(default=None, ge=-1_000_000, le=1_000_000, strict=True)

    @model_validator(mode="after")
    def _one_change(self) -> SeatChange:
        if (self.seats is None) == (self.add is None):
            raise ValueError("a seat change needs exactly one of seats, add")
        return self


class SessionAddition(StrictModel):
    course: str
    session: Session


class Scenario(StrictModel):
    name: str
    description: str = ""
    budget: list[BudgetChange] = Field(default_factory=list)
    seats: list[SeatChange] = Field(default_factory=list)
    exclude_courses: list[str] = Field(default_factory=list)
    add_sessions: list[SessionAddition] = Field(default_factory=list)
    reference_date: dt.date | None = None
    parameters: dict[str, int | float | str] = Field(default_factory=dict)
    years: list[Annotated[int, Field(strict=True, ge=1900, le=2200)]] | None = Field(
        default=None, min_length=1, max_length=50
    )
    # Where the scenario came from, so that an id the case lacks is reported as file:line.
    _path: str | None = PrivateAttr(default=None)
    _lines: dict[tuple[str, int], int] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> str | None:
        return self._path

    @field_validator("parameters", mode="before")
    @classmethod
    def _plausible_parameters(cls, value: object) -> object:
        # Every rules parameter is a count, a duration, a share or an amount: never negative,
        # never infinite, never a yes/no (true would be read as 1).
        for name, number in value.items() if isinstance(value, dict) else ():
            if isinstance(number, bool):
                raise ValueError(f"parameter {name}: a number, not {number}")
            if isinstance(number, (int, float)) and not (
                math.isfinite(number) and 0 <= number <= 10**15
            ):
                raise ValueError(f"parameter {name}: {number} is not a number from 0 to 10^15")
        return value

    def line_of(self, section: str, index: int | None = None) -> int | None:
        """The line of item `index` of a list section (or of the section's key)."""
        return self._lines.get((section, -1 if index is None else index))


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; the result remembers its file and item lines."""
    raw = read_yaml(path)
    scenario = parse_model(Scenario, raw, path)
    scenario._path = str(path)
    key_lines = getattr(raw, "key_lines", {})
    for section, value in raw.items() if isinstance(raw, dict) else ():
        if section in key_lines:
            scenario._lines[(section, -1)] = key_lines[section]
        for index, line in enumerate(getattr(value, "item_lines", ())):
            scenario._lines[(section, index)] = line
    return scenario


def apply_scenario(case: Case, scenario: Scenario, source: str | Path | None = None) -> Case:
    """A changed copy of `case`; an id the scenario names that the case lacks is an InputError
    naming the scenario file (`source`, else the file it was loaded from), line and field."""
    where = _Where(scenario, source if source is not None else scenario.path or "<scenario>")
    config = case.config
    updates: dict[str, object] = {}
    if scenario.budget:
        updates["budget"] = _changed_budget(config.budget, scenario.budget, where)
    if scenario.reference_date is not None:
        updates["reference_date"] = scenario.reference_date
    if scenario.years is not None:
        updates["years"] = sorted(set(scenario.years))
    limits = {n: v for n, v in scenario.parameters.items() if n in LIMIT_PARAMETERS}
    if limits:  # a limit's default is a rules parameter: the scenario's value sets the limit
        try:
            updates["limits"] = Limits.model_validate({**config.limits.model_dump(), **limits})
        except ValidationError as exc:
            name = str(exc.errors()[0]["loc"][0])
            raise where.error(
                "invalid limit",
                "parameters",
                None,
                f"parameters.{name}",
                found=limits.get(name),
                expected=exc.errors()[0]["msg"],
            ) from None
    new_config = config.model_copy(update=updates) if updates else config
    catalog = _changed_catalog(case.catalog, scenario, where)
    framework = _changed_framework(case.framework, scenario, where)
    # every other part of the case (units, indicators, the notes of its tables) is kept
    return replace(case, config=new_config, framework=framework, catalog=catalog)


class _Where:
    """The scenario's file and the line of a section item, for error messages."""

    def __init__(self, scenario: Scenario, path: str | Path) -> None:
        self.scenario, self.path = scenario, path

    def error(
        self, message: str, section: str, index: int | None, field: str, **kw: object
    ) -> InputError:
        line = self.scenario.line_of(section, index)
        if line is None:
            line = self.scenario.line_of(section)
        return InputError(message, path=self.path, line=line, field=field, **kw)  # type: ignore[arg-type]


# A sweep scales the budget at most 1000-fold and plans at most this many variants: each is a
# full solve, so a million (0:1000:0.001) is a typo, not a study.
MAX_BUDGET_SCALE = 1000.0
MAX_VARIANTS = InputLimits().variants  # the default; PLANNER_LIMIT_VARIANTS changes it


def budget_scale_scenarios(spec: str) -> list[Scenario]:
    """'0.5:1.5:0.25' → scenarios scaling every budget line by 0.5, 0.75, …, 1.5."""
    try:
        start, stop, step = (float(part) for part in spec.split(":"))
    except ValueError:
        raise InputError(
            "invalid --budget-scale",
            path="--budget-scale",
            field="budget-scale",
            found=spec,
            expected="START:STOP:STEP, e.g. 0.5:1.5:0.1",
        ) from None
    if not all(math.isfinite(x) for x in (start, stop, step)) or not (
        step > 0 and 0 <= start <= stop <= MAX_BUDGET_SCALE
    ):
        raise InputError(
            "invalid --budget-scale",
            path="--budget-scale",
            field="budget-scale",
            found=spec,
            expected=f"0 ≤ START ≤ STOP ≤ {MAX_BUDGET_SCALE:g} and STEP > 0, finite numbers",
        )
    count = int(round((stop - start) / step)) + 1  # counted before any variant is built
    most = limits().variants
    if count > most:
        raise InputError(
            "--budget-scale makes too many variants",
            path="--budget-scale",
            field="budget-scale",
            found=f"{spec} ({count:,} variants)",
            expected=f"at most {most:,} variants: a larger STEP (PLANNER_LIMIT_VARIANTS)",
        )
    scales = [round(start + i * step, 6) for i in range(count)]
    return [Scenario(name=f"×{scale:g}", budget=[BudgetChange(scale=scale)]) for scale in scales]


def _changed_budget(
    lines: list[BudgetLine], changes: list[BudgetChange], where: _Where
) -> list[BudgetLine]:
    amounts = {(line.year, line.source): line.amount for line in lines}
    for index, change in enumerate(changes):
        if change.amount is not None:
            amounts[(change.year, change.source)] = change.amount  # type: ignore[index]
            continue
        keys = [
            k
            for k in amounts
            if (change.year is None or k[0] == change.year)
            and (change.source is None or k[1] == change.source)
        ]
        if change.add is not None and not keys and change.year is not None and change.source:
            keys = [(change.year, change.source)]
            amounts.setdefault(keys[0], 0)
        if not keys:
            # Scaling nothing is almost always a typo in the year or source: say so.
            raise where.error(
                "the budget change matches no budget line of the case",
                "budget",
                index,
                f"budget[{index}]",
                found={"year": change.year, "source": change.source},
                expected=f"a year and source of the case's budget: "
                f"{sorted(f'{y} {s}' for y, s in amounts) or 'none'}",
            )
        for key in keys:
            if change.scale is not None:
                amounts[key] = int(round(amounts[key] * change.scale))
            else:
                amounts[key] = max(0, amounts[key] + (change.add or 0))
    return [BudgetLine(year=y, source=s, amount=a) for (y, s), a in sorted(amounts.items())]


def _changed_catalog(catalog: Catalog, scenario: Scenario, where: _Where) -> Catalog:
    if not (scenario.seats or scenario.exclude_courses or scenario.add_sessions):
        return catalog
    courses: dict[str, Course] = dict(catalog.courses)
    for index, course_id in enumerate(scenario.exclude_courses):
        _known_course(
            courses, course_id, where, "exclude_courses", index, f"exclude_courses[{index}]"
        )
        del courses[course_id]
    for index, change in enumerate(scenario.seats):
        course = _known_course(
            courses, change.course, where, "seats", index, f"seats[{index}].course"
        )
        sessions = []
        matched = False
        for session in course.sessions:
            if change.session is None or session.id == change.session:
                matched = True
                seats = (
                    change.seats
                    if change.seats is not None
                    else max(0, session.seats + (change.add or 0))
                )
                session = session.model_copy(
                    update={
                        "seats": seats,
                        "min_participants": min(session.min_participants, seats),
                    }
                )
            sessions.append(session)
        if not matched:
            raise where.error(
                "unknown session",
                "seats",
                index,
                f"seats[{index}].session",
                found=change.session,
                expected=f"a session of {course.id}: {[s.id for s in course.sessions]}",
            )
        courses[course.id] = course.model_copy(update={"sessions": sessions})
    taken = {s.id for c in courses.values() for s in c.sessions}
    for index, addition in enumerate(scenario.add_sessions):
        course = _known_course(
            courses, addition.course, where, "add_sessions", index, f"add_sessions[{index}].course"
        )
        if addition.session.id in taken:
            # Session ids are unique across the catalog (plans name sessions by id alone).
            raise where.error(
                "session id already in the catalog",
                "add_sessions",
                index,
                f"add_sessions[{index}].session.id",
                found=addition.session.id,
                expected="a new session id",
            )
        taken.add(addition.session.id)
        courses[course.id] = course.model_copy(
            update={"sessions": [*course.sessions, addition.session]}
        )
    return catalog.model_copy(update={"courses": courses})


def _changed_framework(framework: Framework, scenario: Scenario, where: _Where) -> Framework:
    if not scenario.parameters:
        return framework
    parameters = dict(framework.parameters)
    for name, value in scenario.parameters.items():
        if name not in parameters:
            raise where.error(
                "unknown parameter",
                "parameters",
                None,
                f"parameters.{name}",
                found=name,
                expected=f"one of {sorted(parameters)}",
            )
        override = ParameterValue(
            effective_from=dt.date(1900, 1, 1),
            value=value,
            reference=Reference(title=f"Kịch bản / scenario: {scenario.name}"),
        )
        parameters[name] = parameters[name].model_copy(update={"values": [override]})
    return framework.model_copy(update={"parameters": parameters})


def _known_course(
    courses: dict[str, Course], course_id: str, where: _Where, section: str, index: int, field: str
) -> Course:
    if course_id not in courses:
        raise where.error(
            "unknown course",
            section,
            index,
            field,
            found=course_id,
            expected="a course id of the case's catalog",
        )
    return courses[course_id]
