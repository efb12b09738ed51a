"""`planner moodle export|import`: the competency framework as Moodle tool_lpimportcsv CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from planner.cli import common
from planner.i18n import t


@click.group("moodle")
def command() -> None:
    """Khung năng lực dạng CSV của Moodle / the competency framework as Moodle CSV."""


@command.command("export")
@click.option(
    "--rules",
    "rules",
    default="bundled",
    show_default=True,
    help="The rules folder (`bundled`: the package's rules/).",
)
@common.on_option("Proficiency as the rules in force on this date require (default: today).")
@click.option("--idnumber", default="planner-cbcc", show_default=True, help="Framework id number.")
@common.lang_option
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="CSV file.")
def export(rules: str, on: dt.datetime | None, idnumber: str, lang: str, output: Path) -> None:
    """Xuất khung năng lực cho Moodle / write the framework for Moodle's import."""
    from planner.interop.moodle import framework_to_moodle, write_moodle_csv
    from planner.io.atomic import write_atomic
    from planner.io.bundled import bundled_dir
    from planner.io.rules_loader import load_rules

    framework = load_rules(bundled_dir("rules") if rules == "bundled" else Path(rules))
    day = on.date() if on else dt.date.today()
    moodle = framework_to_moodle(framework, day, idnumber=idnumber, lang=lang)
    write_atomic(output, write_moodle_csv(moodle))
    click.echo(t(lang, "moodle.exported", count=len(moodle.competencies), path=output))


@command.command("import")
@click.argument("csv_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@common.lang_option
@common.output_option
def import_(csv_file: Path, lang: str, output: Path | None) -> None:
    """Đọc khung năng lực từ Moodle / read a Moodle framework as the `competencies:` of
    rules/vocabulary.yaml (the tree's leaves)."""
    from planner.interop.moodle import competencies_yaml, moodle_to_competencies, read_moodle_csv
    from planner.io.boundary import read_bytes
    from planner.io.limits import limits

    moodle = read_moodle_csv(read_bytes(csv_file, limits().table_bytes, "table file"), csv_file)
    competencies = moodle_to_competencies(moodle, csv_file)
    common.emit(competencies_yaml(competencies), output, lang)
    click.echo(t(lang, "moodle.imported", count=len(competencies), path=csv_file), err=True)
