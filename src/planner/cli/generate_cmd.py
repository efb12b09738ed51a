"""`planner generate`: write a synthetic case folder (case.yaml, officials.csv, history.csv).

Only parses options and calls `planner.synthetic.generate`; bad options are click usage errors
(exit 2).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from planner.cli import common
from planner.i18n import format_decimal, format_int, t
from planner.synthetic.generate import (
    NEEDS_MODES,
    PRESETS,
    GeneratorOptions,
    generate_case,
    parse_years,
    preset_options,
)


def _years(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    from planner.cli.common import MAX_YEARS, YEAR_MAX, YEAR_MIN

    if len(value) > 200:
        raise click.BadParameter("too long: expected YYYY, YYYY-YYYY or YYYY,YYYY")
    first, _, last = value.partition("-")
    digits = last and first.strip().isdigit() and last.strip().isdigit()
    if digits and int(last) - int(first) + 1 > MAX_YEARS:  # checked before the range is built
        raise click.BadParameter(f"{value!r}: more than {MAX_YEARS} years")
    try:
        years = parse_years(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if not years or not all(YEAR_MIN <= y <= YEAR_MAX for y in years) or len(years) > MAX_YEARS:
        raise click.BadParameter(
            f"{value!r}: years from {YEAR_MIN} to {YEAR_MAX}, at most {MAX_YEARS} of them"
        )
    return years


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected a date YYYY-MM-DD") from None


@click.command("generate")
@click.option(
    "--officials",
    type=click.IntRange(min=1),
    default=None,
    help="Number of officials (required unless --preset).",
)
@click.option(
    "--years",
    callback=_years,
    default=None,
    help="Planning horizon: 2026, 2026-2030 or 2026,2027 (required unless --preset).",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=None,
    help="Random seed (same seed, same files).",
)
@click.option(
    "--needs",
    type=click.Choice(NEEDS_MODES),
    default=None,
    help="role: officials of a post share profiles (cohorts); individual: all drawn independently.",
)
@click.option(
    "--units",
    type=click.IntRange(min=1),
    default=None,
    help="Number of communes (default: officials / 41).",
)
@click.option(
    "--province-share",
    type=click.FloatRange(0, 1),
    default=None,
    help="Share of provincial-department staff (default 0.2).",
)
@click.option(
    "--reference-date",
    callback=_date,
    default=None,
    help="Reference date YYYY-MM-DD (default: 15 January of the first year).",
)
@click.option(
    "--term",
    callback=_years,
    default=None,
    help="Congress term, e.g. 2026-2030 (default: the years, or five years from the first).",
)
@click.option(
    "--budget-level",
    type=click.FloatRange(min=0),
    default=None,
    help="Multiplier of the budget (default 1).",
)
@click.option(
    "--budget-share",
    type=click.FloatRange(min=0),
    default=None,
    help="Size the budget to this share of the estimated cost of all needs (small cases).",
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Catalog to draw history course ids from (default: the bundled catalog).",
)
@click.option(
    "--provinces",
    type=click.IntRange(min=1),
    default=None,
    help="A national case: units dealt to this many provinces (units.csv `province`).",
)
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    default=None,
    help="A bundled example (options given here override it).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the case into (refused if it holds files, unless --force).",
)
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Write into a folder that already holds files (files of the same name are replaced).",
)
@common.lang_option
def command(
    officials: int | None,
    years: tuple[int, ...] | None,
    seed: int | None,
    needs: str | None,
    units: int | None,
    province_share: float | None,
    reference_date: dt.date | None,
    term: tuple[int, ...] | None,
    budget_level: float | None,
    budget_share: float | None,
    catalog: Path | None,
    provinces: int | None,
    preset: str | None,
    output: Path,
    force: bool,
    lang: str,
) -> int:
    """Tạo hồ sơ kế hoạch tổng hợp / write a synthetic case folder."""
    if output.is_dir() and any(output.iterdir()) and not force:
        raise click.UsageError(t(lang, "generate.not_empty", path=output))
    given: dict[str, Any] = {
        "officials": officials,
        "years": years,
        "seed": seed,
        "needs": needs,
        "units": units,
        "province_share": province_share,
        "reference_date": reference_date,
        "term": (term[0], term[-1]) if term else None,
        "budget_level": budget_level,
        "budget_share": budget_share,
        "catalog": catalog,
        "provinces": provinces,
    }
    overrides = {key: value for key, value in given.items() if value is not None}
    try:
        if preset is not None:
            options = preset_options(preset, **overrides)
        else:
            for required in ("officials", "years"):
                if required not in overrides:
                    raise click.UsageError(t(lang, "generate.required", option=required))
            options = replace(
                GeneratorOptions(
                    officials=overrides.pop("officials"), years=overrides.pop("years")
                ),
                **overrides,
            )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    started = time.perf_counter()
    try:
        result = generate_case(options, output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        t(
            lang,
            "generate.done",
            officials=format_int(result.officials, lang),
            history=format_int(result.history_rows, lang),
            units=format_int(result.units, lang),
            folder=result.folder,
            time=format_decimal(time.perf_counter() - started, lang),
        )
    )
    return 0
