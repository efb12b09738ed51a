"""What-if outputs: JSON (with its JSON Schema), the console tables, an Excel workbook and a
self-contained HTML page, all from one `planner.analysis.whatif.WhatIf`.

Every variant is shown beside the baseline: needs met per kind, knowledge updates of leaders over
the term, cost against budget, unmet needs by cause, who gains or loses a course; then the
marginal value of money, labelled by how it was measured (sweep step or probe of one line).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.analysis.scenario import Scenario
from planner.analysis.whatif import (
    MILLION,
    Infeasibility,
    Marginal,
    OfficialChange,
    Outcome,
    WhatIf,
)
from planner.i18n import format_date, format_int, format_vnd, t
from planner.optimise.result import UNMET_CAUSES
from planner.report.assessment import official_columns
from planner.report.html import Card, Page, Section, format_number, write_page
from planner.report.plan_report import KINDS, funding_label
from planner.report.plan_text import infeasible_facts, infeasible_text
from planner.report.schemas import WhatIfOut, to_json
from planner.report.tabular import Column, Sheet, write_xlsx

if TYPE_CHECKING:
    import plotly.graph_objects as go

PALETTE = ("#1f4e79", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#455a64")


# ---------------------------------------------------------------------------------------------
# Scenario in words


def describe_scenario(scenario: Scenario | None, lang: str) -> str:
    """The changes a scenario makes, in one line of the report language."""
    if scenario is None:
        return t(lang, "whatif.change.none")
    parts = []
    for b in scenario.budget:
        where = t(
            lang,
            "whatif.change.where",
            source=funding_label(b.source, lang)
            if b.source
            else t(lang, "whatif.change.all_sources"),
            year=str(b.year) if b.year else t(lang, "whatif.change.all_years"),
        )
        if b.scale is not None:
            parts.append(t(lang, "whatif.change.scale", scale=_scale(b.scale, lang), where=where))
        elif b.amount is not None:
            parts.append(
                t(lang, "whatif.change.amount", amount=format_vnd(b.amount, lang), where=where)
            )
        else:
            parts.append(
                t(lang, "whatif.change.add", amount=format_vnd(b.add or 0, lang), where=where)
            )
    for s in scenario.seats:
        target = s.session or s.course
        if s.seats is not None:
            parts.append(t(lang, "whatif.change.seats_set", seats=s.seats, session=target))
        else:
            parts.append(t(lang, "whatif.change.seats_add", seats=f"{s.add:+d}", session=target))
    parts.extend(t(lang, "whatif.change.exclude", course=c) for c in scenario.exclude_courses)
    parts.extend(
        t(
            lang,
            "whatif.change.add_session",
            session=a.session.id,
            course=a.course,
            start=format_date(a.session.start, lang),
            seats=a.session.seats,
        )
        for a in scenario.add_sessions
    )
    if scenario.reference_date is not None:
        parts.append(
            t(lang, "whatif.change.reference_date", date=format_date(scenario.reference_date, lang))
        )
    for name, value in scenario.parameters.items():
        parts.append(t(lang, "whatif.change.parameter", name=name, value=value))
    if scenario.years:
        parts.append(
            t(lang, "whatif.change.years", first=min(scenario.years), last=max(scenario.years))
        )
    return "; ".join(parts) or t(lang, "whatif.change.none")


def variant_label(outcome: Outcome, lang: str) -> str:
    v = outcome.variant
    if v.kind == "baseline":
        return t(lang, "whatif.baseline")
    if v.kind == "sweep" and v.scale is not None:
        return t(lang, "whatif.sweep_label", scale=_scale(v.scale, lang))
    if v.kind == "probe" and v.probe is not None:
        year, source, amount = v.probe
        return t(
            lang,
            "whatif.marginal.probe_label",
            year=year,
            source=funding_label(source, lang),
            amount=format_vnd(amount, lang),
        )
    return v.name


def _scale(scale: float, lang: str) -> str:
    text = format_number(scale, lang, 2)
    decimal = t(lang, "number.decimal")
    if decimal in text:
        text = text.rstrip("0").rstrip(decimal)
    return text


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ---------------------------------------------------------------------------------------------
# JSON and its schema


def _variant_dict(w: WhatIf, o: Outcome, lang: str) -> dict[str, Any]:
    plan = o.plan
    changes = w.changes.get(o.variant.name, []) if o.variant.kind != "baseline" else []
    return {
        "name": o.variant.name,
        "kind": o.variant.kind,
        "scenario_file": o.variant.source,
        "changes": describe_scenario(o.variant.scenario, lang),
        "scale": o.variant.scale,
        "status": o.status,
        "objective": plan.objective if plan else None,
        "bound": plan.bound if plan else None,
        "gap": plan.gap if plan else None,
        "time_s": o.time_s,
        "work_limit": o.work_limit,
        "on_clock": o.on_clock,
        "budget_total": o.budget_total,
        "cost_total": o.cost_total,
        "needs": {k: {"met": m, "total": n} for k, (m, n) in o.needs.items()},
        "priority_points": {"met": o.priority[0], "total": o.priority[1]},
        "leaders_term": {"met": o.leaders[0], "total": o.leaders[1]},
        "unmet_by_cause": o.unmet_by_cause,
        "budget": [
            {
                "year": b.year,
                "source": b.source,
                "budget": b.budget,
                "spent": b.spent,
                "left": b.left,
            }
            for b in o.budget
        ],
        "gained": [
            {"official_id": c.official_id, "gained": list(c.gained), "lost": list(c.lost)}
            for c in changes
        ],
        "infeasible": _infeasible_dict(o.infeasible, lang),
    }


def _why_infeasible(o: Outcome, lang: str) -> str:
    return infeasible_text(lang, o.infeasible) if o.infeasible else ""


def _infeasible_dict(infeasible: Infeasibility | None, lang: str) -> dict[str, Any] | None:
    return None if infeasible is None else infeasible_facts(lang, infeasible)


def whatif_dict(w: WhatIf, lang: str) -> dict[str, Any]:
    s = w.settings
    return {
        "name": w.name,
        "reference_date": w.reference_date,
        "years": list(w.years),
        "engine": s.engine,
        "seed": s.seed,
        "time_limit": s.time_limit,
        "clock": s.clock,
        "jobs": w.jobs,
        "wall_s": w.wall_s,
        "baseline": _variant_dict(w, w.baseline, lang),
        "variants": [_variant_dict(w, o, lang) for o in w.variants],
        "probes": [_variant_dict(w, o, lang) for o in w.probes],
        "marginal": [
            {
                "method": m.method,
                "label": m.label,
                "year": m.year,
                "source": m.source,
                "added_vnd": m.added,
                "points": m.points,
                "needs": m.needs,
                "points_per_million": round(m.per_million, 3),
                "gaps": list(m.gaps),
            }
            for m in w.marginal
        ],
        "prices": _prices_dict(w),
    }


def _prices_dict(w: WhatIf) -> dict[str, Any] | None:
    p = w.prices
    if p is None:
        return None
    return {
        "status": p.status,
        "lp_value": p.lp_value,
        "time_s": p.time_s,
        "seats": [
            {
                "session": s.session,
                "course": s.course,
                "year": s.year,
                "seats": s.seats,
                "points_per_seat": round(s.per_seat, 4),
            }
            for s in w.seat_prices
        ],
    }


def whatif_json(w: WhatIf, lang: str) -> str:
    return to_json(WhatIfOut, whatif_dict(w, lang))


# ---------------------------------------------------------------------------------------------
# Sheets


def _all(w: WhatIf) -> list[Outcome]:
    return [w.baseline, *w.variants]


def _causes(w: WhatIf) -> list[str]:
    seen = {c for o in _all(w) for c in o.unmet_by_cause}
    return [c for c in UNMET_CAUSES if c in seen]


def comparison_sheet(w: WhatIf, lang: str, causes: bool = True) -> Sheet:
    """One row per variant, the baseline first; `causes` adds the unmet needs by cause."""
    chosen = _causes(w) if causes else []
    return _comparison(w, lang, chosen)


def causes_sheet(w: WhatIf, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.variant"), width=22),
        *[Column(t(lang, f"optimise.cause.{c}"), "int") for c in _causes(w)],
    ]
    rows = [
        [variant_label(o, lang), *[o.unmet_by_cause.get(c, 0) for c in _causes(w)]]
        for o in _all(w)
        if o.feasible
    ]
    return Sheet(t(lang, "whatif.sheet.causes"), columns, rows)


def _comparison(w: WhatIf, lang: str, causes: list[str]) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.variant"), width=22),
        Column(t(lang, "whatif.col.changes"), width=48),
        Column(t(lang, "whatif.col.status")),
        Column(t(lang, "whatif.col.budget"), "vnd"),
        Column(t(lang, "whatif.col.cost"), "vnd"),
        Column(t(lang, "whatif.col.needs_met"), "int"),
        Column(t(lang, "whatif.col.needs_pct"), "float"),
        *[Column(t(lang, "report.col.met_kind", kind=t(lang, f"kind.{k}"))) for k in KINDS],
        Column(t(lang, "whatif.col.leaders_short")),
        Column(t(lang, "whatif.col.points"), "int"),
        *[
            Column(t(lang, "whatif.col.unmet_cause", cause=t(lang, f"optimise.cause.{c}")), "int")
            for c in causes
        ],
        Column(t(lang, "whatif.col.gain"), "int"),
        Column(t(lang, "whatif.col.lose"), "int"),
        Column(t(lang, "whatif.col.gap"), "float"),
    ]
    rows = []
    for o in _all(w):
        met, total, changes = _met_and_changes(w, o)
        rows.append(
            [
                variant_label(o, lang),
                "" if o.variant.kind == "sweep" else describe_scenario(o.variant.scenario, lang),
                t(lang, f"plan.status.{o.status}"),
                o.budget_total,
                o.cost_total,
                met if o.feasible else None,
                _pct(met, total) if o.feasible else None,
                *[
                    f"{o.needs[k][0]}/{o.needs[k][1]}" if o.feasible and k in o.needs else ""
                    for k in KINDS
                ],
                f"{o.leaders[0]}/{o.leaders[1]}" if o.feasible and o.leaders[1] else "",
                o.priority[0] if o.feasible else None,
                *[o.unmet_by_cause.get(c, 0) for c in causes],
                sum(1 for c in changes if c.gained),
                sum(1 for c in changes if c.lost),
                round(100 * o.plan.gap, 1) if o.plan else None,
            ]
        )
    return Sheet(t(lang, "whatif.sheet.comparison"), columns, rows)


def budget_sheet(w: WhatIf, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.variant"), width=22),
        Column(t(lang, "plan.table.year")),
        Column(t(lang, "plan.table.source"), width=26),
        Column(t(lang, "report.col.budget"), "vnd"),
        Column(t(lang, "report.col.used"), "vnd"),
        Column(t(lang, "report.col.left"), "vnd"),
    ]
    rows = [
        [
            variant_label(o, lang),
            str(b.year),
            funding_label(b.source, lang),
            b.budget,
            b.spent,
            b.left,
        ]
        for o in _all(w)
        for b in o.budget
    ]
    return Sheet(t(lang, "whatif.sheet.budget"), columns, rows)


def changes_sheet(w: WhatIf, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.variant"), width=22),
        *official_columns(lang, t(lang, "report.col.official_id")),
        Column(t(lang, "whatif.col.gained"), width=50),
        Column(t(lang, "whatif.col.lost"), width=50),
    ]
    rows = []
    for o in w.variants:
        for c in w.changes.get(o.variant.name, []):
            name, unit = w.officials.get(c.official_id, ("", ""))
            rows.append(
                [
                    variant_label(o, lang),
                    c.official_id,
                    name,
                    unit,
                    ", ".join(c.gained),
                    ", ".join(c.lost),
                ]
            )
    return Sheet(t(lang, "whatif.sheet.changes"), columns, rows)


def marginal_label(m: Marginal, w: WhatIf, lang: str) -> str:
    if m.method == "lp_dual":
        return t(
            lang,
            "whatif.marginal.dual_label",
            year=m.year,
            source=funding_label(m.source or "", lang),
        )
    if m.method == "probe":
        return t(
            lang,
            "whatif.marginal.probe_label",
            year=m.year,
            source=funding_label(m.source or "", lang),
            amount=format_vnd(m.added, lang),
        )
    names = m.label.split(" → ")
    by_name = {o.variant.name: o for o in (*w.variants, *w.probes)}  # probes named in words too
    labels = [variant_label(by_name[n], lang) if n in by_name else n for n in names]
    return " → ".join(labels)


def marginal_sheet(w: WhatIf, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.method"), width=26),
        Column(t(lang, "whatif.col.step"), width=44),
        Column(t(lang, "whatif.col.added"), "vnd"),
        Column(t(lang, "whatif.col.points_gained"), "int"),
        Column(t(lang, "whatif.col.needs_gained"), "int"),
        Column(t(lang, "whatif.col.per_million"), "float"),
        Column(t(lang, "whatif.col.gaps"), width=20),
    ]
    rows = [
        [
            t(lang, f"whatif.method.{m.method}"),
            marginal_label(m, w, lang),
            m.added,
            m.points,
            m.needs,
            round(m.per_million, 2),
            " / ".join(f"{format_number(100 * g, lang, 1)}%" for g in m.gaps),
        ]
        for m in w.marginal
    ]
    return Sheet(t(lang, "whatif.sheet.marginal"), columns, rows)


SEAT_PRICES_SHOWN = 20  # sessions listed by their LP seat price, dearest first


def seat_price_sheet(w: WhatIf, lang: str) -> Sheet:
    """Sessions whose one more seat adds points to the LP relaxation, dearest first."""
    columns = [
        Column(t(lang, "plan.table.session"), width=22),
        Column(t(lang, "plan.table.course"), width=44),
        Column(t(lang, "plan.table.year"), "year"),
        Column(t(lang, "report.col.seats"), "int"),
        Column(t(lang, "whatif.col.per_seat"), "float"),
    ]
    rows = [
        [p.session, p.course, p.year, p.seats, round(p.per_seat, 2)]
        for p in w.seat_prices[:SEAT_PRICES_SHOWN]
    ]
    return Sheet(t(lang, "whatif.sheet.seats"), columns, rows)


def whatif_sheets(w: WhatIf, lang: str) -> list[Sheet]:
    return [
        comparison_sheet(w, lang),
        marginal_sheet(w, lang),
        *([seat_price_sheet(w, lang)] if w.seat_prices else []),
        budget_sheet(w, lang),
        changes_sheet(w, lang),
        notes_sheet(w, lang),
    ]


def notes(w: WhatIf, lang: str) -> list[str]:
    s = w.settings
    return [
        t(lang, "whatif.note.points"),
        t(lang, "whatif.note.sweep"),
        t(lang, "whatif.note.probe"),
        *([_prices_note(w, lang)] if w.prices is not None else []),
        t(
            lang,
            "whatif.note.settings",
            engine=s.engine,
            seed=s.seed,
            time_limit=format_number(s.time_limit, lang, 1),
            work=_work_text(w, lang),
            runs=w.runs,
            jobs=w.jobs,
            wall=format_number(w.wall_s, lang, 1),
        ),
        *([clocked] if (clocked := clock_warning(w, lang)) else []),
    ]


def _work_text(w: WhatIf, lang: str) -> str:
    """How the variants were stopped: on a work limit (which), or on the clock."""
    limits = sorted({o.work_limit for o in _outcomes(w) if o.work_limit is not None})
    if not limits:
        return t(lang, "whatif.note.work_clock")
    key = "whatif.note.work_given" if w.settings.work_limit is not None else "whatif.note.work_auto"
    return t(lang, key, work=", ".join(format_int(n, lang) for n in limits))


def _outcomes(w: WhatIf) -> list[Outcome]:
    return [w.baseline, *w.variants, *w.probes]


def clock_warning(w: WhatIf, lang: str) -> str:
    """Variants with a work limit that used up the clock's guard: they may differ next run."""
    cut = [o for o in _outcomes(w) if o.on_clock and o.work_limit is not None]
    if not cut:
        return ""
    names = ", ".join(variant_label(o, lang) for o in cut)
    return "⚠ " + t(lang, "whatif.warn.on_clock", variants=names)


def _prices_note(w: WhatIf, lang: str) -> str:
    prices = w.prices
    assert prices is not None
    if prices.status != "optimal":
        return t(lang, f"whatif.note.lp_price_{prices.status}")
    return t(lang, "whatif.note.lp_price", time=format_number(prices.time_s, lang, 1))


def notes_sheet(w: WhatIf, lang: str) -> Sheet:
    return Sheet(
        t(lang, "whatif.sheet.notes"),
        [Column(t(lang, "plan.table.item"), width=120)],
        [[n] for n in notes(w, lang)],
    )


def write_whatif_xlsx(path: Path, w: WhatIf, lang: str) -> None:
    write_xlsx(path, whatif_sheets(w, lang))


# ---------------------------------------------------------------------------------------------
# Charts


def _legend() -> dict[str, Any]:
    return {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}


def _columns_layout(
    fig: go.Figure, title: str, barmode: str, y_title: str, top: int = 70
) -> go.Figure:
    """One bar group or stack per variant, the legend above the plot."""
    fig.update_layout(
        title=title,
        barmode=barmode,
        height=420,
        yaxis={"title": y_title, "tickformat": ",.0f"},
        legend=_legend(),
        margin={"t": top, "b": 80},
    )
    return fig


def coverage_figure(w: WhatIf, lang: str) -> go.Figure | None:
    """Needs met, leaders' term updates and priority points against the total budget: the
    budget sweep as lines through the baseline, each scenario file as a labelled marker."""
    import plotly.graph_objects as go

    if not w.baseline.feasible:
        return None
    sweep = [
        o
        for o in w.variants
        if o.variant.kind == "sweep" and o.feasible and o.plan is not w.baseline.plan
    ]
    line = sorted([w.baseline, *sweep], key=lambda o: o.budget_total)
    scenarios = [o for o in w.variants if o.variant.kind == "scenario" and o.feasible]
    measures = [("needs", lambda o: _pct(*o.needs["all"]), "solid", "circle")]
    if any(o.leaders[1] for o in line):
        measures.append(("leaders", lambda o: _pct(*o.leaders), "dot", "diamond"))
    measures.append(("points", lambda o: _pct(*o.priority), "dash", "square"))
    fig = go.Figure()
    for i, (key, value, dash, symbol) in enumerate(measures):
        fig.add_scatter(
            x=[o.budget_total / 1e6 for o in line],
            y=[value(o) for o in line],
            mode="lines+markers",
            name=t(lang, f"whatif.chart.{key}_pct"),
            line={"color": PALETTE[i], "dash": dash},
            marker={"size": 9, "symbol": symbol},
            text=[variant_label(o, lang) for o in line],
            hovertemplate="%{text}: %{y}%<extra></extra>",
        )
        if scenarios:
            fig.add_scatter(
                x=[o.budget_total / 1e6 for o in scenarios],
                y=[value(o) for o in scenarios],
                mode="markers",
                showlegend=False,
                marker={
                    "size": 13,
                    "symbol": symbol,
                    "color": PALETTE[i],
                    "line": {"width": 2, "color": "#fff"},
                },
                text=[variant_label(o, lang) for o in scenarios],
                hovertemplate="%{text}: %{y}%<extra></extra>",
            )
    # Name each point once, under the needs line: the sweep's factor, the scenario's name.
    for o in [*line, *scenarios]:
        fig.add_annotation(
            x=o.budget_total / 1e6,
            y=_pct(*o.needs["all"]),
            text=_short(variant_label(o, lang), 28),
            showarrow=False,
            yshift=-16,
            font={"size": 11, "color": "#333"},
        )
    fig.update_layout(
        title=t(lang, "whatif.chart.coverage"),
        height=460,
        xaxis={"title": t(lang, "whatif.chart.budget_axis"), "tickformat": ",.0f"},
        yaxis={"title": "%", "range": [0, 105]},
        legend=_legend(),
        margin={"t": 80, "b": 60, "l": 60},
    )
    return fig


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _met_and_changes(w: WhatIf, o: Outcome) -> tuple[int, int, list[OfficialChange]]:
    """Needs met and all needs of a variant, and who gains or loses against the baseline."""
    met, total = o.needs.get("all", (0, 0))
    changes = w.changes.get(o.variant.name, []) if o.variant.kind != "baseline" else []
    return met, total, changes


def _feasible(w: WhatIf, lang: str) -> tuple[list[Outcome], list[str]]:
    """The variants that have a plan (baseline first) and their labels, the x axis of a chart."""
    outcomes = [o for o in _all(w) if o.feasible]
    return outcomes, [variant_label(o, lang) for o in outcomes]


def kinds_figure(w: WhatIf, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    outcomes, names = _feasible(w, lang)
    if not outcomes:
        return None
    fig = go.Figure()
    for i, kind in enumerate(KINDS):
        if not any(kind in o.needs for o in outcomes):
            continue
        fig.add_bar(
            x=names,
            y=[o.needs.get(kind, (0, 0))[0] for o in outcomes],
            name=t(lang, f"kind.{kind}"),
            marker_color=PALETTE[i],
            text=[
                f"{o.needs.get(kind, (0, 0))[0]}/{o.needs.get(kind, (0, 0))[1]}" for o in outcomes
            ],
            textposition="auto",
        )
    return _columns_layout(
        fig, t(lang, "whatif.chart.kinds"), "group", t(lang, "whatif.col.needs_met")
    )


def cost_figure(w: WhatIf, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    outcomes, names = _feasible(w, lang)
    if not outcomes:
        return None
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=[o.cost_total / 1e6 for o in outcomes],
        name=t(lang, "report.col.used"),
        marker_color=PALETTE[0],
        hovertext=[format_vnd(o.cost_total, lang) for o in outcomes],
        hoverinfo="text+name",
    )
    fig.add_bar(
        x=names,
        y=[max(0, o.budget_total - o.cost_total) / 1e6 for o in outcomes],
        name=t(lang, "report.col.left"),
        marker_color="#9ecae1",
        hovertext=[format_vnd(o.budget_total - o.cost_total, lang) for o in outcomes],
        hoverinfo="text+name",
    )
    return _columns_layout(
        fig, t(lang, "whatif.chart.cost"), "stack", t(lang, "report.million_vnd")
    )


def causes_figure(w: WhatIf, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    outcomes, names = _feasible(w, lang)
    causes = _causes(w)
    if not outcomes or not causes:
        return None
    fig = go.Figure()
    for i, cause in enumerate(causes):
        fig.add_bar(
            x=names,
            y=[o.unmet_by_cause.get(cause, 0) for o in outcomes],
            name=t(lang, f"optimise.cause.{cause}"),
            marker_color=PALETTE[(i + 2) % len(PALETTE)],
        )
    return _columns_layout(
        fig, t(lang, "whatif.chart.causes"), "stack", t(lang, "report.col.needs"), top=90
    )


_METHOD_COLOUR = {"sweep": PALETTE[0], "probe": PALETTE[2], "lp_dual": PALETTE[4]}


def marginal_figure(w: WhatIf, lang: str) -> go.Figure | None:
    import plotly.graph_objects as go

    if not w.marginal:
        return None
    labels = [
        f"{t(lang, f'whatif.method.short.{m.method}')}: {marginal_label(m, w, lang)}"
        for m in w.marginal
    ]
    values = [round(m.per_million, 2) for m in w.marginal]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=values,
        orientation="h",
        marker_color=[_METHOD_COLOUR[m.method] for m in w.marginal],
        text=[format_number(v, lang, 2) for v in values],
        textposition="auto",
    )
    longest = max(len(label) for label in labels)
    fig.update_yaxes(automargin=False, autorange="reversed")
    fig.update_layout(
        title=t(lang, "whatif.chart.marginal"),
        showlegend=False,
        height=max(300, 100 + 34 * len(labels)),
        xaxis={"title": t(lang, "whatif.col.per_million")},
        margin={"l": min(480, 24 + 7 * longest), "t": 60, "b": 60},
    )
    return fig


# ---------------------------------------------------------------------------------------------
# The page and the console


def cards(w: WhatIf, lang: str) -> list[Card]:
    b = w.baseline
    feasible = [o for o in w.variants if o.feasible]
    out = [
        Card(
            t(lang, "whatif.card.variants"),
            str(len(w.variants)),
            t(
                lang,
                "whatif.card.variants_note",
                runs=w.runs,
                wall=format_number(w.wall_s, lang, 1),
                jobs=w.jobs,
            ),
        )
    ]
    if b.feasible:
        met, total = b.needs["all"]
        out.append(
            Card(
                t(lang, "whatif.card.baseline"),
                f"{format_number(_pct(met, total) or 0, lang, 1)}%",
                t(
                    lang,
                    "whatif.card.baseline_note",
                    met=met,
                    total=total,
                    cost=format_vnd(b.cost_total, lang),
                    budget=format_vnd(b.budget_total, lang),
                ),
            )
        )
    if feasible:
        best = max(feasible, key=lambda o: (o.needs["all"][0], -o.cost_total))
        worst = min(feasible, key=lambda o: (o.needs["all"][0], o.cost_total))
        for key, o, tone in (("best", best, "good"), ("worst", worst, "warn")):
            delta = o.needs["all"][0] - b.needs["all"][0] if b.feasible else 0
            out.append(
                Card(
                    t(lang, f"whatif.card.{key}"),
                    variant_label(o, lang),
                    t(
                        lang,
                        "whatif.card.delta",
                        delta=f"{delta:+d}",
                        cost=format_vnd(o.cost_total, lang),
                    ),
                    tone,
                )
            )
    probes = [m for m in w.marginal if m.method == "probe"]
    if probes:
        top = max(probes, key=lambda m: m.per_million)
        out.append(
            Card(
                t(lang, "whatif.card.best_money"),
                f"{funding_label(top.source or '', lang)} {top.year}",
                t(
                    lang,
                    "whatif.card.best_money_note",
                    points=format_number(top.per_million, lang, 1),
                    amount=format_vnd(top.added, lang),
                    needs=top.needs,
                ),
                "good" if top.per_million > 0 else "neutral",
            )
        )
    infeasible = [o for o in w.variants if not o.feasible]
    if infeasible:
        out.append(
            Card(
                t(lang, "whatif.card.infeasible"),
                str(len(infeasible)),
                ", ".join(variant_label(o, lang) for o in infeasible),
                "bad",
            )
        )
    return out


def non_monotone(w: WhatIf) -> list[tuple[Outcome, Outcome]]:
    """Sweep points meeting fewer needs than a point with less money: more budget never forbids
    a plan, so the solver stopped (time limit) before it found the better one."""
    line = sorted(
        (
            o
            for o in [w.baseline, *w.variants]
            if o.variant.kind in ("baseline", "sweep") and o.feasible
        ),
        key=lambda o: o.budget_total,
    )
    out = []
    for i, high in enumerate(line):
        lower = [
            low
            for low in line[:i]
            if low.budget_total < high.budget_total and low.needs["all"][0] > high.needs["all"][0]
        ]
        if lower:
            out.append((high, max(lower, key=lambda o: o.needs["all"][0])))
    return out


def coverage_warning(w: WhatIf, lang: str) -> str:
    return " ".join(
        "⚠ "
        + t(
            lang,
            "whatif.warn.non_monotone",
            high=variant_label(high, lang),
            low=variant_label(low, lang),
            high_met=high.needs["all"][0],
            low_met=low.needs["all"][0],
            gap=format_number(100 * (high.plan.gap if high.plan else 0), lang, 1),
            time_limit=format_number(w.settings.time_limit, lang, 0),
        )
        for high, low in non_monotone(w)
    )


def whatif_page(w: WhatIf, lang: str) -> Page:
    infeasible = [o for o in w.variants if not o.feasible]
    sections = [
        Section(
            t(lang, "whatif.section.coverage"),
            t(lang, "whatif.section.coverage_intro"),
            figure=coverage_figure(w, lang),
            table=comparison_sheet(w, lang, causes=False),
            note=" ".join(
                [coverage_warning(w, lang), clock_warning(w, lang)]
                + [f"{variant_label(o, lang)}: {_why_infeasible(o, lang)}" for o in infeasible]
            ).strip(),
        ),
        Section(t(lang, "whatif.section.kinds"), figure=kinds_figure(w, lang)),
        Section(
            t(lang, "whatif.section.cost"),
            t(lang, "whatif.section.cost_intro"),
            figure=cost_figure(w, lang),
            table=budget_sheet(w, lang),
        ),
        Section(
            t(lang, "whatif.section.causes"),
            t(lang, "whatif.section.causes_intro"),
            figure=causes_figure(w, lang),
            table=causes_sheet(w, lang),
        ),
        Section(
            t(lang, "whatif.section.marginal"),
            t(lang, "whatif.section.marginal_intro"),
            figure=marginal_figure(w, lang),
            table=marginal_sheet(w, lang),
            note=t(lang, "whatif.note.noise"),
        ),
        Section(
            t(lang, "whatif.section.seats"),
            t(lang, "whatif.section.seats_intro"),
            table=seat_price_sheet(w, lang),
        ),
        Section(
            t(lang, "whatif.section.changes"),
            t(lang, "whatif.section.changes_intro"),
            table=changes_sheet(w, lang),
        ),
    ]
    sections = [s for s in sections if s.figure is not None or (s.table and s.table.rows)]
    years = f"{w.years[0]}–{w.years[-1]}" if len(w.years) > 1 else str(w.years[0])
    return Page(
        title=t(lang, "whatif.title", name=w.name),
        lang=lang,
        subtitle=t(
            lang,
            "whatif.subtitle",
            date=format_date(_iso(w.reference_date), lang),
            years=years,
            variants=len(w.variants),
        ),
        cards=cards(w, lang),
        sections=sections,
        notes=notes(w, lang),
    )


def _iso(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def title_line(w: WhatIf, lang: str) -> str:
    years = f"{w.years[0]}–{w.years[-1]}" if len(w.years) > 1 else str(w.years[0])
    return (
        t(lang, "whatif.title", name=w.name)
        + " — "
        + t(
            lang,
            "whatif.subtitle",
            date=format_date(_iso(w.reference_date), lang),
            years=years,
            variants=len(w.variants),
        )
    )


def write_whatif_html(path: Path, w: WhatIf, lang: str) -> None:
    write_page(path, whatif_page(w, lang))


def console_sheet(w: WhatIf, lang: str) -> Sheet:
    """The comparison narrowed to what fits a terminal: the full one is in xlsx/html/json."""
    columns = [
        Column(t(lang, "whatif.col.variant")),
        # millions: a full đồng amount does not fit an 80-column terminal without breaking
        Column(t(lang, "whatif.col.budget_m"), "float"),
        Column(t(lang, "whatif.col.cost_m"), "float"),
        Column(t(lang, "whatif.col.needs_met")),
        Column(t(lang, "whatif.col.leaders_short")),
        Column(t(lang, "whatif.col.points"), "int"),
        Column(t(lang, "whatif.col.gain_lose")),
    ]
    rows = []
    for o in _all(w):
        met, total, changes = _met_and_changes(w, o)
        rows.append(
            [
                variant_label(o, lang),
                round(o.budget_total / 1e6, 1),
                round(o.cost_total / 1e6, 1),
                f"{met}/{total} ({format_number(_pct(met, total) or 0, lang, 1)}%)"
                if o.feasible
                else t(lang, "plan.status.infeasible"),
                f"{o.leaders[0]}/{o.leaders[1]}" if o.feasible and o.leaders[1] else "–",
                o.priority[0] if o.feasible else None,
                f"+{sum(1 for c in changes if c.gained)} / -{sum(1 for c in changes if c.lost)}"
                if o.variant.kind != "baseline"
                else "",
            ]
        )
    return Sheet(t(lang, "whatif.sheet.comparison"), columns, rows)


def console_marginal_sheet(w: WhatIf, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "whatif.col.step")),
        Column(t(lang, "whatif.col.added"), "vnd"),
        Column(t(lang, "whatif.col.needs_gained"), "int"),
        Column(t(lang, "whatif.col.per_million"), "float"),
    ]
    rows = [
        [
            f"{t(lang, f'whatif.method.short.{m.method}')}: {marginal_label(m, w, lang)}",
            m.added,
            m.needs,
            round(m.per_million, 2),
        ]
        for m in w.marginal
    ]
    return Sheet(t(lang, "whatif.sheet.marginal"), columns, rows)


__all__ = [
    "comparison_sheet",
    "describe_scenario",
    "marginal_sheet",
    "variant_label",
    "whatif_dict",
    "whatif_json",
    "whatif_page",
    "whatif_sheets",
    "write_whatif_html",
    "write_whatif_xlsx",
    "MILLION",
]
