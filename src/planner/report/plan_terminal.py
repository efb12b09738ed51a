"""The plan as a terminal shows it: a summary that fits 80 columns by default (totals, budget
per year and source, one line per unit, unmet needs by cause) and, behind `--details`, the full
lists of assignments and unmet needs — names and titles, never ids, in the report language.

Each table is a `Sheet`; the CLI draws it (`planner.cli.common.sheet_table`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, get_args

from planner.i18n import format_percent, format_vnd, t
from planner.io.tables import fold
from planner.report.names import Names
from planner.report.plan_text import render
from planner.report.tabular import Column, Sheet
from planner.types import NeedKind

if TYPE_CHECKING:
    from planner.io.case import Case
    from planner.optimise.result import PlanResult

KINDS: tuple[str, ...] = get_args(NeedKind)  # every kind, in the contract's order


def share(part: int, whole: int, lang: str) -> str:
    """'191/345 (55,4 %)': a count of a whole with its share."""
    pct = f" ({format_percent(part / whole, lang, 1)})" if whole else ""
    return f"{part}/{whole}{pct}"


def funding(source: str, lang: str) -> str:
    key = f"funding.{source}"
    text = t(lang, key)
    return source if text == key else text


def totals_sheet(plan: PlanResult, case: Case, lang: str) -> Sheet:
    totals = plan.totals
    needs = totals.get("needs", {})
    trained = totals.get("officials_trained", len({a.official_id for a in plan.assignments}))
    rows: list[list[object]] = [
        [t(lang, "plan.field.status"), t(lang, f"plan.status.{plan.status}")],
        [t(lang, "plan.term.trained"), share(int(trained), len(case.officials), lang)],
        [t(lang, "plan.term.assignments"), len(plan.assignments)],
        [t(lang, "plan.term.sessions"), int(totals.get("sessions_running", 0))],
    ]
    everything = needs.get("all")
    if everything:
        rows.append(
            [t(lang, "plan.term.needs_met"), share(everything["met"], everything["total"], lang)]
        )
    rows.extend(
        [
            t(lang, "plan.term.needs_met_kind", kind=t(lang, f"kind.{kind}")),
            share(needs[kind]["met"], needs[kind]["total"], lang),
        ]
        for kind in KINDS
        if kind in needs
    )
    budget = sum(int(v) for by in totals.get("budget", {}).values() for v in by.values())
    rows.append([t(lang, "plan.term.cost"), _money(int(totals.get("cost_total", 0)), lang)])
    rows.append([t(lang, "plan.term.budget"), _money(budget, lang)])
    return Sheet(
        t(lang, "plan.table.totals"),
        [Column(t(lang, "plan.table.item")), Column(t(lang, "plan.table.value"))],
        rows,
    )


def _money(amount: int, lang: str) -> str:
    return format_vnd(amount, lang)


def budget_sheet(plan: PlanResult, lang: str) -> Sheet:
    cost = plan.totals.get("cost", {})
    budget = plan.totals.get("budget", {})
    rows: list[list[object]] = []
    for year in sorted(set(cost) | set(budget), key=str):
        spent_by, given_by = cost.get(year, {}), budget.get(year, {})
        for source in sorted(set(spent_by) | set(given_by)):
            spent, given = int(spent_by.get(source, 0)), int(given_by.get(source, 0))
            rows.append([str(year), funding(source, lang), given, spent, given - spent])
    return Sheet(
        t(lang, "plan.term.budget_title"),
        [
            Column(t(lang, "plan.table.year")),
            Column(t(lang, "plan.table.source")),
            Column(t(lang, "plan.term.given"), "int"),
            Column(t(lang, "plan.term.spent"), "int"),
            Column(t(lang, "plan.term.left"), "int"),
        ],
        rows,
    )


def units_sheet(plan: PlanResult, case: Case, lang: str) -> Sheet:
    unit_of = {o.id: o.unit for o in case.officials}
    staff = Counter(unit_of.values())
    trained: dict[str, set[str]] = defaultdict(set)
    cost: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for a in plan.assignments:
        unit = unit_of.get(a.official_id, "")
        trained[unit].add(a.official_id)
        cost[unit] += a.cost
        met[unit] += len(a.needs)
    unmet = Counter(unit_of.get(u.official_id, "") for u in plan.unmet)
    rows: list[list[object]] = [
        [
            unit,
            staff[unit],
            len(trained[unit]),
            share(met[unit], met[unit] + unmet[unit], lang),
            cost[unit],
        ]
        for unit in sorted(staff, key=fold)
    ]
    return Sheet(
        t(lang, "plan.term.units_title"),
        [
            Column(t(lang, "plan.term.unit")),
            Column(t(lang, "plan.term.staff"), "int"),
            Column(t(lang, "plan.term.trained_short"), "int"),
            Column(t(lang, "plan.term.needs_met_short")),
            Column(t(lang, "plan.term.unit_cost"), "int"),
        ],
        rows,
    )


def causes_sheet(plan: PlanResult, lang: str) -> Sheet:
    needs = Counter(u.cause for u in plan.unmet)
    people: dict[str, set[str]] = defaultdict(set)
    for u in plan.unmet:
        people[u.cause].add(u.official_id)
    rows: list[list[object]] = [
        [t(lang, f"optimise.cause.{cause}"), count, len(people[cause])]
        for cause, count in sorted(needs.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return Sheet(
        t(lang, "plan.term.causes_title"),
        [
            Column(t(lang, "plan.table.cause")),
            Column(t(lang, "plan.term.need_count"), "int"),
            Column(t(lang, "plan.term.official_count"), "int"),
        ],
        rows,
    )


def summary_sheets(plan: PlanResult, case: Case, lang: str) -> list[Sheet]:
    """The default terminal output: what the plan achieves and costs, per unit and per cause."""
    sheets = [totals_sheet(plan, case, lang), budget_sheet(plan, lang)]
    sheets.append(units_sheet(plan, case, lang))
    if plan.unmet:
        sheets.append(causes_sheet(plan, lang))
    return sheets


def detail_sheets(plan: PlanResult, case: Case, lang: str) -> list[Sheet]:
    """`--details`: every assignment and every unmet need, by name."""
    names = Names.of(case)
    officials = {o.id: o for o in case.officials}

    def who(official_id: str) -> str:
        official = officials.get(official_id)
        return f"{official.full_name} ({official.unit})" if official else official_id

    assignments = Sheet(
        t(lang, "plan.table.assignments"),
        [
            Column(t(lang, "plan.table.official")),
            Column(t(lang, "plan.table.course")),
            Column(t(lang, "plan.table.session")),
            Column(t(lang, "plan.table.start"), "date"),
            Column(t(lang, "plan.table.cost"), "int"),
        ],
        [
            [who(a.official_id), names.course(a.course, lang), a.session, _day(a.start), a.cost]
            for a in plan.assignments
        ],
    )
    unmet = Sheet(
        t(lang, "plan.table.unmet"),
        [
            Column(t(lang, "plan.table.official")),
            Column(t(lang, "plan.table.need")),
            Column(t(lang, "plan.table.cause")),
            Column(t(lang, "plan.table.detail")),
        ],
        [
            [
                who(u.official_id),
                names.need(u.need, lang),
                t(lang, f"optimise.cause.{u.cause}"),
                render(lang, u.detail),
            ]
            for u in plan.unmet
        ],
    )
    return [assignments, unmet]


def _day(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None


__all__ = ["detail_sheets", "summary_sheets"]
