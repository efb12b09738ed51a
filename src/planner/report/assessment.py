"""Assessment outputs: JSON (DESIGN §4 contract), CSV/Excel rows and the per-unit/per-kind totals
the table view and the workbook show."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner.assess.needs import Assessment, Need
from planner.assess.targets import CompetencyNeed, ProgrammeNeed, QualificationNeed
from planner.domain.profile import Official
from planner.i18n import level_label, t
from planner.law.framework import Framework
from planner.report.schemas import AssessmentOut, to_json
from planner.report.tabular import Column, Sheet
from planner.report.text import Renderer


def assessment_dict(assessment: Assessment, lang: str) -> dict[str, Any]:
    """The Assessment JSON (DESIGN §4) in `lang`."""
    return assessment.to_dict(Renderer(lang))


def assessment_json(assessment: Assessment, lang: str) -> str:
    return to_json(AssessmentOut, assessment_dict(assessment, lang))


def describe_need(need: Need, framework: Framework, lang: str) -> str:
    """A short human name of what is needed: the field, competency or programme."""
    match need.target:
        case QualificationNeed(field=qfield, standard=standard):
            # Standard (must have) and eligibility (may be sent to) on one field read apart.
            which = "need.standard" if standard else "need.eligibility"
            return t(lang, which, need=t(lang, f"need.{qfield}"))
        case CompetencyNeed(competency=cid):
            competency = framework.competencies.get(cid)
            return competency.name.in_lang(lang) if competency else cid
        case ProgrammeNeed(programme=pid):
            programme = framework.programmes.get(pid)
            return programme.name.in_lang(lang) if programme else pid
    raise TypeError(f"not a need target: {need.target!r}")


def describe_target(need: Need, lang: str) -> str:
    match need.target:
        case QualificationNeed(field=qfield, level=level):
            return level_label(lang, qfield, level)
        case CompetencyNeed(level=level):
            return t(lang, "target.level", level=level)
        case ProgrammeNeed(periods=periods) if periods is not None:
            return t(lang, "target.periods", periods=periods)
        case ProgrammeNeed(count=count):
            return t(lang, "target.count", count=count)
    raise TypeError(f"not a need target: {need.target!r}")


def describe_current(need: Need, lang: str) -> str:
    if isinstance(need.target, QualificationNeed):
        return level_label(lang, need.target.field, need.current)
    if need.current is None:
        return t(lang, "reason.competency.unassessed")
    return str(need.current)


def official_columns(lang: str, id_header: str) -> list[Column]:
    """The official a row is about: the id (under `id_header`), the name and the unit."""
    return [Column(id_header), Column(t(lang, "table.official")), Column(t(lang, "table.unit"))]


def need_detail_columns(lang: str) -> list[Column]:
    """What a need asks for and by when; the cells are `need_detail_cells`."""
    return [
        Column(t(lang, "table.kind")),
        Column(t(lang, "table.target")),
        Column(t(lang, "table.current")),
        Column(t(lang, "table.priority"), "int"),
        Column(t(lang, "table.deadline"), "date"),
        Column(t(lang, "table.overdue")),
    ]


def need_detail_cells(need: Need, lang: str) -> list[Any]:
    return [
        t(lang, f"kind.{need.kind}"),
        describe_target(need, lang),
        describe_current(need, lang),
        need.priority,
        need.deadline,
        t(lang, "yes") if need.overdue else t(lang, "no"),
    ]


def needs_sheet(
    assessment: Assessment, officials: Sequence[Official], framework: Framework, lang: str
) -> Sheet:
    by_id = {o.id: o for o in officials}
    text = Renderer(lang)
    columns = [
        *official_columns(lang, t(lang, "report.col.official_id")),
        Column(t(lang, "table.need")),
        Column(t(lang, "report.col.need_id")),
        *need_detail_columns(lang),
        Column(t(lang, "report.col.rule_id")),
        Column(t(lang, "table.reference"), width=40),
        Column(t(lang, "table.reason"), width=80),
    ]
    rows = []
    for need in assessment.needs:
        official = by_id.get(need.official_id)
        rows.append(
            [
                need.official_id,
                official.full_name if official else "",
                official.unit if official else "",
                describe_need(need, framework, lang),
                need.need,
                *need_detail_cells(need, lang),
                need.rule,
                need.reference.cite(),
                text(need.reason),
            ]
        )
    return Sheet(t(lang, "table.needs"), columns, rows)


@dataclass(frozen=True)
class Totals:
    per_unit: list[tuple[str, int, int, dict[str, int]]]  # unit, officials, needs, needs per kind
    per_kind: dict[str, int]
    officials: int
    needs: int


def totals(assessment: Assessment, officials: Sequence[Official]) -> Totals:
    unit_of = {o.id: o.unit for o in officials}
    staff = Counter(o.unit for o in officials)
    per_unit_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for need in assessment.needs:
        per_unit_kind[unit_of.get(need.official_id, "")][need.kind] += 1
    per_unit = [
        (unit, staff[unit], sum(per_unit_kind[unit].values()), dict(per_unit_kind[unit]))
        for unit in sorted(staff)
    ]
    per_kind = Counter(n.kind for n in assessment.needs)
    return Totals(per_unit, dict(per_kind), len(officials), len(assessment.needs))


def kinds_sheet(tot: Totals, lang: str) -> Sheet:
    columns = [Column(t(lang, "table.kind")), Column(t(lang, "table.needs"), "int")]
    rows: list[list[Any]] = [[t(lang, f"kind.{k}"), n] for k, n in sorted(tot.per_kind.items())]
    rows.append([t(lang, "table.total"), tot.needs])
    return Sheet(t(lang, "table.per_kind"), columns, rows)


def totals_sheet(tot: Totals, lang: str) -> Sheet:
    kinds = ("standard", "qualification", "competency", "mandatory")
    columns = [
        Column(t(lang, "table.unit")),
        Column(t(lang, "table.officials"), "int"),
        Column(t(lang, "table.needs"), "int"),
    ] + [Column(t(lang, f"kind.{k}"), "int") for k in kinds]
    rows: list[list[Any]] = [
        [unit, staff, needs] + [by_kind.get(k, 0) for k in kinds]
        for unit, staff, needs, by_kind in tot.per_unit
    ]
    rows.append(
        [t(lang, "table.total"), tot.officials, tot.needs] + [tot.per_kind.get(k, 0) for k in kinds]
    )
    return Sheet(t(lang, "table.per_unit"), columns, rows)
