"""`planner validate CASE`: load and cross-check a case; print a one-line summary and warnings."""

from __future__ import annotations

from pathlib import Path

import click

from planner import pipeline
from planner.analysis.validation import case_warnings
from planner.cli.common import case_argument, lang_option
from planner.i18n import t
from planner.report.text import render


@click.command("validate")
@case_argument
@lang_option
def command(case: Path, lang: str) -> int:
    """Kiểm tra hồ sơ kế hoạch / check a case folder (exit 2 on the first error)."""
    # the notes of cells read in another form are among case_warnings: not logged as well
    loaded = pipeline.load(case, log_notes=False)
    click.echo(
        t(
            lang,
            "cli.valid",
            name=loaded.config.name,
            officials=len(loaded.officials),
            rules=len(loaded.framework.rules),
            courses=len(loaded.catalog.courses),
            history=len(loaded.history),
        )
    )
    for warning in case_warnings(loaded):
        click.echo(f"{t(lang, 'cli.warning')}: {render(warning, lang)}", err=True)
    return 0
