"""Evaluation outputs: JSON (with its JSON Schema), CSV/Excel sheets, the console table and the
HTML page with charts, all from one `planner.analysis.evaluate.Evaluation`.

A level without data shows the words "no data" (`evaluate.no_data`), never a zero. The core's
evaluation holds facts (titles, flag reasons, the note); `rendered(evaluation, lang)` words them,
and every output here starts from a rendered evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planner.analysis.evaluate import CourseEvaluation, Evaluation, GroupEvaluation, IndicatorEffect
from planner.i18n import format_date, t
from planner.report.html import Card, Page, Section, format_number
from planner.report.tabular import Column, Sheet
from planner.report.text import Renderer

if TYPE_CHECKING:
    import plotly.graph_objects as go


# ---------------------------------------------------------------------------------------------
# JSON


def evaluation_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of `planner evaluate --format json` (`planner schema
    evaluation`): the schema of the model that serialises it."""
    from planner.report.schemas import schema

    return schema("evaluation")


def rendered(evaluation: Evaluation, lang: str) -> Evaluation:
    """The evaluation with its titles, flag reasons and note in words of `lang` (idempotent)."""
    text = Renderer(lang)
    courses = [
        c.model_copy(
            update={
                "title": text(c.title),
                "flag_reason": None if c.flag_reason is None else text(c.flag_reason),
            }
        )
        for c in evaluation.courses
    ]
    return evaluation.model_copy(update={"courses": courses, "note": text(evaluation.note)})


def evaluation_dict(evaluation: Evaluation, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = rendered(evaluation, lang).model_dump(mode="json")
    return data


def evaluation_json(evaluation: Evaluation, lang: str) -> str:
    return json.dumps(evaluation_dict(evaluation, lang), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# Cell values: percentages as 0-100 numbers, "no data" as words


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _or_no_data(value: Any, lang: str) -> Any:
    return t(lang, "evaluate.no_data") if value is None else value


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _level_values(item: CourseEvaluation | GroupEvaluation, lang: str) -> list[Any]:
    reaction, learning, beh = item.reaction, item.learning, item.behaviour
    change = None
    if beh is not None:
        paired = [c for c in beh.competencies if c.mean_change is not None]
        if paired:
            total = sum(c.paired for c in paired)
            change = round(sum(c.mean_change * c.paired for c in paired) / total, 2)  # type: ignore[operator]
    return [
        _or_no_data(_round(reaction.mean_feedback) if reaction else None, lang),
        _or_no_data(_pct(reaction.response_rate) if reaction else None, lang),
        _pct(learning.pass_rate),
        _or_no_data(_round(learning.mean_score, 1), lang),
        _or_no_data(change, lang),
        _or_no_data(_pct(beh.share_reaching) if beh else None, lang),
    ]


def _level_columns(lang: str) -> list[Column]:
    return [
        Column(t(lang, "evaluate.col.feedback"), "float"),
        Column(t(lang, "evaluate.col.response_rate"), "float"),
        Column(t(lang, "evaluate.col.pass_rate"), "float"),
        Column(t(lang, "evaluate.col.score"), "float"),
        Column(t(lang, "evaluate.col.change"), "float"),
        Column(t(lang, "evaluate.col.reaching"), "float"),
    ]


def _results_text(effects: Sequence[IndicatorEffect], lang: str) -> str:
    if not effects:
        return t(lang, "evaluate.no_data")
    return "; ".join(
        t(
            lang,
            "evaluate.result.short",
            indicator=e.indicator,
            difference=format_number(e.difference, lang, 1),
            verdict=t(lang, f"evaluate.favourable.{_verdict(e)}"),
        )
        for e in effects
    )


def _verdict(effect: IndicatorEffect) -> str:
    return "none" if effect.favourable is None else ("yes" if effect.favourable else "no")


# ---------------------------------------------------------------------------------------------
# Sheets (CSV, Excel, console, HTML tables)


def courses_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    evaluation = rendered(evaluation, lang)
    columns = [
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "table.course"), width=45),
        Column(t(lang, "evaluate.col.participants"), "int"),
        Column(t(lang, "evaluate.col.data")),
        *_level_columns(lang),
        Column(t(lang, "evaluate.col.results"), width=50),
        Column(t(lang, "evaluate.col.flag"), width=50),
    ]
    rows = [
        [
            c.course,
            c.title,
            c.participants,
            t(lang, "yes") if c.has_data else t(lang, "evaluate.no_data"),
            *_level_values(c, lang),
            _results_text(c.results, lang),
            c.flag_reason or "",
        ]
        for c in evaluation.courses
    ]
    return Sheet(t(lang, "evaluate.sheet.courses"), columns, rows)


def overview_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    """The course summary a reader scans on screen: title, the four levels and the flag."""
    full = courses_sheet(evaluation, lang)
    keep = [1, 2, *range(4, 10), 11]
    columns = [full.columns[i] for i in keep]
    columns[0] = Column(columns[0].header, width=40)
    rows = [[row[i] for i in keep] for row in full.rows]
    for row, course in zip(rows, evaluation.courses, strict=True):
        row[-1] = "⚠ " + t(lang, "evaluate.flag.short") if course.flagged else ""
    return Sheet(full.title, columns, rows)


def sessions_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "evaluate.col.session")),
        Column(t(lang, "evaluate.col.from"), "date"),
        Column(t(lang, "evaluate.col.to"), "date"),
        Column(t(lang, "evaluate.col.participants"), "int"),
        *_level_columns(lang),
    ]
    rows = [
        [
            c.course,
            _group_label(g, lang),
            g.first_day,
            g.last_day,
            g.participants,
            *_level_values(g, lang),
        ]
        for c in evaluation.courses
        for g in c.sessions
    ]
    return Sheet(t(lang, "evaluate.sheet.sessions"), columns, rows)


def _group_label(group: GroupEvaluation, lang: str) -> str:
    if group.session is not None:
        return group.session
    return t(lang, "evaluate.year_group", year=group.year)


def competencies_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "evaluate.col.competency")),
        Column(t(lang, "evaluate.col.target"), "int"),
        Column(t(lang, "evaluate.col.measured"), "int"),
        Column(t(lang, "evaluate.col.paired"), "int"),
        Column(t(lang, "evaluate.col.before"), "float"),
        Column(t(lang, "evaluate.col.after"), "float"),
        Column(t(lang, "evaluate.col.change"), "float"),
        Column(t(lang, "evaluate.col.reached"), "int"),
        Column(t(lang, "evaluate.col.reaching"), "float"),
    ]
    rows = [
        [
            c.course,
            ch.competency,
            ch.target,
            ch.measured,
            ch.paired,
            _round(ch.mean_before),
            _round(ch.mean_after),
            _round(ch.mean_change),
            ch.reached,
            _pct(ch.share_reaching),
        ]
        for c in evaluation.courses
        if c.behaviour is not None
        for ch in c.behaviour.competencies
    ]
    return Sheet(t(lang, "evaluate.sheet.competencies"), columns, rows)


def results_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "evaluate.col.indicator"), width=40),
        Column(t(lang, "evaluate.col.better")),
        Column(t(lang, "evaluate.col.years")),
        Column(t(lang, "evaluate.col.trained_units"), "int"),
        Column(t(lang, "evaluate.col.comparison_units"), "int"),
        Column(t(lang, "evaluate.col.trained_before"), "float"),
        Column(t(lang, "evaluate.col.trained_after"), "float"),
        Column(t(lang, "evaluate.col.comparison_before"), "float"),
        Column(t(lang, "evaluate.col.comparison_after"), "float"),
        Column(t(lang, "evaluate.col.difference"), "float"),
        Column(t(lang, "evaluate.col.favourable")),
    ]
    rows = [
        [
            c.course,
            e.indicator,
            t(lang, f"evaluate.better.{e.better}"),
            f"{e.before_year}→{e.after_year}",
            len(e.trained_units),
            len(e.comparison_units),
            _round(e.trained_before),
            _round(e.trained_after),
            _round(e.comparison_before),
            _round(e.comparison_after),
            _round(e.difference),
            t(lang, f"evaluate.favourable.{_verdict(e)}"),
        ]
        for c in evaluation.courses
        for e in c.results
    ]
    return Sheet(t(lang, "evaluate.sheet.results"), columns, rows)


def notes_sheet(evaluation: Evaluation, lang: str) -> Sheet:
    s = evaluation.settings
    rows = [
        [t(lang, "evaluate.notes.period"), _period(evaluation, lang)],
        [t(lang, "evaluate.notes.threshold"), f"{round(100 * s.min_share_reaching_target)}%"],
        [t(lang, "evaluate.notes.min_measured"), s.min_measured_to_flag],
        [
            t(lang, "evaluate.notes.indicators"),
            ", ".join(evaluation.indicators) or t(lang, "evaluate.no_data"),
        ],
        [t(lang, "evaluate.notes.reading"), evaluation.note],
    ]
    return Sheet(
        t(lang, "evaluate.sheet.notes"),
        [
            Column(t(lang, "evaluate.col.item"), width=40),
            Column(t(lang, "evaluate.col.value"), width=100),
        ],
        rows,
    )


def all_sheets(evaluation: Evaluation, lang: str) -> list[Sheet]:
    evaluation = rendered(evaluation, lang)
    return [
        courses_sheet(evaluation, lang),
        sessions_sheet(evaluation, lang),
        competencies_sheet(evaluation, lang),
        results_sheet(evaluation, lang),
        notes_sheet(evaluation, lang),
    ]


def _period(evaluation: Evaluation, lang: str) -> str:
    if evaluation.first_day is None or evaluation.last_day is None:
        return t(lang, "evaluate.no_data")
    return f"{format_date(evaluation.first_day, lang)} – {format_date(evaluation.last_day, lang)}"


def title(evaluation: Evaluation, lang: str) -> str:
    return t(lang, "evaluate.title", name=evaluation.name, period=_period(evaluation, lang))


# ---------------------------------------------------------------------------------------------
# HTML


def _fmt(value: float | None, lang: str, decimals: int = 1, suffix: str = "") -> str:
    return (
        t(lang, "evaluate.no_data")
        if value is None
        else format_number(value, lang, decimals) + suffix
    )


def cards(evaluation: Evaluation, lang: str) -> list[Card]:
    s = evaluation.summary
    threshold = evaluation.settings.min_share_reaching_target
    reaching_tone = (
        "neutral"
        if s.share_reaching is None
        else "good"
        if s.share_reaching >= threshold
        else "warn"
    )
    return [
        Card(
            t(lang, "evaluate.card.courses"),
            str(s.courses),
            t(lang, "evaluate.card.courses_note", with_data=s.courses_with_data),
        ),
        Card(
            t(lang, "evaluate.card.participants"),
            format_number(s.participants, lang),
            t(lang, "evaluate.card.units_note", units=s.units_trained),
        ),
        Card(
            t(lang, "evaluate.card.feedback"),
            _fmt(s.mean_feedback, lang, 2, "/5"),
            t(lang, "evaluate.card.responses_note", responses=s.responses),
        ),
        Card(t(lang, "evaluate.card.pass_rate"), _fmt(_pct(s.pass_rate), lang, 1, "%")),
        Card(
            t(lang, "evaluate.card.reaching"),
            _fmt(_pct(s.share_reaching), lang, 1, "%"),
            t(lang, "evaluate.card.measured_note", measured=s.measured),
            reaching_tone,
        ),
        Card(
            t(lang, "evaluate.card.flagged"),
            str(s.courses_flagged),
            t(lang, "evaluate.card.flagged_note", threshold=round(100 * threshold)),
            "bad" if s.courses_flagged else "good",
        ),
    ]


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bar_height(n: int) -> int:
    return max(320, 60 + 34 * n)


def _label_room(fig: go.Figure) -> None:
    """Fixed room for the category labels of a horizontal bar chart: plotly's automatic margin
    can loop ("Too many auto-margin redraws") on long Vietnamese labels."""
    names = [str(y) for trace in fig.data for y in (trace.y or ())]
    longest = max((len(n) for n in names), default=10)
    fig.update_yaxes(automargin=False, autorange="reversed")
    fig.update_layout(margin={"l": min(460, 24 + 7 * longest), "t": 50, "b": 60})


def _hbar(
    fig: go.Figure, names: Sequence[str], values: Sequence[Any], name: str, color: Any, **more: Any
) -> None:
    """One horizontal bar trace: `values` along the courses (or competencies) `names`."""
    fig.add_bar(y=names, x=values, orientation="h", name=name, marker_color=color, **more)


def _single_layout(fig: go.Figure, title: str, bars: int, xaxis: dict[str, Any]) -> go.Figure:
    """The layout of a chart with one bar a course: no legend."""
    fig.update_layout(title=title, height=_bar_height(bars), xaxis=xaxis, showlegend=False)
    _label_room(fig)
    return fig


def _grouped_layout(fig: go.Figure, title: str, bars: int, xaxis: dict[str, Any]) -> go.Figure:
    """The layout of a chart with bars side by side a course, the legend above."""
    fig.update_layout(
        title=title,
        barmode="group",
        height=_bar_height(bars),
        xaxis=xaxis,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    _label_room(fig)
    return fig


def reaction_figure(evaluation: Evaluation, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    rated = [c for c in evaluation.courses if c.reaction is not None]
    if not rated:
        return None
    names = [_short(c.title) for c in rated]
    fig = go.Figure()
    _hbar(
        fig,
        names,
        [c.reaction.mean_feedback for c in rated if c.reaction],
        t(lang, "evaluate.col.feedback"),
        "#1f77b4",
        text=[format_number(c.reaction.mean_feedback, lang, 2) for c in rated if c.reaction],
        textposition="inside",
        insidetextanchor="end",
    )
    return _single_layout(
        fig,
        t(lang, "evaluate.chart.reaction"),
        len(rated),
        {"range": [0, 5], "title": t(lang, "evaluate.chart.feedback_axis")},
    )


def learning_figure(evaluation: Evaluation, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    if not evaluation.courses:
        return None
    courses = evaluation.courses
    names = [_short(c.title) for c in courses]
    fig = go.Figure()
    pass_rates = [100 * c.learning.pass_rate for c in courses]
    _hbar(fig, names, pass_rates, t(lang, "evaluate.col.pass_rate"), "#2e7d32")
    scores = [c.learning.mean_score for c in courses]
    _hbar(fig, names, scores, t(lang, "evaluate.col.score"), "#9e9d24")
    return _grouped_layout(
        fig, t(lang, "evaluate.chart.learning"), 2 * len(courses), {"range": [0, 100]}
    )


def behaviour_figure(evaluation: Evaluation, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    measured = [
        c
        for c in evaluation.courses
        if c.behaviour is not None and c.behaviour.share_reaching is not None
    ]
    if not measured:
        return None
    threshold = 100 * evaluation.settings.min_share_reaching_target
    shares = [
        100 * c.behaviour.share_reaching
        for c in measured  # type: ignore[union-attr,operator]
        if c.behaviour
    ]
    fig = go.Figure()
    _hbar(
        fig,
        [_short(c.title) for c in measured],
        shares,
        t(lang, "evaluate.col.reaching"),
        ["#c62828" if c.flagged else "#2e7d32" for c in measured],
        text=[format_number(s, lang, 0) + "%" for s in shares],
        textposition="auto",
    )
    fig.add_vline(
        x=threshold,
        line_dash="dash",
        line_color="#b26a00",
        annotation_text=t(lang, "evaluate.chart.threshold", threshold=round(threshold)),
        annotation_position="top",
    )
    return _single_layout(
        fig,
        t(lang, "evaluate.chart.behaviour"),
        len(measured),
        {"range": [0, 100], "title": t(lang, "evaluate.col.reaching")},
    )


def change_figure(evaluation: Evaluation, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    rows = [
        (c, ch)
        for c in evaluation.courses
        if c.behaviour
        for ch in c.behaviour.competencies
        if ch.mean_before is not None
    ]
    if not rows:
        return None
    names = [_short(f"{c.title} · {ch.competency}", 60) for c, ch in rows]
    fig = go.Figure()
    before = [ch.mean_before for _, ch in rows]
    _hbar(fig, names, before, t(lang, "evaluate.col.before"), "#90a4ae")
    after = [ch.mean_after for _, ch in rows]
    _hbar(fig, names, after, t(lang, "evaluate.col.after"), "#1f4e79")
    targets = [
        (n, ch.target) for n, (_, ch) in zip(names, rows, strict=True) if ch.target is not None
    ]
    if targets:
        fig.add_scatter(
            y=[n for n, _ in targets],
            x=[lv for _, lv in targets],
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 22, "color": "#c62828", "line": {"width": 3}},
            name=t(lang, "evaluate.col.target"),
        )
    return _grouped_layout(fig, t(lang, "evaluate.chart.change"), 2 * len(rows), {"range": [0, 5]})


def results_figure(evaluation: Evaluation, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    effects = [(c, e) for c in evaluation.courses for e in c.results]
    if not effects:
        return None
    fig = go.Figure()
    for indicator in evaluation.indicators:
        chosen = [(c, e) for c, e in effects if e.indicator == indicator]
        if not chosen:
            continue
        fig.add_bar(
            y=[_short(c.title) for c, _ in chosen],
            x=[e.difference for _, e in chosen],
            orientation="h",
            name=_short(indicator, 60),
            text=[t(lang, f"evaluate.favourable.{_verdict(e)}") for _, e in chosen],
            textposition="auto",
        )
    return _grouped_layout(
        fig,
        t(lang, "evaluate.chart.results"),
        len(effects),
        {"title": t(lang, "evaluate.col.difference"), "zeroline": True},
    )


def evaluation_page(evaluation: Evaluation, lang: str) -> Page:
    evaluation = rendered(evaluation, lang)
    flagged = [c for c in evaluation.courses if c.flagged]
    no_data = [c for c in evaluation.courses if not c.has_data]
    sections = [
        Section(
            t(lang, "evaluate.section.overview"),
            t(lang, "evaluate.section.overview_intro"),
            table=overview_sheet(evaluation, lang),
            note=(
                t(lang, "evaluate.no_data_courses", courses=", ".join(c.title for c in no_data))
                if no_data
                else ""
            ),
        ),
        Section(
            t(lang, "evaluate.section.reaction"),
            t(lang, "evaluate.section.reaction_intro"),
            figure=reaction_figure(evaluation, lang),
        ),
        Section(
            t(lang, "evaluate.section.learning"),
            t(lang, "evaluate.section.learning_intro"),
            figure=learning_figure(evaluation, lang),
        ),
        Section(
            t(lang, "evaluate.section.behaviour"),
            t(lang, "evaluate.section.behaviour_intro"),
            figure=behaviour_figure(evaluation, lang),
            table=competencies_sheet(evaluation, lang),
            note=" ".join(f"⚠ {c.title}: {c.flag_reason}" for c in flagged),
        ),
        Section(t(lang, "evaluate.section.change"), figure=change_figure(evaluation, lang)),
        Section(
            t(lang, "evaluate.section.results"),
            t(lang, "evaluate.section.results_intro"),
            figure=results_figure(evaluation, lang),
            table=results_sheet(evaluation, lang),
            note=evaluation.note,
        ),
        Section(t(lang, "evaluate.section.sessions"), table=sessions_sheet(evaluation, lang)),
    ]
    # A section with neither chart nor rows would only say "nothing here": keep the page short.
    sections = [s for s in sections if s.figure is not None or (s.table and s.table.rows)]
    return Page(
        title=title(evaluation, lang),
        lang=lang,
        subtitle=t(lang, "evaluate.subtitle", date=format_date(evaluation.reference_date, lang)),
        cards=cards(evaluation, lang),
        sections=sections,
        notes=[t(lang, "evaluate.notes.kirkpatrick")],
    )


__all__ = [
    "all_sheets",
    "cards",
    "competencies_sheet",
    "courses_sheet",
    "evaluation_dict",
    "evaluation_json",
    "evaluation_json_schema",
    "rendered",
    "evaluation_page",
    "notes_sheet",
    "overview_sheet",
    "results_sheet",
    "sessions_sheet",
    "title",
]
