"""`planner recommend CASE`: candidate courses per need, and the courses excluded with cause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from planner import pipeline
from planner.assess.needs import Assessment
from planner.cli import common
from planner.i18n import format_int, t
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
@click.option(
    "--details",
    is_flag=True,
    default=False,
    help="Table format: every official's needs with candidates and exclusions (the default is "
    "a summary per need).",
)
@common.format_option(("table", "json", "csv", "xlsx"))
@common.lang_option
@common.output_option
def command(
    case: Path, official_id: str | None, details: bool, fmt: str, lang: str, output: Path | None
) -> int:
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
    elif details:
        _print_table(loaded, recs, lang, output)
    else:
        _print_summary(loaded, recs, lang, output)
    return 0


def _print_summary(loaded: Case, recs: Recommendations, lang: str, output: Path | None) -> None:
    """One line per need, by name: how many officials have it, how many have a course that
    closes it, the course most offered, and the commonest reason a course is excluded."""
    from collections import Counter

    from planner.report.names import Names

    names = Names.of(loaded)
    by_need: dict[str, list[Any]] = {}
    for rec in recs.recommendations:
        by_need.setdefault(rec.need, []).append(rec)
    console = common.table_console(output, 80)
    table = common.case_table(
        lang, "table.recommend.title", loaded.config.name, recs.reference_date
    )
    for header in (
        "table.need",
        "recommend.col.officials",
        "recommend.col.with_course",
        "recommend.col.top_course",
        "recommend.col.top_exclusion",
    ):
        numeric = header in ("recommend.col.officials", "recommend.col.with_course")
        table.add_column(t(lang, header), justify="right" if numeric else "left")
    for need, recs_of_need in sorted(by_need.items(), key=lambda item: (-len(item[1]), item[0])):
        offered = Counter(c.course for r in recs_of_need for c in r.candidates)
        causes = Counter(e.cause for r in recs_of_need for e in r.excluded)
        table.add_row(
            names.need(need, lang),
            format_int(len(recs_of_need), lang),
            format_int(sum(1 for r in recs_of_need if r.candidates), lang),
            names.course(offered.most_common(1)[0][0], lang) if offered else "–",
            t(lang, f"cause.{causes.most_common(1)[0][0]}") if causes else "–",
        )
    console.print(table)
    console.print(summary_line(recs, lang))
    console.print(t(lang, "recommend.details_hint"))
    common.save_console(console, output, lang)


def _print_table(loaded: Case, recs: Recommendations, lang: str, output: Path | None) -> None:
    from planner.report.names import Names

    names_of = Names.of(loaded)
    console = common.table_console(output, 200)
    names = {o.id: o for o in loaded.officials}
    table = common.case_table(
        lang, "table.recommend.title", loaded.config.name, recs.reference_date
    )
    for header in ("table.official", "table.need", "table.candidates", "table.excluded"):
        table.add_column(t(lang, header))
    for rec in recs.recommendations:
        official = names[rec.official_id]
        candidates = "\n".join(
            f"{names_of.course(c.course, lang)} ({c.score})" for c in rec.candidates
        )
        excluded = "\n".join(
            f"{names_of.course(e.course, lang)}: {t(lang, f'cause.{e.cause}')}"
            for e in rec.excluded
        )
        table.add_row(
            f"{official.full_name} ({official.id})",
            names_of.need(rec.need, lang),
            candidates,
            excluded,
        )
    console.print(table)
    console.print(summary_line(recs, lang))
    common.save_console(console, output, lang)
