"""The assessment as a self-contained HTML page: how many needs, of which kind, in which unit,
how many overdue, and every need with its reason and legal reference in a sortable table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.i18n import format_date, t
from planner.report.assessment import needs_sheet, totals, totals_sheet
from planner.report.html import Card, Page, Section, format_number, write_page
from planner.report.plan_report import KINDS, PALETTE_KINDS, hbar_layout

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from planner.assess.needs import Assessment
    from planner.io.case import Case


def units_figure(case: Case, assessment: Assessment, lang: str) -> go.Figure | None:
    """Needs per unit, stacked by kind."""
    import plotly.graph_objects as go

    tot = totals(assessment, case.officials)
    rows = [row for row in tot.per_unit if row[2]]
    if not rows:
        return None
    names = [unit for unit, *_ in rows]
    fig = go.Figure()
    for kind in KINDS:
        fig.add_bar(
            y=names,
            x=[by_kind.get(kind, 0) for *_, by_kind in rows],
            orientation="h",
            name=t(lang, f"kind.{kind}"),
            marker_color=PALETTE_KINDS[kind],
        )
    hbar_layout(fig, t(lang, "report.assess.chart.units"), names, lang, t(lang, "report.col.needs"))
    return fig


def needs_figure(case: Case, assessment: Assessment, lang: str) -> go.Figure | None:
    """The most frequent needs (by what is needed), overdue ones marked."""
    import plotly.graph_objects as go

    from planner.report.assessment import describe_need

    if not assessment.needs:
        return None
    count: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for need in assessment.needs:
        label = describe_need(need, case.framework, lang)
        count[label] += 1
        overdue[label] += need.overdue
    top = count.most_common(15)
    names = [n for n, _ in top]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[c - overdue[n] for n, c in top],
        orientation="h",
        name=t(lang, "report.assess.on_time"),
        marker_color="#1f4e79",
    )
    fig.add_bar(
        y=names,
        x=[overdue[n] for n, _ in top],
        orientation="h",
        name=t(lang, "table.overdue"),
        marker_color="#c62828",
    )
    hbar_layout(fig, t(lang, "report.assess.chart.needs"), names, lang, t(lang, "report.col.needs"))
    return fig


def assessment_cards(case: Case, assessment: Assessment, lang: str) -> Sequence[Card]:
    with_needs = len({n.official_id for n in assessment.needs})
    overdue = sum(n.overdue for n in assessment.needs)
    kinds = Counter(n.kind for n in assessment.needs)
    return [
        Card(
            t(lang, "table.officials"),
            format_number(len(case.officials), lang),
            t(lang, "report.assess.card.with_needs", count=format_number(with_needs, lang)),
        ),
        Card(
            t(lang, "table.needs"),
            format_number(len(assessment.needs), lang),
            ", ".join(f"{t(lang, f'kind.{k}')} {kinds[k]}" for k in KINDS if kinds[k]),
        ),
        Card(
            t(lang, "table.overdue"),
            format_number(overdue, lang),
            tone="bad" if overdue else "good",
        ),
        Card(t(lang, "table.unit"), format_number(len({o.unit for o in case.officials}), lang)),
    ]


def assessment_page(case: Case, assessment: Assessment, lang: str) -> Page:
    tot = totals(assessment, case.officials)
    sections = [
        Section(
            t(lang, "report.assess.section.units"),
            figure=units_figure(case, assessment, lang),
            table=totals_sheet(tot, lang),
        ),
        Section(
            t(lang, "report.assess.section.needs"), figure=needs_figure(case, assessment, lang)
        ),
        Section(
            t(lang, "report.assess.section.list"),
            t(lang, "report.assess.section.list_intro"),
            table=needs_sheet(assessment, case.officials, case.framework, lang),
        ),
    ]
    sections = [s for s in sections if s.figure is not None or (s.table and s.table.rows)]
    return Page(
        title=t(
            lang,
            "table.assess.title",
            name=case.config.name,
            date=format_date(assessment.reference_date, lang),
        ),
        lang=lang,
        subtitle=t(lang, "report.assess.subtitle"),
        cards=assessment_cards(case, assessment, lang),
        sections=sections,
        notes=[t(lang, "report.note.sort")],
    )


def write_assessment_html(path: Path, case: Case, assessment: Assessment, lang: str) -> None:
    write_page(path, assessment_page(case, assessment, lang))


__all__ = ["assessment_page", "write_assessment_html"]
