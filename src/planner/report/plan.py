"""Plan outputs: the Plan JSON (DESIGN §4), Excel sheets and the terminal tables; and the plan
read back from its JSON (`plan_from_json`) for `planner report`, which renders a saved plan to
every format without solving again.

The Plan JSON names the case folder it was made for (`case`, an absolute path): the report
reloads that case for what the JSON does not carry (names, course titles, sessions, the
assessment's needs with their references), never to solve. Reasons and causes are read as the
JSON has them, already in the language the plan was saved in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planner.domain.message import Message
from planner.errors import InfeasiblePlanError, PlannerError
from planner.i18n import format_decimal, format_int, format_percent, t
from planner.optimise.result import Assignment, PlanResult, Unmet
from planner.optimise.shortfall import Shortfall
from planner.report.plan_text import infeasible_facts, plan_dict, render
from planner.report.schemas import PlanOut, to_json
from planner.report.tabular import Column, Sheet


def plan_json(
    plan: PlanResult, lang: str, case: Path | None = None, named: tuple[Any, Any] | None = None
) -> str:
    """The Plan JSON; with `case`, the folder it was made for (so `planner report` finds it);
    with `named` (the case and assessment), reasons name courses and needs instead of ids.
    Needs left by a search stopped far from its bound carry the cause `solver_stopped`."""
    from planner.report.plan_report import with_names, with_true_causes

    plan = with_true_causes(plan)
    if named is not None:
        plan = with_names(plan, named[0], named[1], lang)
    data = plan_dict(plan, lang)
    if case is not None:
        data["case"] = Path(case).resolve().as_posix()
    return to_json(PlanOut, data)


def _text(value: str) -> Message:
    """A sentence already rendered (in the saved plan's language), as a message."""
    return Message("", {"text": value})


def plan_from_dict(data: dict[str, Any], source: str = "plan") -> PlanResult:
    """The `PlanResult` a Plan JSON describes (checked against the Plan JSON schema)."""
    from pydantic import ValidationError

    try:
        out = PlanOut.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise PlannerError(f"{source}: not a Plan JSON ({where}: {first.get('msg')})") from None
    if out.status == "infeasible" or out.objective is None or out.bound is None:
        raise PlannerError(f"{source}: the plan is infeasible; there is no plan to report")
    return PlanResult(
        status=out.status,
        objective=out.objective,
        bound=out.bound,
        gap=out.gap or 0.0,
        engine=out.engine,
        seed=out.seed,
        time_s=out.time_s,
        assignments=[
            Assignment(
                official_id=a.official_id,
                course=a.course,
                session=a.session,
                year=a.year,
                cost=a.cost,
                funding_source=a.funding_source,
                needs=tuple(a.needs),
                reason=_text(a.reason),
                start=a.start,
                end=a.end,
            )
            for a in out.assignments
        ],
        unmet=[
            Unmet(u.official_id, u.need, u.cause, _text(u.detail), u.kind, u.priority)
            for u in out.unmet
        ],
        # As saved (validated above): the typed models would turn nested totals into objects.
        totals=dict(data.get("totals") or {}),
        mode=out.mode,
        name=out.name,
        years=tuple(out.years),
        method=dict(data.get("method") or {}),
        options=dict(data.get("options") or {}),
        # status infeasible_rules: the rules the plan does not meet, with the remedy as saved
        shortfalls=tuple(
            Shortfall(f.rule, tuple(f.officials), f.count, _text(f.remedy), dict(f.causes))
            for f in out.shortfalls
        ),
    )


def read_json(path: Path) -> dict[str, Any]:
    """A saved JSON output read through the input boundary (a regular file within the JSON
    size limit, UTF-8), with a clear error naming the file and line when it is not JSON."""
    from planner.io.boundary import read_text
    from planner.io.limits import limits

    text = read_text(Path(path), limits().json_bytes, "JSON file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlannerError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise PlannerError(f"{path}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise PlannerError(f"{path}: expected a JSON object")
    return data


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
