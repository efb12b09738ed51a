"""`planner template officials -o FILE.xlsx`: an officials workbook to fill in, with Vietnamese
headers and drop-down lists of the accepted values."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli import common


@click.command("template")
@click.argument("kind", type=click.Choice(("officials",)))
@click.option(
    "--case",
    "case",
    type=click.Path(path_type=Path),
    default=None,
    help="A case folder whose rules (positions, competencies) the lists follow (default: bundled).",
)
@common.lang_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write (atomically).",
)
def command(kind: str, case: Path | None, lang: str, output: Path) -> int:
    """Tạo mẫu bảng cán bộ (.xlsx) có danh sách chọn / write an officials template workbook."""
    from planner.report.officials_template import write_officials_template

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(common.t(lang, "cli.needs_output", fmt="xlsx"))
    if case is not None:
        from planner import pipeline

        framework = pipeline.load(case).framework
    else:
        from planner.io.bundled import bundled_dir
        from planner.io.rules_loader import load_rules

        framework = load_rules(bundled_dir("rules"))
    write_officials_template(output, framework)
    common.say_written(output, lang)
    return 0
