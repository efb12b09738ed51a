"""Needs assessment: official × rules × reference date → training needs, each with its reason.

Pure functions over validated inputs. A requirement already met by the profile, or by a course
passed on or before the reference date, yields no need; failed and dropped courses count for
nothing. Where a competency was measured after a passed course, the measurement is what counts
(closing the evaluation loop).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from typing import TYPE_CHECKING

from planner.attributes import official_attributes
from planner.catalog import Catalog, Course
from planner.framework import (
    CompetencyTarget, Framework, ParamRef, Position, ProgrammeTarget, QualificationTarget, Rule,
    RuleVersion,
)
from planner.i18n import format_date, level_label, t
from planner.profile import Official, TrainingRecord
from planner.reference import Reference
from planner.types import QUALIFICATION_SCALES, qualification_rank

if TYPE_CHECKING:
    from planner.case import Case


@dataclass(frozen=True, slots=True)
class Need:
    official_id: str
    need: str  # stable id: "qualification:political_theory", "programme:knowledge_update_g3", ...
    kind: str  # qualification | competency | mandatory
    target: dict[str, Any]
    current: Any
    priority: int
    deadline: dt.date | None
    overdue: bool
    rule: str
    reference: Reference
    reason: str
    basis: str = "holder"  # holder: the current post; pool: the post the official is planned for
    position: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "official_id": self.official_id, "need": self.need, "kind": self.kind,
            "target": self.target, "current": self.current, "priority": self.priority,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue, "rule": self.rule,
            "reference": self.reference.model_dump(), "reason": self.reason,
            "basis": self.basis, "position": self.position,
        }


@dataclass(frozen=True)
class AssessmentContext:
    reference_date: dt.date
    term_start: int
    term_end: int
    lang: str = "vi"


@dataclass(frozen=True)
class Assessment:
    reference_date: dt.date
    officials: int
    needs: list[Need]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_date": self.reference_date.isoformat(),
            "officials": self.officials,
            "needs": [n.to_dict() for n in self.needs],
        }


@dataclass
class Credits:
    """What an official's passed courses (up to the reference date) give them."""

    qualifications: dict[str, str] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)
    # competency → (course id, level measured after it) where a measurement fell short
    measured_short: dict[str, tuple[str, int]] = field(default_factory=dict)
    # programme → (completed on, course length in days) of each passed course delivering it
    programmes: dict[str, list[tuple[dt.date, int]]] = field(default_factory=lambda: defaultdict(list))
    periods_by_kind_year: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))


def course_periods(course: Course, framework: Framework, on: dt.date) -> int:
    """Tiết a course counts for; without an explicit number, days × `periods_per_day`."""
    return _periods(course, int(framework.parameter_value("periods_per_day", on)))


def _periods(course: Course, periods_per_day: int) -> int:
    return course.periods if course.periods is not None else course.duration_days * periods_per_day


def credits_from_history(
    records: Iterable[TrainingRecord], catalog: Catalog, framework: Framework, on: dt.date
) -> Credits:
    credits = Credits()
    if not records:
        return credits
    per_day = int(framework.parameter_value("periods_per_day", on))
    for record in sorted(records, key=lambda r: r.completed_on):
        if record.result != "passed" or record.completed_on > on:
            continue
        course = catalog.courses.get(record.course)
        if course is None:
            continue  # loading rejects unknown courses; a library caller may pass a partial catalog
        for qfield, level in course.delivers.qualifications.items():
            held = credits.qualifications.get(qfield)
            if qualification_rank(qfield, level) > qualification_rank(qfield, held):
                credits.qualifications[qfield] = level
        for competency, level in course.delivers.competencies.items():
            reached = record.competency_after.get(competency, level)
            if reached < level:
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
class _Draft:
    """A need whose reason sentence is written only if it survives the merge."""

    need: Need
    reason: Callable[[str], str]  # overdue clause → the sentence


@dataclass(frozen=True)
class _Applicable:
    rule: Rule
    version: RuleVersion
    basis: str
    position: Position


class Assessor:
    """Holds what is shared by every official of one assessment (rules in force, caches)."""

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
        self._by_position: dict[tuple[str, str], list[tuple[Rule, RuleVersion]]] = {}
        self._params: dict[str, int] = {}
        self._overdue_bonus = self._param(ParamRef(param="overdue_priority_bonus"))

    def _param(self, ref: int | ParamRef) -> int:
        """A rule value, resolving (and caching) a named parameter on the reference date."""
        if not isinstance(ref, ParamRef):
            return int(ref)
        if ref.param not in self._params:
            self._params[ref.param] = int(
                self.framework.parameter(ref, self.context.reference_date)
            )
        return self._params[ref.param]

    def _rules_for(self, position: Position, basis: str) -> list[tuple[Rule, RuleVersion]]:
        key = (position.id, basis)
        if key not in self._by_position:
            self._by_position[key] = [
                (rule, version) for rule, version in self._in_force
                if rule.applies_to.matches(position)
                and (basis == "holder" or rule.applies_to.planning_pool)
            ]
        return self._by_position[key]

    def assess_official(self, official: Official, records: Sequence[TrainingRecord]) -> list[Need]:
        on = self.context.reference_date
        credits = credits_from_history(records, self.catalog, self.framework, on)
        candidates: list[_Draft] = []
        for basis, position_id in (("holder", official.position), ("pool", official.planning_pool)):
            if position_id is None or (basis == "pool" and position_id == official.position):
                continue
            position = self.framework.positions[position_id]
            attrs = official_attributes(official, position, on)
            for rule, version in self._rules_for(position, basis):
                if rule.when is not None and not rule.when.holds(attrs):
                    continue
                if version.when is not None and not version.when.holds(attrs):
                    continue
                need = self._evaluate(official, credits, _Applicable(rule, version, basis, position))
                if need is not None:
                    candidates.append(need)
        lang = self.context.lang
        needs = []
        for draft in _merge(candidates):
            overdue_text = (
                t(lang, "reason.overdue", deadline=format_date(draft.need.deadline, lang))
                if draft.need.overdue else ""
            )
            needs.append(replace(draft.need, reason=draft.reason(overdue_text)))
        return needs

    def _evaluate(self, official: Official, credits: Credits, app: _Applicable) -> _Draft | None:
        target = app.version.target
        if isinstance(target, QualificationTarget):
            return self._qualification(official, credits, app, target)
        if isinstance(target, CompetencyTarget):
            return self._competency(official, credits, app, target)
        return self._programme(official, credits, app, target)

    # -- one evaluator per kind of target ------------------------------------------------------

    def _qualification(
        self, official: Official, credits: Credits, app: _Applicable, target: QualificationTarget
    ) -> _Draft | None:
        from_profile = official.qualification(target.field)
        from_courses = credits.qualifications.get(target.field)
        held = max((from_profile, from_courses), key=lambda lv: qualification_rank(target.field, lv))
        if qualification_rank(target.field, held) >= qualification_rank(target.field, target.level):
            return None
        lang = self.context.lang
        return self._need(
            official, app, "qualification",
            {"field": target.field, "level": target.level}, held,
            lambda overdue: t(
                lang, "reason.qualification", basis=self._basis(app), field=t(lang, f"field.{target.field}"),
                target=level_label(lang, target.field, target.level),
                current=level_label(lang, target.field, held),
                citation=app.version.reference.cite(), overdue=overdue,
            ),
        )

    def _competency(
        self, official: Official, credits: Credits, app: _Applicable, target: CompetencyTarget
    ) -> _Draft | None:
        measured = official.competencies.get(target.competency)
        from_courses = credits.competencies.get(target.competency)
        levels = [lv for lv in (measured, from_courses) if lv is not None]
        held = max(levels) if levels else None
        if held is not None and held >= target.level:
            return None
        lang = self.context.lang
        short = credits.measured_short.get(target.competency)
        measured_text = (
            t(lang, "reason.competency.measured", course=short[0], level=short[1]) if short else ""
        )
        name = self.framework.competencies[target.competency].name.in_lang(lang)
        return self._need(
            official, app, "competency",
            {"competency": target.competency, "level": target.level}, held,
            lambda overdue: t(
                lang, "reason.competency", basis=self._basis(app), competency=name,
                target=target.level,
                current=held if held is not None else t(lang, "reason.competency.unassessed"),
                measured=measured_text, citation=app.version.reference.cite(), overdue=overdue,
            ),
        )

    def _programme(
        self, official: Official, credits: Credits, app: _Applicable, target: ProgrammeTarget
    ) -> _Draft | None:
        on = self.context.reference_date
        lang = self.context.lang
        start, end = self._window(target.window)
        programme = self.framework.programmes[target.programme]
        name = programme.name.in_lang(lang)
        window_text = t(lang, f"window.{target.window}", start=self.context.term_start,
                        end=self.context.term_end, year=on.year)
        if target.periods is not None:
            required = self._param(target.periods)
            done = sum(
                periods for (kind, year), periods in credits.periods_by_kind_year.items()
                if kind in programme.counts_course_kinds and start.year <= year <= end.year
            )
            if done >= required:
                return None
            return self._need(
                official, app, "mandatory",
                {"programme": target.programme, "periods": required, "window": target.window},
                done,
                lambda overdue: t(lang, "reason.periods", basis=self._basis(app), periods=required,
                                  window=window_text, citation=app.version.reference.cite(),
                                  current=done, overdue=overdue),
            )
        required = self._param(target.count)
        min_days = self._param(target.min_days) if target.min_days else 0
        done = sum(
            1 for day, days in credits.programmes.get(target.programme, [])
            if start <= day <= end and days >= min_days
        )
        if done >= required:
            return None
        return self._need(
            official, app, "mandatory",
            {"programme": target.programme, "count": required, "window": target.window,
             **({"min_days": min_days} if min_days else {})}, done,
            lambda overdue: t(lang, "reason.programme", basis=self._basis(app), programme=name,
                              count=required, window=window_text,
                              citation=app.version.reference.cite(), current=done, overdue=overdue),
        )

    # -- shared helpers ---------------------------------------------------------------------------

    def _window(self, window: str) -> tuple[dt.date, dt.date]:
        on = self.context.reference_date
        if window == "term":
            return dt.date(self.context.term_start, 1, 1), dt.date(self.context.term_end, 12, 31)
        if window == "year":
            return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
        return dt.date.min, dt.date.max

    def _basis(self, app: _Applicable) -> str:
        lang = self.context.lang
        return t(lang, f"basis.{app.basis}", position=app.position.title.in_lang(lang))

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

    def _need(self, official: Official, app: _Applicable, kind: str, target: dict[str, Any],
              current: Any, reason: Callable[[str], str]) -> _Draft:
        deadline, overdue = self._deadline(official, app)
        priority = app.version.priority + (self._overdue_bonus if overdue else 0)
        need = Need(
            official_id=official.id, need=_need_id(target), kind=kind, target=target,
            current=current, priority=priority, deadline=deadline, overdue=overdue,
            rule=app.rule.id, reference=app.version.reference, reason="",
            basis=app.basis, position=app.position.id,
        )
        return _Draft(need, reason)


def _need_id(target: dict[str, Any]) -> str:
    if "field" in target:
        return f"qualification:{target['field']}"
    if "competency" in target:
        return f"competency:{target['competency']}"
    return f"programme:{target['programme']}"


def _strength(need: Need) -> tuple[int, int, int, int]:
    """Order for merging needs with the same id: higher level, then priority, then earlier."""
    target = need.target
    if "field" in target:
        level = QUALIFICATION_SCALES[target["field"]].index(target["level"])
    elif "competency" in target:
        level = target["level"]
    else:
        level = target.get("periods") or target.get("count", 1)
    holder = 1 if need.basis == "holder" else 0
    deadline = -(need.deadline.toordinal() if need.deadline else dt.date.max.toordinal())
    return (level, need.priority, holder, deadline)


def _merge(candidates: list[_Draft]) -> list[_Draft]:
    """One need per id: the strongest requirement wins (e.g. trung cấp LLCT subsumes sơ cấp)."""
    best: dict[str, _Draft] = {}
    for draft in candidates:
        current = best.get(draft.need.need)
        if current is None or _strength(draft.need) > _strength(current.need):
            best[draft.need.need] = draft
    return sorted(best.values(), key=lambda d: (-d.need.priority, d.need.need))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


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


def assess_case(case: "Case", on: dt.date | None = None, lang: str = "vi") -> Assessment:
    """Assess every official of a loaded case on `on` (default: the case's reference date)."""
    context = AssessmentContext(
        reference_date=on or case.reference_date,
        term_start=case.config.term.start,
        term_end=case.config.term.end,
        lang=lang,
    )
    return assess(case.officials, case.framework, case.catalog, case.history, context)
