"""`planner plan CASE`: who attends which session in which year, every unmet need explained."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from planner import pipeline
from planner.analysis.evaluate import case_effectiveness
from planner.cli import common
from planner.errors import InfeasiblePlanError
from planner.i18n import format_decimal, format_int, format_percent, t
from planner.io.case import Case
from planner.optimise.result import PlanResult
from planner.optimise.solve import SolveConfig
from planner.report.names import Names, using
from planner.report.plan import infeasible_dict, plan_json
from planner.report.plan_terminal import detail_sheets, summary_sheets
from planner.report.plan_text import infeasible_text, shortfall_lines
from planner.report.schemas import PlanOut, to_json

# Above this gap the terminal says the plan may be far from the best one (issue 14, item 3).


@click.command("plan")
@common.case_argument
@common.engine_option("auto, cpsat (OR-Tools CP-SAT), highs (HiGHS via MathOpt) or greedy.")
@common.time_limit_option("Seconds for the solver (CP-SAT: deterministic seconds).")
@common.seed_option("Random seed (same seed, same plan).")
@click.option(
    "--workers",
    type=click.IntRange(1, common.JOBS_MAX),
    # two: the LP bounds run beside the neighbourhood search instead of before it (huong-khe
    # at the default limit: bound 2,811,325 instead of 2,839,126, and the search keeps its time)
    default=2,
    show_default=True,
    help="Solver threads; with 2 or more the LP bounds run beside the search "
    "(CP-SAT stays deterministic).",
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
@click.option(
    "--blocks",
    type=click.Choice(("province",)),
    default=None,
    help="A national case: plan each province as a block (units.csv `province`), sharing the "
    "academies' seats and the budget lines in the shares of the national relaxation; reports "
    "the gap to the national bound and checks the whole plan.",
)
@common.scheduler_option(
    "With --blocks: solve the provinces as tasks on this Dask scheduler (or `local`)."
)
@click.option(
    "--details",
    is_flag=True,
    default=False,
    help="Table format: also list every assignment and unmet need (the default is a summary).",
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
    blocks: str | None,
    scheduler: str | None,
    fmt: str,
    lang: str,
    output: Path | None,
    details: bool,
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
        if blocks is not None:
            plan = _plan_by_blocks(prepared, config, (scheduler or "").strip() or None, lang)
        elif status is not None:
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
    with using(Names.of(prepared.case)):  # titles instead of ids in every sentence
        if fmt == "json":
            common.emit(
                plan_json(plan, lang, case, (prepared.case, prepared.assessment)), output, lang
            )
        elif fmt in ("xlsx", "html"):
            output = common.require_output(output, fmt)
            # The reports a planner hands on: names, needs, budget, units (report/plan_report.py).
            from planner.report.plan_report import write_plan_html, write_plan_xlsx

            write = write_plan_xlsx if fmt == "xlsx" else write_plan_html
            write(output, prepared.case, plan, prepared.assessment, lang)
            common.say_written(output, lang)
        else:
            print_plan(plan, prepared.case, lang, output, details)
    if infeasible is not None:
        click.echo(f"{t(lang, 'cli.error')}: {infeasible_text(lang, infeasible)}", err=True)
        raise click.exceptions.Exit(1)
    return 0


def _plan_by_blocks(
    prepared: pipeline.Prepared, config: SolveConfig, scheduler: str | None, lang: str
) -> PlanResult:
    from planner.analysis.distributed import plan_national
    from planner.errors import InputError

    try:
        plan: PlanResult = plan_national(prepared, config, scheduler)
    except ValueError as error:
        raise InputError(str(error), path=prepared.case.folder, field="province") from None
    # The whole plan re-verified by the solver-free checker (`planner check`).
    report = pipeline.check(prepared, plan)
    info = plan.info["blocks"]
    click.echo(
        t(
            lang,
            "plan.blocks.done",
            provinces=info["provinces"],
            shared=info["shared_sessions"],
            objective=format_int(plan.objective, lang),
            bound=format_int(info["bound"], lang),
            gap=format_percent(plan.gap, lang),
            check=t(lang, "plan.blocks.check_ok" if report.ok else "plan.blocks.check_failed"),
        ),
        err=True,
    )
    if not report.ok:
        raise click.exceptions.Exit(3)
    return plan


def parse_years(text: str) -> list[int]:
    return common.year_range("--years")(text)


def print_plan(plan: PlanResult, case: Case, lang: str, output: Path | None, details: bool) -> None:
    """The plan on the terminal: a summary that fits the terminal (80 columns into a file), and
    with `details` every assignment and unmet need, by name (report/plan_terminal.py)."""
    console = common.table_console(output, 80)
    from planner.report.plan_report import gap_warning

    if warning := gap_warning(plan, lang):  # the solver stopped far from its bound: say so first
        console.print(f"[bold red]⚠ {warning}[/]")
    console.print(
        t(lang, "plan.title", name=plan.name, status=t(lang, f"plan.status.{plan.status}"))
    )
    # Two short lines rather than one that a narrow terminal would break mid-phrase.
    console.print(
        t(
            lang,
            "plan.term.objective",
            objective=format_int(plan.objective, lang),
            bound=format_int(plan.bound, lang),
            gap=format_percent(plan.gap, lang),
        )
    )
    console.print(
        t(
            lang,
            "plan.term.run",
            engine=plan.engine,
            seed=plan.seed,
            time=format_decimal(plan.time_s, lang),
        )
    )
    for line in shortfall_lines(lang, plan):  # status infeasible_rules: before the tables
        console.print(line)
    sheets = summary_sheets(plan, case, lang)
    if details:
        sheets += detail_sheets(plan, case, lang)
    for sheet in sheets:
        console.print(common.sheet_table(sheet, lang))
    if not details:
        console.print(t(lang, "plan.term.details_hint"))
    common.save_console(console, output, lang)
