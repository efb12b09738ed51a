"""`planner recommend CASE`: candidate courses per need, and the courses excluded with cause."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from planner import pipeline
from planner.assess.needs import Assessment
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
from planner.io.case import Case
from planner.recommend.candidates import Recommendations
from planner.report.recommendation import (
    overlaps_sheet,
    recommendation_json,
    recommendations_sheet,
    summary_line,
)
from planner.report.tabular import write_xlsx


@click.command("recommend")
@case_argument
@click.option(
    "--official", "official_id", default=None, metavar="ID", help="Only this official's needs."
)
@format_option(("table", "json", "csv", "xlsx"))
@lang_option
@output_option
def command(case: Path, official_id: str | None, fmt: str, lang: str, output: Path | None) -> int:
    """Đề xuất khóa học theo nhu cầu / recommend courses for each need."""
    loaded = pipeline.load(case)
    assessment = pipeline.assess(loaded)
    if official_id is not None:
        if official_id not in {o.id for o in loaded.officials}:
            raise click.BadParameter(
                t(lang, "cli.unknown_official", official=official_id), param_hint="--official"
            )
        assessment = Assessment(
            assessment.reference_date,
            1,
            [n for n in assessment.needs if n.official_id == official_id],
        )
    recs = pipeline.recommend(loaded, assessment)
    if fmt == "json":
        emit(recommendation_json(recs, lang), output, lang)
    elif fmt == "csv":
        emit_csv(recommendations_sheet(recs, loaded.officials, loaded.catalog, lang), output, lang)
    elif fmt == "xlsx":
        output = require_output(output, fmt)
        write_xlsx(
            output,
            [
                recommendations_sheet(recs, loaded.officials, loaded.catalog, lang),
                overlaps_sheet(recs, loaded.catalog, lang),
            ],
        )
        click.echo(t(lang, "cli.written", path=output), err=True)
    else:
        _print_table(loaded, recs, lang, output)
    return 0


def _print_table(loaded: Case, recs: Recommendations, lang: str, output: Path | None) -> None:
    console = Console(record=output is not None, width=200 if output else None)
    names = {o.id: o for o in loaded.officials}
    table = Table(
        title=t(
            lang,
            "table.recommend.title",
            name=loaded.config.name,
            date=format_date(recs.reference_date, lang),
        )
    )
    for header in ("table.official", "table.need", "table.candidates", "table.excluded"):
        table.add_column(t(lang, header))
    for rec in recs.recommendations:
        official = names[rec.official_id]
        candidates = "\n".join(f"{c.course} ({c.score})" for c in rec.candidates)
        excluded = "\n".join(f"{e.course}: {t(lang, f'cause.{e.cause}')}" for e in rec.excluded)
        table.add_row(f"{official.full_name} ({official.id})", rec.need, candidates, excluded)
    console.print(table)
    console.print(summary_line(recs, lang))
    if output:
        write_atomic(output, console.export_text())
        click.echo(t(lang, "cli.written", path=output), err=True)
