"""`planner check CASE PLAN.json`: re-verify a plan against every hard rule, without a solver.

A plan of status `infeasible_rules` declares its shortfalls: the check lists exactly those when
they are all it finds (exit 1: the plan still does not meet every hard rule), and says so when
the plan declares other shortfalls than it finds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from planner import pipeline
from planner.analysis.evaluate import case_effectiveness
from planner.cli.common import case_argument, lang_option
from planner.errors import InputError
from planner.i18n import format_int, t
from planner.report.plan_text import violation_text


@click.command("check")
@case_argument
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(path_type=Path, dir_okay=False))
@lang_option
def command(case: Path, plan_file: Path, lang: str) -> int:
    """Kiểm tra kế hoạch theo mọi quy tắc / check a plan (exit 1 on any violation)."""
    try:
        data = json.loads(plan_file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("plan file not found", path=plan_file) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path=plan_file, line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("assignments"), list):
        raise InputError(
            "not a plan",
            path=plan_file,
            field="assignments",
            expected="the JSON written by `planner plan --format json`",
        )
    years = data.get("years")
    prepared = pipeline.prepare(
        pipeline.load(case, [int(y) for y in years] if isinstance(years, list) else None)
    )
    effectiveness = None
    if isinstance(data.get("options"), dict) and data["options"].get("weight_by_effectiveness"):
        effectiveness = case_effectiveness(prepared.case)
    report = pipeline.check(prepared, data, effectiveness)
    if report.ok and not report.declared:
        click.echo(t(lang, "plan.check.clean", objective=format_int(report.objective, lang)))
        return 0
    if report.ok:  # status infeasible_rules: exactly the shortfalls it declares (still exit 1)
        click.echo(t(lang, "plan.check.shortfalls", count=report.declared))
        for violation in report.shortfalls:
            click.echo(f"  {violation_text(lang, violation)}")
        raise click.exceptions.Exit(1)
    if len(report.shortfalls) != report.declared:
        click.echo(
            t(
                lang,
                "plan.check.shortfalls_differ",
                declared=report.declared,
                found=len(report.shortfalls),
            )
        )
        for violation in report.shortfalls:
            click.echo(f"  {violation_text(lang, violation)}")
    click.echo(t(lang, "plan.check.found", count=len(report.violations)))
    for violation in report.violations:
        click.echo(f"  {violation_text(lang, violation)}")
    raise click.exceptions.Exit(1)
