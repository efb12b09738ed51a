"""`planner evaluate CASE`: did the training work? Per course and session, the four Kirkpatrick
levels where data exists (reaction, learning, behaviour, results), and the courses flagged
because their participants rarely reach the level the course claims to deliver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from planner import pipeline
from planner.analysis.evaluate import Evaluation, EvaluationSettings, evaluate_case
from planner.cli import common
from planner.i18n import t
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
from planner.report.html import write_page
from planner.report.names import set_case

_DEFAULTS = EvaluationSettings()


@click.command("evaluate")
@common.case_argument
@click.option(
    "--year",
    type=click.IntRange(common.YEAR_MIN, common.YEAR_MAX),
    default=None,
    help="Evaluate only the training completed in this year (default: all history up "
    "to the reference date).",
)
@common.on_option("Evaluate as of this date (YYYY-MM-DD) instead of the case's reference_date.")
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
    type=click.IntRange(1, 10**7),
    default=_DEFAULTS.min_measured_to_flag,
    show_default=True,
    help="Fewest measured participants before a course is flagged.",
)
@common.format_option(("table", "json", "csv", "xlsx", "html"))
@common.lang_option
@common.output_option
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
    set_case(loaded)  # names, not ids, in every sentence
    settings = EvaluationSettings(
        min_share_reaching_target=threshold, min_measured_to_flag=min_measured
    )
    evaluation = rendered(
        evaluate_case(loaded, year=year, settings=settings, on=on.date() if on else None), lang
    )
    if fmt == "json":
        common.emit(evaluation_json(evaluation, lang), output, lang)
    elif fmt == "csv":
        common.emit_csv(courses_sheet(evaluation, lang), output, lang)
    elif fmt == "xlsx":
        common.emit_workbook(all_sheets(evaluation, lang), output, lang)
    elif fmt == "html":
        output = common.require_output(output, fmt)
        write_page(output, evaluation_page(evaluation, lang))
        common.say_written(output, lang)
    else:
        _print_table(evaluation, lang, output)
    return 0


def _print_table(evaluation: Evaluation, lang: str, output: Path | None) -> None:
    console = common.table_console(output, 180)
    console.print(f"[bold]{title(evaluation, lang)}[/bold]")
    console.print("  ·  ".join(f"{c.label}: {c.value}" for c in cards(evaluation, lang)))
    overview = courses_sheet(evaluation, lang)
    # The console keeps the columns a reader scans; the full sheet is in csv/xlsx/html.
    keep = [1, 2, 4, 5, 6, 7, 8, 9]
    console.print(common.sheet_table(overview, lang, keep))
    flagged = [c for c in evaluation.courses if c.flagged]
    for course in flagged:
        console.print(f"[red]⚠ {course.title}[/red]: {course.flag_reason}")
    if not evaluation.courses:
        console.print(t(lang, "evaluate.nothing"))
    results = results_sheet(evaluation, lang)
    if results.rows:
        console.print(common.sheet_table(results, lang, [0, 1, 3, 4, 5, 10, 11]))
        console.print(f"[italic]{evaluation.note}[/italic]")
    common.save_console(console, output, lang)
