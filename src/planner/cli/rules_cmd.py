"""`planner rules --on DATE`: the requirements, parameters and legal texts in force on a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from planner.cli import common
from planner.i18n import format_date, t


@click.command("rules")
@common.on_option("List what is in force on this date (YYYY-MM-DD); default: today.")
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="A rules/ folder instead of the bundled one.",
)
@common.format_option(("table", "json", "html"))
@common.lang_option
@common.output_option
def command(
    on: dt.datetime | None, rules_dir: Path | None, fmt: str, lang: str, output: Path | None
) -> int:
    """Quy định đang có hiệu lực / the law in force on a date."""
    from planner.io.loading import bundled_dir, load_rules
    from planner.law.inforce import law_on
    from planner.report.rules_report import law_html, law_json, law_sheets

    day = on.date() if on else dt.date.today()
    law = law_on(load_rules(rules_dir or bundled_dir("rules")), day)
    if fmt == "json":
        common.emit(law_json(law, lang), output, lang)
    elif fmt == "html":
        common.emit(law_html(law, lang), common.require_output(output, fmt), lang)
    else:
        console = common.table_console(output, 200)
        console.print(t(lang, "rules.title", date=format_date(day, lang)))
        console.print(t(lang, "rules.confidence_legend"))
        for sheet in law_sheets(law, lang):
            console.print(common.sheet_table(sheet, lang))
        if law.not_in_force:
            console.print(t(lang, "rules.not_in_force", rules=", ".join(law.not_in_force)))
        common.save_console(console, output, lang)
    return 0
