"""Needs assessment: official × rules × reference date → training needs, each with its reason.

Pure functions over validated inputs. A requirement already met by the profile, or by a course
passed on or before the reference date, yields no need; failed and dropped courses count for
nothing. Where a competency was measured after a passed course, the measurement is what counts
(closing the evaluation loop).

No text is made here: a need's reason is a `Message` (a locale key and its facts), rendered in
the report layer (`planner.report.text.need_reason`); its target is typed (`assess.targets`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.assess.targets import CompetencyNeed, NeedTarget, ProgrammeNeed, QualificationNeed
from planner.domain.attributes import hashable, official_attributes
from planner.domain.catalog import Catalog, Course
from planner.domain.message import Day, Level, Message
from planner.domain.profile import Official, TrainingRecord
from planner.law.framework import (
    CompetencyTarget,
    Framework,
    ParamRef,
    Position,
    ProgrammeTarget,
    QualificationTarget,
    Rule,
    RuleVersion,
)
from planner.law.reference import Reference
from planner.types import QUALIFICATION_SCALES, qualification_rank

if TYPE_CHECKING:
    from planner.io.case import Case


@dataclass(frozen=True, slots=True)
class Need:
    official_id: str
    need: str  # stable id: "qualification:political_theory", "programme:knowledge_update_g3", ...
    kind: str  # standard | qualification (eligibility) | competency | mandatory
    target: NeedTarget
    current: Any
    priority: int
    deadline: dt.date | None
    overdue: bool
    rule: str
    reference: Reference
    reason: Message  # why, as facts (planner.report.text.need_reason renders it)
    basis: str = "holder"  # holder: the current post; pool: the post the official is planned for
    position: str = ""

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        """The Assessment JSON of the need (DESIGN §4), its reason rendered by `text`."""
        return {
            "official_id": self.official_id,
            "need": self.need,
            "kind": self.kind,
            "target": self.target.to_dict(),
            "current": self.current,
            "priority": self.priority,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
            "rule": self.rule,
            "reference": self.reference.model_dump(),
            "reason": text(self.reason),
            "basis": self.basis,
            "position": self.position,
        }


@dataclass(frozen=True)
class AssessmentContext:
    reference_date: dt.date
    term_start: int
    term_end: int


@dataclass(frozen=True)
class Assessment:
    reference_date: dt.date
    officials: int
    needs: list[Need]

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        """The Assessment JSON (DESIGN §4), reasons rendered by `text` (one language)."""
        return {
            "reference_date": self.reference_date.isoformat(),
            "officials": self.officials,
            "needs": [n.to_dict(text) for n in self.needs],
        }


@dataclass
class Credits:
    """What an official's passed courses (up to the reference date) give them."""

    qualifications: dict[str, str] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)
    # competency → (course id, level measured after it) where a measurement fell short
    measured_short: dict[str, tuple[str, int]] = field(default_factory=dict)
    # programme → (completed on, course length in days) of each passed course delivering it
    programmes: dict[str, list[tuple[dt.date, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    periods_by_kind_year: dict[tuple[str, int], int] = field(
        default_factory=lambda: defaultdict(int)
    )


def course_periods(course: Course, framework: Framework, on: dt.date) -> int:
    """Tiết a course counts for; without an explicit number, days × `periods_per_day`."""
    return _periods(course, int(framework.parameter_value("periods_per_day", on)))


def _periods(course: Course, periods_per_day: int) -> int:
    return course.periods if course.periods is not None else course.duration_days * periods_per_day


def credits_from_history(
    records: Iterable[TrainingRecord], catalog: Catalog, framework: Framework, on: dt.date
) -> Credits:
    passed = _passed(records, on)
    if not passed:
        return Credits()
    return _credits(passed, catalog, int(framework.parameter_value("periods_per_day", on)))


def _passed(records: Iterable[TrainingRecord], on: dt.date) -> list[TrainingRecord]:
    """The courses passed on or before `on`, oldest first (failed and dropped count for nothing)."""
    passed = [r for r in records if r.result == "passed" and r.completed_on <= on]
    if len(passed) > 1:
        passed.sort(key=lambda r: r.completed_on)
    return passed


def _credits(passed: list[TrainingRecord], catalog: Catalog, per_day: int) -> Credits:
    """What the `_passed` records give, with `periods_per_day` already resolved."""
    credits = Credits()
    for record in passed:
        course = catalog.courses.get(record.course)
        if course is None:
            continue  # loading rejects unknown courses; a library caller may pass a partial catalog
        for qfield, level in course.delivers.qualifications.items():
            held = credits.qualifications.get(qfield)
            if qualification_rank(qfield, level) > qualification_rank(qfield, held):
                credits.qualifications[qfield] = level
        for competency, delivered in course.delivers.competencies.items():
            reached = record.competency_after.get(competency, delivered)
            if reached < delivered:
                credits.measured_short[competency] = (course.id, reached)
            else:
                credits.measured_short.pop(competency, None)
            credits.competencies[competency] = max(credits.competencies.get(competency, 0), reached)
        for programme in course.delivers.programmes:
            credits.programmes[programme].append((record.completed_on, course.duration_days))
        credits.periods_by_kind_year[(course.kind, record.completed_on.year)] += _periods(
            course, per_day
        )
    return credits


@dataclass(frozen=True, slots=True)
class _Template:
    """A need without its official, reason built: shared by every official who agrees on what
    the rule reads (the same held level, count done, appointment date where the deadline uses it).
    """

    need: Need  # official_id left empty
    strength: tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class _Applicable:
    """A rule version applied on one basis to one post (hashed by identity: a cache key part)."""

    rule: Rule
    version: RuleVersion
    basis: str
    position: Position
    reads_appointment: bool  # whether the deadline is computed from the appointment date
    # The evaluator of the target's kind, chosen once: (official, credits, app, target) → need.
    evaluate: Callable[[Official, Credits, _Applicable, Any], _Template | None]


@dataclass(frozen=True, eq=False)
class _RuleSet:
    """The rules in force for one post on one basis, and the attributes their conditions read."""

    applicable: tuple[_Applicable, ...]
    attributes: tuple[str, ...]


class Assessor:
    """Holds what is shared by every official of one assessment (rules in force, caches).

    At national scale most officials share a post and a profile, so each rule's verdict is cached
    on exactly the values it reads, and the merged list of needs on the verdicts; a new official
    costs a few dictionary look-ups and one `Need` per need.
    """

    def __init__(self, framework: Framework, catalog: Catalog, context: AssessmentContext) -> None:
        self.framework = framework
        self.catalog = catalog
        self.context = context
        on = context.reference_date
        self._in_force: list[tuple[Rule, RuleVersion]] = [
            (rule, version)
            for rule in framework.rules.values()
            if (version := rule.version_on(on)) is not None
        ]
        self._by_position: dict[tuple[str, str], _RuleSet] = {}
        self._params: dict[str, int] = {}
        self._overdue_bonus = self._param(ParamRef(param="overdue_priority_bonus"))
        self._per_day = int(framework.parameter_value("periods_per_day", on))
        self._empty = Credits()  # read, never written: shared by officials with nothing passed
        self._terms: dict[_Applicable, tuple[dt.date, dt.date, int, int]] = {}
        self._passing: dict[tuple[Any, ...], tuple[_Applicable, ...]] = {}
        self._templates: dict[tuple[Any, ...], _Template] = {}
        # Keyed by the ids of templates: stable, since self._templates keeps every one alive.
        self._merged: dict[tuple[int, ...], tuple[_Template, ...]] = {}

    def _param(self, ref: int | ParamRef) -> int:
        """A rule value, resolving (and caching) a named parameter on the reference date."""
        if not isinstance(ref, ParamRef):
            return int(ref)
        if ref.param not in self._params:
            self._params[ref.param] = int(
                self.framework.parameter(ref, self.context.reference_date)
            )
        return self._params[ref.param]

    def _rules_for(self, position: Position, basis: str) -> _RuleSet:
        key = (position.id, basis)
        found = self._by_position.get(key)
        if found is None:
            applicable = tuple(
                self._applicable(rule, version, basis, position)
                for rule, version in self._in_force
                if rule.applies_to.matches(position)
                and (basis == "holder" or rule.applies_to.planning_pool)
            )
            names: set[str] = set()
            for app in applicable:
                for condition in (app.rule.when, app.version.when):
                    if condition is not None:
                        names |= condition.attributes()
            found = self._by_position[key] = _RuleSet(applicable, tuple(sorted(names)))
        return found

    def _applicable(
        self, rule: Rule, version: RuleVersion, basis: str, position: Position
    ) -> _Applicable:
        by = version.deadline.by
        reads = by == "months_after_appointment" or (
            by == "before_appointment" and basis == "holder"
        )
        target = version.target
        evaluate: Callable[[Official, Credits, _Applicable, Any], _Template | None]
        if isinstance(target, QualificationTarget):
            evaluate = self._qualification
        elif isinstance(target, CompetencyTarget):
            evaluate = self._competency
        else:
            evaluate = self._programme
        return _Applicable(rule, version, basis, position, reads, evaluate)

    def _passing_rules(
        self, official: Official, position: Position, rules: _RuleSet
    ) -> tuple[_Applicable, ...]:
        """The rules whose `when` conditions hold, cached on the attribute values they read."""
        if not rules.attributes:
            return rules.applicable
        attrs = official_attributes(official, position, self.context.reference_date)
        key = (rules, *[hashable(attrs(name)) for name in rules.attributes])
        found = self._passing.get(key)
        if found is None:
            found = self._passing[key] = tuple(
                app
                for app in rules.applicable
                if (app.rule.when is None or app.rule.when.holds(attrs))
                and (app.version.when is None or app.version.when.holds(attrs))
            )
        return found

    def assess_official(self, official: Official, records: Sequence[TrainingRecord]) -> list[Need]:
        on = self.context.reference_date
        passed = _passed(records, on) if records else None
        credits = _credits(passed, self.catalog, self._per_day) if passed else self._empty
        found: list[_Template] = []
        for basis, position_id in (("holder", official.position), ("pool", official.planning_pool)):
            if position_id is None or (basis == "pool" and position_id == official.position):
                continue
            position = self.framework.positions[position_id]
            for app in self._passing_rules(official, position, self._rules_for(position, basis)):
                template = app.evaluate(official, credits, app, app.version.target)
                if template is not None:
                    found.append(template)
        oid = official.id
        return [_with_official(template.need, oid) for template in self._merge(found)]

    def _merge(self, found: list[_Template]) -> tuple[_Template, ...]:
        key = tuple(id(template) for template in found)
        merged = self._merged.get(key)
        if merged is None:
            merged = self._merged[key] = _merge(found)
        return merged

    # -- one evaluator per kind of target ------------------------------------------------------
    # Each computes the few values its need depends on, returns None when the requirement is met,
    # and builds the need (reason and deadline included) only the first time those values occur.

    def _qualification(
        self, official: Official, credits: Credits, app: _Applicable, target: QualificationTarget
    ) -> _Template | None:
        rank = _RANKS[target.field]
        held = official.qualification(target.field)
        from_courses = credits.qualifications.get(target.field)
        if rank[from_courses] > rank[held]:
            held = from_courses
        if rank[held] >= rank[target.level]:
            return None
        key = (app, held, self._appointment(official, app))
        found = self._templates.get(key)
        if found is not None:
            return found
        standard = app.rule.kind == "standard"
        found = self._templates[key] = self._need(
            official,
            app,
            "standard" if standard else "qualification",
            QualificationNeed(target.field, target.level, standard),
            held,
            "reason.standard" if standard else "reason.eligibility",
            {
                "basis": self._basis(app),
                "field": Message(f"field.{target.field}"),
                "target": Level(target.field, target.level),
                "current": Level(target.field, held),
                "citation": app.version.reference.cite(),
            },
        )
        return found

    def _competency(
        self, official: Official, credits: Credits, app: _Applicable, target: CompetencyTarget
    ) -> _Template | None:
        measured = official.competencies.get(target.competency)
        from_courses = credits.competencies.get(target.competency)
        levels = [lv for lv in (measured, from_courses) if lv is not None]
        held = max(levels) if levels else None
        if held is not None and held >= target.level:
            return None
        short = credits.measured_short.get(target.competency)
        key = (app, held, short, self._appointment(official, app))
        found = self._templates.get(key)
        if found is not None:
            return found
        measured_short = (
            Message("reason.competency.measured", {"course": short[0], "level": short[1]})
            if short
            else ""
        )
        found = self._templates[key] = self._need(
            official,
            app,
            "competency",
            CompetencyNeed(target.competency, target.level),
            held,
            "reason.competency",
            {
                "basis": self._basis(app),
                "competency": self.framework.competencies[target.competency].name,
                "target": target.level,
                "current": held if held is not None else Message("reason.competency.unassessed"),
                "measured": measured_short,
                "citation": app.version.reference.cite(),
            },
        )
        return found

    def _programme(
        self, official: Official, credits: Credits, app: _Applicable, target: ProgrammeTarget
    ) -> _Template | None:
        start, end, required, min_days = self._programme_terms(app, target)
        if target.periods is not None:
            kinds = self.framework.programmes[target.programme].counts_course_kinds
            done = (
                sum(
                    periods
                    for (kind, year), periods in credits.periods_by_kind_year.items()
                    if kind in kinds and start.year <= year <= end.year
                )
                if credits.periods_by_kind_year
                else 0
            )
        else:
            done = sum(
                1
                for day, days in credits.programmes.get(target.programme, ())
                if start <= day <= end and days >= min_days
            )
        if done >= required:
            return None
        key = (app, done, self._appointment(official, app))
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = self._programme_need(
                official, app, target, required, done
            )
        return found

    def _programme_need(
        self,
        official: Official,
        app: _Applicable,
        target: ProgrammeTarget,
        required: int,
        done: int,
    ) -> _Template:
        window = Message(
            f"window.{target.window}",
            {
                "start": self.context.term_start,
                "end": self.context.term_end,
                "year": self.context.reference_date.year,
            },
        )
        if target.periods is not None:
            return self._need(
                official,
                app,
                "mandatory",
                ProgrammeNeed(target.programme, target.window, periods=required),
                done,
                "reason.periods",
                {
                    "basis": self._basis(app),
                    "periods": required,
                    "window": window,
                    "citation": app.version.reference.cite(),
                    "current": done,
                },
            )
        min_days = self._param(target.min_days) if target.min_days else 0
        return self._need(
            official,
            app,
            "mandatory",
            ProgrammeNeed(
                target.programme,
                target.window,
                count=required,
                min_days=min_days,
                term_coverage=self.framework.programmes[target.programme].term_coverage,
            ),
            done,
            "reason.programme",
            {
                "basis": self._basis(app),
                "programme": self.framework.programmes[target.programme].name,
                "count": required,
                "window": window,
                "citation": app.version.reference.cite(),
                "current": done,
            },
        )

    # -- shared helpers ---------------------------------------------------------------------------

    def _programme_terms(
        self, app: _Applicable, target: ProgrammeTarget
    ) -> tuple[dt.date, dt.date, int, int]:
        """Window, required count or periods, and minimum days of a programme rule (cached)."""
        terms = self._terms.get(app)
        if terms is None:
            start, end = self._window(target.window)
            required = self._param(target.periods if target.periods is not None else target.count)
            min_days = self._param(target.min_days) if target.min_days else 0
            terms = self._terms[app] = (start, end, required, min_days)
        return terms

    @staticmethod
    def _appointment(official: Official, app: _Applicable) -> dt.date | None:
        """The appointment date where the deadline reads it (a cache key part), else None."""
        return official.appointed_on if app.reads_appointment else None

    def _window(self, window: str) -> tuple[dt.date, dt.date]:
        on = self.context.reference_date
        if window == "term":
            return dt.date(self.context.term_start, 1, 1), dt.date(self.context.term_end, 12, 31)
        if window == "year":
            return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
        return dt.date.min, dt.date.max

    @staticmethod
    def _basis(app: _Applicable) -> Message:
        return Message(f"basis.{app.basis}", {"position": app.position.title})

    def _deadline(self, official: Official, app: _Applicable) -> tuple[dt.date | None, bool]:
        on = self.context.reference_date
        spec = app.version.deadline
        if spec.by == "immediate":
            return on, False
        if spec.by == "fixed":
            assert spec.date is not None
            return spec.date, spec.date < on
        if spec.by == "end_of_year":
            return dt.date(on.year, 12, 31), False
        if spec.by == "end_of_term":
            day = dt.date(self.context.term_end, 12, 31)
            return day, day < on
        if spec.by == "before_appointment":
            if app.basis == "pool":
                return dt.date(self.context.term_end, 12, 31), False
            # Holding the post without it: the deadline was the appointment itself (a future
            # appointment date is still ahead; an unknown one counts as already passed).
            day = official.appointed_on or on
            return day, day <= on
        # months_after_appointment
        months = self._param(spec.months)  # type: ignore[arg-type]
        start = official.appointed_on or on
        day = add_months(start, months)
        return day, day < on

    def _need(
        self,
        official: Official,
        app: _Applicable,
        kind: str,
        target: NeedTarget,
        current: Any,
        reason: str,
        facts: dict[str, Any],
    ) -> _Template:
        """The shared template of a need: everything but the official; its reason is the
        message `reason` with `facts` and whether (since when) the need is overdue."""
        deadline, overdue = self._deadline(official, app)
        priority = app.version.priority + (self._overdue_bonus if overdue else 0)
        facts["overdue"] = (
            Message("reason.overdue", {"deadline": Day(deadline)})
            if overdue and deadline is not None
            else ""
        )
        need = Need(
            official_id="",
            need=target.key,
            kind=kind,
            target=target,
            current=current,
            priority=priority,
            deadline=deadline,
            overdue=overdue,
            rule=app.rule.id,
            reference=app.version.reference,
            reason=Message(reason, facts),
            basis=app.basis,
            position=app.position.id,
        )
        return _Template(need, _strength(need))


def _with_official(template: Need, official_id: str) -> Need:
    """The template's need for one official (fields listed once here, in Need's order)."""
    return Need(
        official_id,
        template.need,
        template.kind,
        template.target,
        template.current,
        template.priority,
        template.deadline,
        template.overdue,
        template.rule,
        template.reference,
        template.reason,
        template.basis,
        template.position,
    )


# Rank of each level on its qualification scale; None (not held) below the lowest.
_RANKS: dict[str, dict[str | None, int]] = {
    field: {None: -1, **{level: rank for rank, level in enumerate(scale)}}
    for field, scale in QUALIFICATION_SCALES.items()
}


def _strength(need: Need) -> tuple[int, int, int, int]:
    """Order for merging needs with the same id: higher level, then priority, then earlier."""
    target = need.target
    level: int
    match target:
        case QualificationNeed():
            level = target.rank
        case CompetencyNeed(level=level):
            pass
        case ProgrammeNeed(periods=periods, count=count):
            level = periods or count
    holder = 1 if need.basis == "holder" else 0
    deadline = -(need.deadline.toordinal() if need.deadline else dt.date.max.toordinal())
    return (level, need.priority, holder, deadline)


def _merge(candidates: list[_Template]) -> tuple[_Template, ...]:
    """One need per id: the strongest requirement wins (e.g. trung cấp LLCT subsumes sơ cấp).

    Standards and eligibility are different ids (`standard:<field>`, `qualification:<field>`),
    so an unmet standard keeps its own deadline, overdue flag and reference whatever programme
    the official may also be sent to. An eligibility at or below the level of an unmet standard
    on the same field adds nothing (the course that meets the standard meets it) and is dropped;
    one above it stays as its own, separate need.
    """
    best: dict[str, _Template] = {}
    for template in candidates:
        current = best.get(template.need.need)
        if current is None or template.strength > current.strength:
            best[template.need.need] = template
    for template in [t for t in best.values() if t.need.kind == "standard"]:
        target = template.need.target
        assert isinstance(target, QualificationNeed)
        eligibility = best.get(f"qualification:{target.field}")
        if eligibility is not None and eligibility.strength[0] <= template.strength[0]:
            del best[eligibility.need.need]
    return tuple(sorted(best.values(), key=lambda d: (-d.need.priority, d.need.need)))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assess(
    officials: Sequence[Official],
    framework: Framework,
    catalog: Catalog,
    history: Sequence[TrainingRecord],
    context: AssessmentContext,
) -> Assessment:
    """Every need of every official on `context.reference_date`, highest priority first."""
    assessor = Assessor(framework, catalog, context)
    by_official: Mapping[str, list[TrainingRecord]] = _group_history(history)
    needs: list[Need] = []
    for official in officials:
        needs.extend(assessor.assess_official(official, by_official.get(official.id, [])))
    return Assessment(context.reference_date, len(officials), needs)


def _group_history(history: Sequence[TrainingRecord]) -> dict[str, list[TrainingRecord]]:
    grouped: dict[str, list[TrainingRecord]] = defaultdict(list)
    for record in history:
        grouped[record.official_id].append(record)
    return grouped


def assess_case(case: Case, on: dt.date | None = None) -> Assessment:
    """Assess every official of a loaded case on `on` (default: the case's reference date)."""
    context = AssessmentContext(
        reference_date=on or case.reference_date,
        term_start=case.config.term.start,
        term_end=case.config.term.end,
    )
    return assess(case.officials, case.framework, case.catalog, case.history, context)
