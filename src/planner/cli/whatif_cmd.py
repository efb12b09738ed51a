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
from rich.table import Table

from planner.analysis.scenario import apply_scenario, budget_scale_scenarios, load_scenario
from planner.analysis.whatif import Outcome, WhatIf, WhatIfSettings, run_whatif, variants_from
from planner.cli.common import (
    case_argument,
    emit,
    format_option,
    lang_option,
    output_option,
    require_output,
)
from planner.i18n import format_decimal, t
from planner.io.loading import load_case
from planner.optimise.solve import ENGINES
from planner.report.html import format_cell, format_number
from planner.report.tabular import Sheet


@click.command("whatif")
@case_argument
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
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Solver seconds per variant.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Variants solved at once (default: min(cores, variants)); 1 = one after another.",
)
@click.option(
    "--probes",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="Budget lines probed for what one more million buys (0: none).",
)
@click.option(
    "--probe-amount",
    type=click.IntRange(min=1),
    default=None,
    help="VND added to a probed line (default: enough for one more need, ≥10 % of the line).",
)
@format_option(("table", "json", "xlsx", "html"))
@lang_option
@output_option
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
    fmt: str,
    lang: str,
    output: Path | None,
) -> int:
    """Kịch bản giả định / what-if: plan changed copies of the case and compare them."""
    if not scenarios and not budget_scale:
        raise click.UsageError(t(lang, "whatif.cli.nothing"))
    if fmt in ("xlsx", "html"):
        output = require_output(output, fmt)
    loaded = load_case(case)
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
    )
    result = _run(loaded, variants, settings, lang)
    if fmt == "json":
        from planner.report.whatif_report import whatif_json

        emit(whatif_json(result, lang), output, lang)
    elif fmt == "xlsx":
        from planner.report.whatif_report import write_whatif_xlsx

        write_whatif_xlsx(output, result, lang)  # type: ignore[arg-type]
        click.echo(t(lang, "cli.written", path=output), err=True)
    elif fmt == "html":
        from planner.report.whatif_report import write_whatif_html

        write_whatif_html(output, result, lang)  # type: ignore[arg-type]
        click.echo(t(lang, "cli.written", path=output), err=True)
    else:
        _print_table(result, lang, output)
    click.echo(
        t(
            lang,
            "whatif.cli.done",
            runs=result.runs,
            wall=format_number(result.wall_s, lang, 1),
            jobs=result.jobs,
        ),
        err=True,
    )
    return 0


def _run(case, variants, settings: WhatIfSettings, lang: str) -> WhatIf:  # type: ignore[no-untyped-def]
    from planner.report.whatif_report import variant_label

    console = Console(stderr=True)
    if not console.is_terminal:
        return run_whatif(case, variants, settings)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=False,
    )
    task = progress.add_task(t(lang, "whatif.progress"), total=len(variants) + 1, last="")

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
        return run_whatif(case, variants, settings, on_done=done)


def _print_table(result: WhatIf, lang: str, output: Path | None) -> None:
    from planner.report.whatif_report import (
        console_marginal_sheet,
        console_sheet,
        describe_scenario,
        notes,
        title_line,
        variant_label,
    )

    console = Console(record=output is not None, width=160 if output else None)
    console.print(f"[bold]{title_line(result, lang)}[/bold]")
    console.print(_rich_table(console_sheet(result, lang), lang))
    for outcome in result.variants:
        if outcome.variant.kind == "scenario":
            described = describe_scenario(outcome.variant.scenario, lang)
            console.print(f"• {variant_label(outcome, lang)}: {described}")
    marginal = console_marginal_sheet(result, lang)
    if marginal.rows:
        console.print(_rich_table(marginal, lang))
    for line in notes(result, lang):
        console.print(f"[italic]{line}[/italic]")
    if output:
        from planner.io.atomic import write_atomic

        write_atomic(output, console.export_text())
        click.echo(t(lang, "cli.written", path=output), err=True)


def _rich_table(sheet: Sheet, lang: str, skip: set[int] = frozenset()) -> Table:  # type: ignore[assignment]
    table = Table(title=sheet.title)
    keep = [i for i in range(len(sheet.columns)) if i not in skip]
    for i in keep:
        column = sheet.columns[i]
        table.add_column(
            column.header,
            justify="right" if column.kind in ("int", "vnd", "float") else "left",
            overflow="fold",
        )
    for row in sheet.rows:
        table.add_row(*[format_cell(row[i], sheet.columns[i], lang)[0] for i in keep])
    return table
