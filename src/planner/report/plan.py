"""Plan outputs: the Plan JSON (DESIGN §4), Excel sheets and the terminal tables."""

from __future__ import annotations

from typing import Any

from planner.errors import InfeasiblePlanError
from planner.i18n import format_decimal, format_int, format_percent, t
from planner.optimise.result import PlanResult
from planner.report.plan_text import infeasible_facts, plan_dict, render
from planner.report.schemas import PlanOut, to_json
from planner.report.tabular import Column, Sheet


def plan_json(plan: PlanResult, lang: str) -> str:
    return to_json(PlanOut, plan_dict(plan, lang))


def infeasible_dict(
    error: InfeasiblePlanError, lang: str, *, engine: str, seed: int, time_s: float, mode: str
) -> dict[str, Any]:
    """The Plan JSON of an infeasible case: which rule, whom, and what would make it feasible."""
    return {
        "status": "infeasible",
        "objective": None,
        "bound": None,
        "gap": None,
        "engine": engine,
        "seed": seed,
        "time_s": time_s,
        "mode": mode,
        "assignments": [],
        "unmet": [],
        "totals": {},
        "infeasible": infeasible_facts(lang, error),
    }


def assignments_sheet(plan: PlanResult, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "plan.table.official")),
        Column(t(lang, "plan.table.course")),
        Column(t(lang, "plan.table.session")),
        Column(t(lang, "plan.table.year"), "int"),
        Column(t(lang, "plan.table.start")),
        Column(t(lang, "plan.table.end")),
        Column(t(lang, "plan.table.cost"), "vnd"),
        Column(t(lang, "plan.table.source")),
        Column(t(lang, "plan.table.needs"), width=40),
        Column(t(lang, "plan.table.reason"), width=80),
    ]
    rows = [
        [
            a.official_id,
            a.course,
            a.session,
            a.year,
            a.start,
            a.end,
            a.cost,
            a.funding_source,
            ", ".join(a.needs),
            render(lang, a.reason),
        ]
        for a in plan.assignments
    ]
    return Sheet(t(lang, "plan.table.assignments"), columns, rows)


def unmet_sheet(plan: PlanResult, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "plan.table.official")),
        Column(t(lang, "plan.table.need")),
        Column(t(lang, "plan.table.cause")),
        Column(t(lang, "plan.table.detail"), width=100),
    ]
    rows = [
        [u.official_id, u.need, t(lang, f"optimise.cause.{u.cause}"), render(lang, u.detail)]
        for u in plan.unmet
    ]
    return Sheet(t(lang, "plan.table.unmet"), columns, rows)


def totals_rows(plan: PlanResult, lang: str) -> list[list[Any]]:
    fields: list[tuple[str, Any]] = [
        ("status", t(lang, f"plan.status.{plan.status}")),
        ("objective", format_int(plan.objective, lang)),
        ("bound", format_int(plan.bound, lang)),
        ("gap", format_percent(plan.gap, lang)),
        ("engine", plan.engine),
        ("seed", plan.seed),
        ("time_s", format_decimal(plan.time_s, lang)),
    ]
    rows: list[list[Any]] = [[t(lang, f"plan.field.{key}"), value] for key, value in fields]
    totals = plan.totals
    budget = totals.get("budget", {})
    for year in sorted(set(totals.get("cost", {})) | set(budget)):
        sources = sorted(set(totals.get("cost", {}).get(year, {})) | set(budget.get(year, {})))
        for source in sources:
            spent = totals.get("cost", {}).get(year, {}).get(source, 0)
            rows.append(
                [
                    f"{t(lang, 'plan.table.spent')} {year} {source}",
                    f"{format_int(spent, lang)} / "
                    f"{format_int(budget.get(year, {}).get(source, 0), lang)}",
                ]
            )
    for kind, entry in sorted(totals.get("needs", {}).items()):
        rows.append([f"{t(lang, 'plan.table.met')} {kind}", f"{entry['met']} / {entry['total']}"])
    return rows


def totals_sheet(plan: PlanResult, lang: str) -> Sheet:
    return Sheet(
        t(lang, "plan.table.totals"),
        [Column(t(lang, "plan.table.item")), Column(t(lang, "plan.table.value"))],
        totals_rows(plan, lang),
    )


def plan_sheets(plan: PlanResult, lang: str) -> list[Sheet]:
    return [totals_sheet(plan, lang), assignments_sheet(plan, lang), unmet_sheet(plan, lang)]
