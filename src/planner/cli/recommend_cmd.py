"""`planner recommend CASE`: candidate courses per need, and the courses excluded with cause."""

from __future__ import annotations

from pathlib import Path

import click

from planner import pipeline
from planner.assess.needs import Assessment
from planner.cli import common
from planner.i18n import t
from planner.io.case import Case
from planner.recommend.candidates import Recommendations
from planner.report.names import set_case
from planner.report.recommendation import (
    overlaps_sheet,
    recommendation_json,
    recommendations_sheet,
    summary_line,
)


@click.command("recommend")
@common.case_argument
@click.option(
    "--official", "official_id", default=None, metavar="ID", help="Only this official's needs."
)
@common.format_option(("table", "json", "csv", "xlsx"))
@common.lang_option
@common.output_option
def command(case: Path, official_id: str | None, fmt: str, lang: str, output: Path | None) -> int:
    """Đề xuất khóa học theo nhu cầu / recommend courses for each need."""
    loaded = pipeline.load(case)
    set_case(loaded)  # names, not ids, in every sentence
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
        common.emit(recommendation_json(recs, lang), output, lang)
    elif fmt == "csv":
        common.emit_csv(
            recommendations_sheet(recs, loaded.officials, loaded.catalog, lang), output, lang
        )
    elif fmt == "xlsx":
        common.emit_workbook(
            [
                recommendations_sheet(recs, loaded.officials, loaded.catalog, lang),
                overlaps_sheet(recs, loaded.catalog, lang),
            ],
            output,
            lang,
        )
    else:
        _print_table(loaded, recs, lang, output)
    return 0


def _print_table(loaded: Case, recs: Recommendations, lang: str, output: Path | None) -> None:
    console = common.table_console(output, 200)
    names = {o.id: o for o in loaded.officials}
    table = common.case_table(
        lang, "table.recommend.title", loaded.config.name, recs.reference_date
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
    common.save_console(console, output, lang)
