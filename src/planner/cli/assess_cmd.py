"""`planner assess CASE`: every training need of every official, with its reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from planner import pipeline
from planner.cli.common import (
    case_argument,
    emit,
    emit_csv,
    format_option,
    lang_option,
    output_option,
    require_output,
)
from planner.i18n import format_date, t
from planner.io.atomic import write_atomic
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
from planner.report.tabular import Sheet, write_xlsx


@click.command("assess")
@case_argument
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Assess on this date (YYYY-MM-DD) instead of the case's reference_date.",
)
@format_option(("table", "json", "csv", "xlsx", "html"))
@lang_option
@output_option
def command(case: Path, on: dt.datetime | None, fmt: str, lang: str, output: Path | None) -> int:
    """Đánh giá nhu cầu đào tạo, bồi dưỡng / assess training needs."""
    loaded = pipeline.load(case)
    assessment = pipeline.assess(loaded, on.date() if on else None)
    if fmt == "json":
        emit(assessment_json(assessment, lang), output, lang)
    elif fmt == "csv":
        emit_csv(needs_sheet(assessment, loaded.officials, loaded.framework, lang), output, lang)
    elif fmt == "xlsx":
        output = require_output(output, fmt)
        tot = totals(assessment, loaded.officials)
        write_xlsx(
            output,
            [
                totals_sheet(tot, lang),
                kinds_sheet(tot, lang),
                needs_sheet(assessment, loaded.officials, loaded.framework, lang),
            ],
        )
        click.echo(t(lang, "cli.written", path=output), err=True)
    elif fmt == "html":
        output = require_output(output, fmt)
        from planner.report.assessment_html import write_assessment_html

        write_assessment_html(output, loaded, assessment, lang)
        click.echo(t(lang, "cli.written", path=output), err=True)
    else:
        _print_table(loaded, assessment, lang, output)
    return 0


def _print_table(loaded, assessment, lang: str, output: Path | None) -> None:  # type: ignore[no-untyped-def]
    console = Console(record=output is not None, width=160 if output else None)
    names = {o.id: o for o in loaded.officials}
    table = Table(
        title=t(
            lang,
            "table.assess.title",
            name=loaded.config.name,
            date=format_date(assessment.reference_date, lang),
        )
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
    tot = totals(assessment, loaded.officials)
    for sheet in (totals_sheet(tot, lang), kinds_sheet(tot, lang)):
        console.print(_rich_table(sheet))
    if output:
        write_atomic(output, console.export_text())
        click.echo(t(lang, "cli.written", path=output), err=True)


def _rich_table(sheet: Sheet) -> Table:
    table = Table(title=sheet.title)
    for column in sheet.columns:
        table.add_column(column.header, justify="right" if column.kind == "int" else "left")
    for index, row in enumerate(sheet.rows):
        table.add_row(*[str(v) for v in row], end_section=index == len(sheet.rows) - 2)
    return table
