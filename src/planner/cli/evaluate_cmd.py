"""`planner evaluate CASE`: did the training work? Per course and session, the four Kirkpatrick
levels where data exists (reaction, learning, behaviour, results), and the courses flagged
because their participants rarely reach the level the course claims to deliver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from planner import pipeline
from planner.analysis.evaluate import Evaluation, EvaluationSettings, evaluate_case
from planner.cli.common import (
    case_argument,
    emit,
    format_option,
    lang_option,
    output_option,
    require_output,
)
from planner.i18n import t
from planner.io.atomic import write_atomic
from planner.report.evaluation import (
    all_sheets,
    cards,
    courses_sheet,
    evaluation_json,
    evaluation_page,
    rendered,
    results_sheet,
    title,
)
from planner.report.html import format_cell, write_page
from planner.report.tabular import Sheet, to_csv, write_csv, write_xlsx

_DEFAULTS = EvaluationSettings()


@click.command("evaluate")
@case_argument
@click.option(
    "--year",
    type=int,
    default=None,
    help="Evaluate only the training completed in this year (default: all history up "
    "to the reference date).",
)
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Evaluate as of this date (YYYY-MM-DD) instead of the case's reference_date.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=_DEFAULTS.min_share_reaching_target,
    show_default=True,
    help="Flag a course when fewer than this share of its measured participants reach "
    "the level it claims to deliver.",
)
@click.option(
    "--min-measured",
    type=click.IntRange(1),
    default=_DEFAULTS.min_measured_to_flag,
    show_default=True,
    help="Fewest measured participants before a course is flagged.",
)
@format_option(("table", "json", "csv", "xlsx", "html"))
@lang_option
@output_option
def command(
    case: Path,
    year: int | None,
    on: dt.datetime | None,
    threshold: float,
    min_measured: int,
    fmt: str,
    lang: str,
    output: Path | None,
) -> int:
    """Đánh giá sau đào tạo, bồi dưỡng / evaluate training after it took place."""
    loaded = pipeline.load(case)
    settings = EvaluationSettings(
        min_share_reaching_target=threshold, min_measured_to_flag=min_measured
    )
    evaluation = rendered(
        evaluate_case(loaded, year=year, settings=settings, on=on.date() if on else None), lang
    )
    if fmt == "json":
        emit(evaluation_json(evaluation, lang), output, lang)
    elif fmt == "csv":
        sheet = courses_sheet(evaluation, lang)
        if output:
            write_csv(output, sheet)
            click.echo(t(lang, "cli.written", path=output), err=True)
        else:
            click.echo(to_csv(sheet), nl=False)
    elif fmt in ("xlsx", "html"):
        output = require_output(output, fmt)
        if fmt == "xlsx":
            write_xlsx(output, all_sheets(evaluation, lang))
        else:
            write_page(output, evaluation_page(evaluation, lang))
        click.echo(t(lang, "cli.written", path=output), err=True)
    else:
        _print_table(evaluation, lang, output)
    return 0


def _print_table(evaluation: Evaluation, lang: str, output: Path | None) -> None:
    console = Console(record=output is not None, width=180 if output else None)
    console.print(f"[bold]{title(evaluation, lang)}[/bold]")
    console.print("  ·  ".join(f"{c.label}: {c.value}" for c in cards(evaluation, lang)))
    overview = courses_sheet(evaluation, lang)
    # The console keeps the columns a reader scans; the full sheet is in csv/xlsx/html.
    keep = [1, 2, 4, 5, 6, 7, 8, 9]
    console.print(_rich_table(overview, lang, keep))
    flagged = [c for c in evaluation.courses if c.flagged]
    for course in flagged:
        console.print(f"[red]⚠ {course.title}[/red]: {course.flag_reason}")
    if not evaluation.courses:
        console.print(t(lang, "evaluate.nothing"))
    results = results_sheet(evaluation, lang)
    if results.rows:
        console.print(_rich_table(results, lang, [0, 1, 3, 4, 5, 10, 11]))
        console.print(f"[italic]{evaluation.note}[/italic]")
    if output:
        write_atomic(output, console.export_text())
        click.echo(t(lang, "cli.written", path=output), err=True)


def _rich_table(sheet: Sheet, lang: str, keep: list[int]) -> Table:
    table = Table(title=sheet.title)
    for index in keep:
        column = sheet.columns[index]
        numeric = column.kind in ("int", "float", "vnd")
        table.add_column(column.header, justify="right" if numeric else "left", overflow="fold")
    for row in sheet.rows:
        table.add_row(*[format_cell(row[i], sheet.columns[i], lang)[0] for i in keep])
    return table
