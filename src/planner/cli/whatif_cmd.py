"""`planner whatif CASE --scenario a.yaml --budget-scale 0.5:1.5:0.1`: plan every variant (in
parallel), compare it with the baseline, and say what one more million VND buys."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from planner import pipeline
from planner.analysis.scenario import apply_scenario, budget_scale_scenarios, load_scenario
from planner.analysis.whatif import Outcome, WhatIf, WhatIfSettings, run_whatif, variants_from
from planner.cli import common
from planner.i18n import format_decimal, t
from planner.optimise.work import GUARD_EXTRA_S, GUARD_FACTOR
from planner.report.html import format_number
from planner.report.names import set_case


class WorkLimit(click.ParamType):
    """`--work-limit`: auto, clock, or a positive number of work units."""

    name = "auto|clock|N"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | str:
        text = str(value).strip().lower()
        if text in ("auto", "clock"):
            return text
        if not (text.isdigit() and int(text) >= 1):
            self.fail(f"{value!r}: auto, clock or a whole number ≥ 1", param, ctx)
        return int(text)


@click.command("whatif")
@common.case_argument
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A scenario YAML file of changes to the case (repeatable).",
)
@click.option(
    "--budget-scale",
    default=None,
    metavar="START:STOP:STEP",
    help="A budget sweep: every budget line scaled by START, START+STEP, …, STOP.",
)
@common.engine_option()
@common.time_limit_option("Solver seconds per variant.")
@common.seed_option()
@click.option(
    "--jobs",
    type=click.IntRange(1, common.JOBS_MAX),
    default=None,
    help="Variants solved at once (default: min(cores, variants)); 1 = one after another.",
)
@click.option(
    "--probes",
    type=click.IntRange(0, 1000),
    default=6,
    show_default=True,
    help="Budget lines probed for what one more million buys (0: none).",
)
@click.option(
    "--probe-amount",
    type=click.IntRange(1, 10**15),
    default=None,
    help="VND added to a probed line (default: enough for one more need, ≥10 % of the line).",
)
@common.scheduler_option(
    "Run the variants on a Dask cluster (`dask scheduler` / `dask worker`), or `local` "
    "for a LocalCluster of --jobs workers; default: a local process pool. Env: PLANNER_SCHEDULER."
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to reach the --scheduler before giving up (exit 2).",
)
@click.option(
    "--work-limit",
    type=WorkLimit(),
    default="auto",
    show_default=True,
    help="How each variant stops: auto, on work sized for --time-limit (search rounds, "
    f"iterations, nodes), stopped by the clock only at {GUARD_FACTOR:g}× the limit + "
    f"{GUARD_EXTRA_S:g} s; N, on that much work; clock, on the clock at --time-limit. "
    "auto and N give the same plans in parallel, on a cluster and on a loaded machine as one "
    "after another.",
)
@click.option(
    "--prices/--no-prices",
    default=True,
    show_default=True,
    help="The LP relaxation's prices of the baseline: points one more million VND on each "
    "budget line, or one more seat, adds (one LP, at most --time-limit more).",
)
@common.format_option(("table", "json", "xlsx", "html"))
@common.lang_option
@common.output_option
def command(
    case: Path,
    scenarios: tuple[Path, ...],
    budget_scale: str | None,
    engine: str,
    time_limit: float,
    seed: int,
    jobs: int | None,
    probes: int,
    probe_amount: int | None,
    scheduler: str | None,
    connect_timeout: float,
    work_limit: int | str,
    prices: bool,
    fmt: str,
    lang: str,
    output: Path | None,
) -> int:
    """Kịch bản giả định / what-if: plan changed copies of the case and compare them."""
    if not scenarios and not budget_scale:
        raise click.UsageError(t(lang, "whatif.cli.nothing"))
    if fmt in ("xlsx", "html"):
        output = common.require_output(output, fmt)
    loaded = pipeline.load(case)
    set_case(loaded)  # names, not ids, in every sentence
    files = [(load_scenario(path), str(path)) for path in scenarios]
    for scenario, path in files:
        apply_scenario(loaded, scenario, path)  # a broken scenario stops here, before any solve
    sweep = budget_scale_scenarios(budget_scale) if budget_scale else []
    variants = variants_from(files, sweep)
    settings = WhatIfSettings(
        engine=engine,
        time_limit=time_limit,
        seed=seed,
        jobs=jobs,
        probes=probes,
        probe_amount=probe_amount,
        work_limit=work_limit if isinstance(work_limit, int) else None,
        clock=work_limit == "clock",
        prices=prices,
    )
    scheduler = (scheduler or "").strip() or None
    result = _run(loaded, variants, settings, lang, scheduler, connect_timeout)
    if fmt == "json":
        from planner.report.whatif_report import whatif_json

        common.emit(whatif_json(result, lang), output, lang)
    elif fmt in ("xlsx", "html"):
        output = common.require_output(output, fmt)  # checked before solving; this narrows the type
        from planner.report.whatif_report import write_whatif_html, write_whatif_xlsx

        write = write_whatif_xlsx if fmt == "xlsx" else write_whatif_html
        write(output, result, lang)
        common.say_written(output, lang)
    else:
        _print_table(result, lang, output)
    click.echo(
        t(
            lang,
            "whatif.cli.done" if scheduler is None else "whatif.cli.done_dask",
            runs=result.runs,
            wall=format_number(result.wall_s, lang, 1),
            jobs=result.jobs,
            scheduler=scheduler,
        ),
        err=True,
    )
    if result.reruns:
        reruns = ", ".join(f"{name} ×{n}" for name, n in sorted(result.reruns.items()))
        click.echo(t(lang, "whatif.cli.reruns", variants=reruns), err=True)
    return 0


def _run(  # type: ignore[no-untyped-def]
    case, variants, settings: WhatIfSettings, lang: str, scheduler: str | None, timeout: float
) -> WhatIf:
    from planner.report.whatif_report import variant_label

    executor = None
    state_fields: dict[str, str] = {"state": ""}

    def state(done: int, running: int, failed: int, total: int) -> None:
        state_fields["state"] = t(
            lang, "whatif.progress_state", done=done, running=running, failed=failed
        )
        if task is not None:
            progress.update(task, state=state_fields["state"])

    task = None
    if scheduler is not None:
        # Only here: the single-machine default never imports dask.
        from planner.analysis.distributed import executor_for

        executor = executor_for(scheduler, state, timeout)
    console = Console(stderr=True)
    if not console.is_terminal:
        return run_whatif(case, variants, settings, executor=executor)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[state]}"),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=False,
    )
    task = progress.add_task(t(lang, "whatif.progress"), total=len(variants) + 1, last="", state="")

    def done(outcome: Outcome, count: int, total: int) -> None:
        met, all_needs = outcome.needs.get("all", (0, 0))
        progress.update(
            task,
            completed=count,
            total=total,
            last=t(
                lang,
                "whatif.progress_last",
                variant=variant_label(outcome, lang),
                status=t(lang, f"plan.status.{outcome.status}"),
                met=met,
                total=all_needs,
                time=format_decimal(outcome.time_s, lang),
            ),
        )

    with progress:
        return run_whatif(case, variants, settings, on_done=done, executor=executor)


def _print_table(result: WhatIf, lang: str, output: Path | None) -> None:
    from planner.report.whatif_report import (
        console_marginal_sheet,
        console_sheet,
        describe_scenario,
        notes,
        title_line,
        variant_label,
    )

    console = common.table_console(output, 160)
    console.print(f"[bold]{title_line(result, lang)}[/bold]")
    console.print(common.sheet_table(console_sheet(result, lang), lang))
    for outcome in result.variants:
        if outcome.variant.kind == "scenario":
            described = describe_scenario(outcome.variant.scenario, lang)
            console.print(f"• {variant_label(outcome, lang)}: {described}")
    marginal = console_marginal_sheet(result, lang)
    if marginal.rows:
        console.print(common.sheet_table(marginal, lang))
    for line in notes(result, lang):
        console.print(f"[italic]{line}[/italic]")
    common.save_console(console, output, lang)
