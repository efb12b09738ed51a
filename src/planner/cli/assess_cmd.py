"""`planner assess CASE`: every training need of every official, with its reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from planner import pipeline
from planner.cli import common
from planner.i18n import format_date, t
from planner.report.assessment import (
    assessment_json,
    describe_current,
    describe_need,
    describe_target,
    kinds_sheet,
    needs_sheet,
    totals,
    totals_sheet,
)
from planner.report.names import set_case
from planner.report.tabular import Sheet


@click.command("assess")
@common.case_argument
@common.on_option("Assess on this date (YYYY-MM-DD) instead of the case's reference_date.")
@click.option(
    "--details",
    is_flag=True,
    default=False,
    help="Table format: also list every need (the default is the totals).",
)
@common.format_option(("table", "json", "csv", "xlsx", "html"))
@common.lang_option
@common.output_option
def command(
    case: Path, on: dt.datetime | None, details: bool, fmt: str, lang: str, output: Path | None
) -> int:
    """Đánh giá nhu cầu đào tạo, bồi dưỡng / assess training needs."""
    loaded = pipeline.load(case)
    set_case(loaded)  # names, not ids, in every sentence
    assessment = pipeline.assess(loaded, on.date() if on else None)
    if fmt == "json":
        common.emit(assessment_json(assessment, lang), output, lang)
    elif fmt == "csv":
        common.emit_csv(
            needs_sheet(assessment, loaded.officials, loaded.framework, lang), output, lang
        )
    elif fmt == "xlsx":
        tot = totals(assessment, loaded.officials)
        common.emit_workbook(
            [
                totals_sheet(tot, lang),
                kinds_sheet(tot, lang),
                needs_sheet(assessment, loaded.officials, loaded.framework, lang),
            ],
            output,
            lang,
        )
    elif fmt == "html":
        output = common.require_output(output, fmt)
        from planner.report.assessment_html import write_assessment_html

        write_assessment_html(output, loaded, assessment, lang)
        common.say_written(output, lang)
    else:
        _print_table(loaded, assessment, lang, output, details)
    return 0


def _print_table(loaded, assessment, lang: str, output: Path | None, details: bool) -> None:  # type: ignore[no-untyped-def]
    """The totals per unit and kind by default (they fit the terminal); `details` first lists
    every need."""
    console = common.table_console(output, 160 if details else 80)
    if details:
        _print_needs(console, loaded, assessment, lang)
    tot = totals(assessment, loaded.officials)
    for sheet in (totals_sheet(tot, lang), kinds_sheet(tot, lang)):
        console.print(_rich_table(sheet))
    if not details:
        console.print(t(lang, "assess.details_hint"))
    common.save_console(console, output, lang)


def _print_needs(console, loaded, assessment, lang: str) -> None:  # type: ignore[no-untyped-def]
    names = {o.id: o for o in loaded.officials}
    table = common.case_table(
        lang, "table.assess.title", loaded.config.name, assessment.reference_date
    )
    for header in (
        "table.official",
        "table.unit",
        "table.need",
        "table.target",
        "table.current",
        "table.priority",
        "table.deadline",
        "table.reference",
    ):
        table.add_column(t(lang, header), overflow="fold")
    for need in assessment.needs:
        official = names[need.official_id]
        table.add_row(
            f"{official.full_name} ({official.id})",
            official.unit,
            describe_need(need, loaded.framework, lang),
            describe_target(need, lang),
            describe_current(need, lang),
            str(need.priority),
            format_date(need.deadline, lang) + (" ⚠" if need.overdue else ""),
            need.reference.title,
        )
    console.print(table)


def _rich_table(sheet: Sheet) -> Table:
    table = Table(title=sheet.title)
    for column in sheet.columns:
        table.add_column(column.header, justify="right" if column.kind == "int" else "left")
    for index, row in enumerate(sheet.rows):
        table.add_row(*[str(v) for v in row], end_section=index == len(sheet.rows) - 2)
    return table
