"""`planner plan CASE`: who attends which session in which year, every unmet need explained."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from planner import pipeline
from planner.analysis.evaluate import case_effectiveness
from planner.cli import common
from planner.errors import InfeasiblePlanError
from planner.i18n import format_decimal, format_int, format_percent, t
from planner.optimise.result import PlanResult
from planner.optimise.solve import SolveConfig
from planner.report.plan import infeasible_dict, plan_json, plan_sheets
from planner.report.plan_text import infeasible_text, shortfall_lines
from planner.report.schemas import PlanOut, to_json


@click.command("plan")
@common.case_argument
@common.engine_option("auto, cpsat (OR-Tools CP-SAT), highs (HiGHS via MathOpt) or greedy.")
@common.time_limit_option("Seconds for the solver (CP-SAT: deterministic seconds).")
@common.seed_option("Random seed (same seed, same plan).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Solver threads (CP-SAT stays deterministic).",
)
@click.option(
    "--mode",
    type=click.Choice(("coverage", "cost")),
    default="coverage",
    show_default=True,
    help="coverage: most needs first, cost breaks ties; cost: a need "
    "is met only when worth its cost.",
)
@click.option(
    "--years",
    default=None,
    metavar="Y|Y1-Y2",
    help="Plan these years instead of the case's `years` (e.g. 2026 or 2026-2030).",
)
@click.option(
    "--weight-by-effectiveness",
    is_flag=True,
    default=False,
    help="Weight each course by its measured effectiveness (share of past participants "
    "reaching the target level, from the history's evaluation; courses without data "
    "count 1.0).",
)
@common.format_option(("table", "json", "xlsx", "html"))
@common.lang_option
@common.output_option
def command(
    case: Path,
    engine: str,
    time_limit: float,
    seed: int,
    workers: int,
    mode: str,
    years: str | None,
    weight_by_effectiveness: bool,
    fmt: str,
    lang: str,
    output: Path | None,
) -> int:
    """Lập kế hoạch đào tạo, bồi dưỡng tối ưu / plan who attends which session."""
    # the time limit is a promise end to end: start-up, imports and loading count
    started = common.command_started()
    prepared = pipeline.prepare(pipeline.load(case, parse_years(years) if years else None))
    share = pipeline.budget(time_limit, time.monotonic() - started, prepared, fmt)
    if share.spent > time_limit:  # said before solving, so the wait is not a surprise
        click.echo(
            t(
                lang,
                "plan.budget.over",
                spent=format_decimal(share.spent, lang),
                limit=format_decimal(time_limit, lang),
                solve=format_decimal(share.solve, lang),
            ),
            err=True,
        )
    console = Console(stderr=True)
    live = console.is_terminal and fmt == "table" or (console.is_terminal and output is not None)
    status = console.status(t(lang, "plan.progress", best="-", bound="-", time=0)) if live else None

    def progress(best: float | None, bound: float | None, elapsed: float) -> None:
        if status is not None:
            status.update(
                t(
                    lang,
                    "plan.progress",
                    best=format_int(round(best), lang) if best is not None else "-",
                    bound=format_int(round(bound), lang) if bound is not None else "-",
                    time=format_decimal(elapsed, lang),
                )
            )

    config = SolveConfig(
        engine=engine,
        time_limit=share.solve,
        seed=seed,
        workers=workers,
        mode=mode,
        weight_by_effectiveness=weight_by_effectiveness,
        effectiveness=case_effectiveness(prepared.case) if weight_by_effectiveness else None,
    )
    infeasible: InfeasiblePlanError | None = None
    try:
        if status is not None:
            with status:
                plan = pipeline.plan(prepared, config, progress)
        else:
            plan = pipeline.plan(prepared, config)
    except InfeasiblePlanError as error:
        best = getattr(error, "plan", None)
        if best is None:  # no plan at all (best effort off): the infeasibility alone
            if fmt == "json":
                data = infeasible_dict(
                    error,
                    lang,
                    engine=engine,
                    seed=seed,
                    mode=mode,
                    time_s=round(time.monotonic() - started, 3),
                )
                common.emit(to_json(PlanOut, data), output, lang)
            click.echo(f"{t(lang, 'cli.error')}: {infeasible_text(lang, error)}", err=True)
            raise click.exceptions.Exit(1) from None
        # status infeasible_rules: every output written, then exit 1 so scripts notice
        plan, infeasible = best, error
    if fmt == "json":
        common.emit(plan_json(plan, lang), output, lang)
    elif fmt in ("xlsx", "html"):
        output = common.require_output(output, fmt)
        # The reports a planner hands on: names, needs, budget, units (report/plan_report.py).
        from planner.report.plan_report import write_plan_html, write_plan_xlsx

        write = write_plan_xlsx if fmt == "xlsx" else write_plan_html
        write(output, prepared.case, plan, prepared.assessment, lang)
        common.say_written(output, lang)
    else:
        _print_table(plan, lang, output)
    if infeasible is not None:
        click.echo(f"{t(lang, 'cli.error')}: {infeasible_text(lang, infeasible)}", err=True)
        raise click.exceptions.Exit(1)
    return 0


def parse_years(text: str) -> list[int]:
    try:
        first, _, last = text.partition("-")
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected a year or a range such as 2026-2030", param_hint="--years"
        ) from None
    if not years:
        raise click.BadParameter(f"{text!r}: empty range", param_hint="--years")
    return years


def _print_table(plan: PlanResult, lang: str, output: Path | None) -> None:
    console = common.table_console(output, 200)
    console.print(
        t(lang, "plan.title", name=plan.name, status=t(lang, f"plan.status.{plan.status}"))
    )
    console.print(
        t(
            lang,
            "plan.summary",
            objective=format_int(plan.objective, lang),
            bound=format_int(plan.bound, lang),
            gap=format_percent(plan.gap, lang),
            engine=plan.engine,
            seed=plan.seed,
            time=format_decimal(plan.time_s, lang),
        )
    )
    for line in shortfall_lines(lang, plan):  # status infeasible_rules: first
        console.print(line)
    for sheet in plan_sheets(plan, lang):
        table = Table(title=sheet.title)
        for column in sheet.columns:
            table.add_column(
                column.header, justify="right" if column.kind in ("int", "vnd") else "left"
            )
        for row in sheet.rows:
            table.add_row(
                *[
                    format_int(v, lang)
                    if isinstance(v, int) and not isinstance(v, bool)
                    else str(v)
                    for v in row
                ]
            )
        console.print(table)
    common.save_console(console, output, lang)
