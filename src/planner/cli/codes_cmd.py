"""`planner codes KIND [--case CASE]`: the codes (and titles) the input tables accept."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli import common
from planner.report.codes import KINDS


@click.command("codes")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--case",
    "case",
    type=click.Path(path_type=Path),
    default=None,
    help="A case folder: its rules, catalog and units (default: the bundled rules and catalog).",
)
@common.format_option(("table", "csv"))
@common.lang_option
@common.output_option
def command(kind: str, case: Path | None, fmt: str, lang: str, output: Path | None) -> int:
    """Liệt kê mã và tên được chấp nhận / list the accepted codes and titles."""
    from planner.report.codes import code_sheet

    if case is not None:
        from planner import pipeline

        loaded = pipeline.load(case)
        framework, catalog, with_case = loaded.framework, loaded.catalog, loaded
    else:
        from planner.io.bundled import bundled_dir
        from planner.io.catalog_loader import load_catalog
        from planner.io.rules_loader import load_rules

        framework = load_rules(bundled_dir("rules"))
        catalog = load_catalog(bundled_dir("catalogs"), framework)
        with_case = None
    if kind == "units" and with_case is None:
        raise click.UsageError(common.t(lang, "codes.units_need_case"))
    sheet = code_sheet(kind, lang, framework, catalog, with_case)
    if fmt == "csv":
        common.emit_csv(sheet, output, lang)
        return 0
    console = common.table_console(output, 80)
    console.print(common.sheet_table(sheet, lang))
    common.save_console(console, output, lang)
    return 0
