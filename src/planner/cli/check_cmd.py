"""`planner check CASE PLAN.json`: re-verify a plan against every hard rule, without a solver.

A plan of status `infeasible_rules` declares its shortfalls: the check lists exactly those when
they are all it finds (exit 1: the plan still does not meet every hard rule), and says so when
the plan declares other shortfalls than it finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from planner import pipeline
from planner.analysis.evaluate import case_effectiveness
from planner.cli.common import MAX_YEARS, YEAR_MAX, YEAR_MIN, case_argument, lang_option
from planner.errors import InputError
from planner.i18n import format_int, t
from planner.io.boundary import read_text
from planner.io.limits import limits
from planner.report.names import set_case
from planner.report.plan_text import violation_text


@click.command("check")
@case_argument
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(path_type=Path, dir_okay=False))
@lang_option
def command(case: Path, plan_file: Path, lang: str) -> int:
    """Kiểm tra kế hoạch theo mọi quy tắc / check a plan (exit 1 on any violation)."""
    data = read_plan_file(plan_file)
    years = data.get("years")
    prepared = pipeline.prepare(pipeline.load(case, years))
    set_case(prepared.case)  # names, not ids, in every sentence
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


def read_plan_file(path: Path) -> dict[str, Any]:
    """The plan JSON read through the input boundary and checked for the shape `check` reads:
    a wrong type is an input error naming the field, never a crash further on."""
    text = read_text(path, limits().json_bytes, "plan file")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=str(exc.colno)
        ) from None
    except ValueError as exc:  # NaN / Infinity, which JSON does not have
        raise InputError(
            "not valid JSON", path=path, found=str(exc), expected="finite numbers"
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", path=path, expected="a plan file") from None
    if not isinstance(data, dict) or not isinstance(data.get("assignments"), list):
        raise InputError(
            "not a plan",
            path=path,
            field="assignments",
            expected="the JSON written by `planner plan --format json`",
        )

    def bad(field: str, found: object, expected: str) -> InputError:
        text = repr(found)
        return InputError(
            "wrong type in the plan file",
            path=path,
            field=field,
            found=text if len(text) <= 80 else text[:77] + "...",
            expected=expected,
        )

    for index, entry in enumerate(data["assignments"]):
        if not isinstance(entry, dict):
            raise bad(f"assignments.{index}", entry, "an object with official_id, course, session")
        for key in ("official_id", "course", "session"):
            if not isinstance(entry.get(key), str):
                raise bad(f"assignments.{index}.{key}", entry.get(key), "a text id")
        needs = entry.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
            raise bad(f"assignments.{index}.needs", needs, "a list of need ids")
    objective = data.get("objective")
    if objective is not None and (isinstance(objective, bool) or not isinstance(objective, int)):
        raise bad("objective", objective, "a whole number")
    if "mode" in data and data["mode"] not in ("coverage", "cost"):
        raise bad("mode", data["mode"], "coverage or cost")
    if "options" in data and not isinstance(data["options"], dict):
        raise bad("options", data["options"], "an object")
    years = data.get("years")
    if years is not None and not (
        isinstance(years, list)
        and 0 < len(years) <= MAX_YEARS
        and all(type(y) is int and YEAR_MIN <= y <= YEAR_MAX for y in years)
    ):
        raise bad("years", years, f"a list of years from {YEAR_MIN} to {YEAR_MAX}")
    return data


def _no_constant(name: str) -> object:
    raise ValueError(name)
