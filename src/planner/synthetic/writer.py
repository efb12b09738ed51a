"""Writing a case folder: officials.csv and history.csv streamed row by row, units.csv and
case.yaml, each file atomically."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from planner.io.atomic import write_atomic, write_atomic_with
from planner.io.bundled import bundled_dir
from planner.io.case import Limits
from planner.io.officials import OFFICIAL_FIELDS
from planner.law.framework import Framework, Position
from planner.synthetic.budget import budget_lines
from planner.synthetic.draw import pick_int, pick_one, random_date, years_before
from planner.synthetic.factory import (
    Person,
    Pickers,
    Profile,
    ProfileFactory,
    assign_quotas,
    load_catalog_or_none,
    load_framework,
)
from planner.synthetic.options import GeneratorOptions
from planner.synthetic.profiles import (
    COMMUNE_PARTY_MASS,
    COMMUNE_STATE,
    DEPARTMENT,
    NAMES,
    POST_PROFILES,
    STATS,
    PostProfile,
)
from planner.synthetic.regions import Campus, campuses, regions_yaml, write_catalog
from planner.synthetic.units import Unit, bool_cell, distance_bands, plan_units, units_table

log = logging.getLogger("planner")

# The officials table's columns in DESIGN §4 order (then one `competency:<id>` per competency).
OFFICIAL_COLUMNS: tuple[str, ...] = tuple(OFFICIAL_FIELDS)


@dataclass(frozen=True)
class GeneratedCase:
    folder: Path
    officials: int
    history_rows: int
    units: int
    budget: tuple[tuple[int, str, int], ...]


def generate_case(options: GeneratorOptions, out: Path | str) -> GeneratedCase:
    """Write case.yaml, officials.csv and history.csv (each atomically) into `out`."""
    out = Path(out)
    framework = load_framework(options.rules)
    limits = case_limits(framework, options.on)
    blocks = [b for b, _ in options.blocks] or [COMMUNE_PARTY_MASS, COMMUNE_STATE, DEPARTMENT]
    unknown = sorted({p for b in blocks for p in b.positions()} - set(framework.positions))
    if unknown:
        raise ValueError(f"positions not defined in rules/: {', '.join(unknown)}")
    catalog = load_catalog_or_none(options.catalog, framework)
    factory = ProfileFactory(options, framework, catalog)
    plan = plan_units(options, random.Random(f"{options.seed}:plan"))
    out.mkdir(parents=True, exist_ok=True)
    counts = {"officials": 0, "history": 0}

    def write_tables(officials_tmp: Path, history_tmp: Path) -> None:
        with (
            officials_tmp.open("w", encoding="utf-8", newline="") as o_handle,
            history_tmp.open("w", encoding="utf-8", newline="") as h_handle,
        ):
            counts["officials"], counts["history"] = _write_rows(
                options, factory, plan, o_handle, h_handle
            )

    write_atomic_with(
        out / "officials.csv",
        lambda o_tmp: write_atomic_with(
            out / "history.csv", lambda h_tmp: write_tables(o_tmp, h_tmp)
        ),
    )
    bands = distance_bands(catalog, options.on)
    if options.provinces > len(plan):
        raise ValueError(f"{options.provinces} provinces but only {len(plan)} units")
    if bands:
        write_atomic(
            out / "units.csv",
            units_table(plan, bands, random.Random(f"{options.seed}:units"), options.provinces),
        )
    groups: list[Campus] = []
    if options.provinces > 1 and bands:
        # A national case: the regional campuses' classes, each shared by its province group.
        groups = write_catalog(
            options.catalog or bundled_dir("catalogs"), out / "catalog", campuses(options.provinces)
        )
    budget = options.budget
    if budget is None:
        if options.budget_share is not None and catalog is not None:
            # Sizing assesses the case, which needs a case.yaml to load: write one without budget.
            write_atomic(out / "case.yaml", case_yaml(options, (), bool(bands), limits, groups))
        budget = budget_lines(options, catalog, out)
    write_atomic(out / "case.yaml", case_yaml(options, budget, bool(bands), limits, groups))
    log.info(
        "generated %d officials, %d history rows in %s", counts["officials"], counts["history"], out
    )
    return GeneratedCase(out, counts["officials"], counts["history"], len(plan), budget)


def _write_rows(
    options: GeneratorOptions,
    factory: ProfileFactory,
    plan: list[tuple[Unit, list[str]]],
    o_handle: TextIO,
    h_handle: TextIO,
) -> tuple[int, int]:
    competencies = factory.competency_ids
    evaluated = factory.courses.evaluated_competencies()
    officials = csv.writer(o_handle, lineterminator="\n")
    history = csv.writer(h_handle, lineterminator="\n")
    officials.writerow(OFFICIAL_COLUMNS + tuple(f"competency:{c}" for c in competencies))
    history.writerow(
        ("official_id", "course", "completed_on", "result", "feedback", "score")
        + tuple(f"competency_before:{c}" for c in evaluated)
        + tuple(f"competency_after:{c}" for c in evaluated)
    )
    rng = random.Random(f"{options.seed}:officials")
    quota_rng = random.Random(f"{options.seed}:quotas")
    all_posts = [p for _, posts in plan for p in posts]
    fixed_levels = assign_quotas(options.quotas, all_posts, quota_rng) if options.quotas else None
    archetypes: dict[tuple[str, bool, int], Profile] = {}
    width = max(6, len(str(options.officials)))
    blank = ("",) * (2 * len(evaluated))
    number = history_rows = 0
    on = options.on
    for unit, posts in plan:
        for position in posts:
            number += 1
            spec = POST_PROFILES[position]
            gender = "male" if rng.random() < spec.male_share else "female"
            low, high = spec.ages
            if gender == "female":
                high = min(high, STATS.female_max_age)
            age = pick_int(rng, low, high)
            birth = random_date(
                rng, years_before(on, age + 1) + dt.timedelta(days=1), years_before(on, age)
            )
            started = min(
                years_before(birth, -pick_int(rng, *STATS.service_start_age)),
                on - dt.timedelta(days=STATS.min_service_days),
            )
            appointed = _appointment(rng, factory.framework.positions[position], unit, on, started)
            fixed = fixed_levels[number - 1] if fixed_levels is not None else {}
            person = Person(birth, gender, appointed, started)
            if options.needs == "role" and not fixed:
                # Archetypes are drawn from their own stream, with a representative member, so a
                # cohort's profile does not depend on where its first member falls in the file.
                key = (position, unit.difficult_area, pick_int(rng, 0, STATS.role_archetypes - 1))
                if key not in archetypes:
                    archetypes[key] = factory.draw(
                        random.Random(f"{options.seed}:{key}"),
                        position,
                        unit,
                        _representative(spec, on),
                        {},
                    )
                profile = archetypes[key]
            else:
                profile = factory.draw(rng, position, unit, person, fixed)
            official_id = f"{options.id_prefix}{number:0{width}d}"
            officials.writerow(
                (
                    official_id,
                    _full_name(rng, factory.pick, gender),
                    position,
                    unit.name,
                    birth.isoformat(),
                    gender,
                    bool_cell(profile.ethnic_minority),
                    bool_cell(profile.party_member),
                    appointed.isoformat(),
                    started.isoformat(),
                    profile.grade,
                    profile.education,
                    profile.education_field,
                    profile.political_theory,
                    profile.state_management,
                    profile.it,
                    profile.language,
                    profile.planning_pool,
                    profile.ratings,
                    bool_cell(unit.difficult_area),
                    profile.leader_group,
                )
                + tuple(
                    "" if profile.competencies[c] is None else profile.competencies[c]
                    for c in competencies
                )
            )
            for row in profile.history:
                history.writerow(
                    (
                        official_id,
                        row.course,
                        row.completed_on.isoformat(),
                        row.result,
                        "" if row.feedback is None else row.feedback,
                        "" if row.score is None else row.score,
                    )
                    + (
                        tuple(
                            [row.before.get(c, "") for c in evaluated]
                            + [row.after.get(c, "") for c in evaluated]
                        )
                        if row.before
                        else blank
                    )
                )
                history_rows += 1
    return number, history_rows


def _representative(spec: PostProfile, on: dt.date) -> Person:
    age = (spec.ages[0] + spec.ages[1]) // 2
    started = years_before(on, age - STATS.representative_start_age)
    return Person(
        years_before(on, age),
        "male" if spec.male_share >= 0.5 else "female",
        max(STATS.merger_date, started) if on >= STATS.merger_date else started,
        started,
    )


def _appointment(
    rng: random.Random, post: Position, unit: Unit, on: dt.date, started: dt.date
) -> dt.date:
    if post.effective_from is not None:
        return random_date(rng, max(post.effective_from, started), on)
    if (
        unit.level == "xa"
        and on >= STATS.merger_date
        and rng.random() < STATS.merger_reappointed_share
    ):
        return max(STATS.merger_date, started)
    return random_date(rng, max(started, years_before(on, STATS.appointment_window_years)), on)


def _full_name(rng: random.Random, pick: Pickers, gender: str) -> str:
    family = pick.family(rng)
    middle = pick_one(rng, NAMES.middle_names[gender])
    return f"{family} {middle} {pick_one(rng, NAMES.given_names[gender])}"


def case_limits(framework: Framework, on: dt.date) -> dict[str, int | float]:
    """The case's `limits`: the planner defaults of rules/ (parameters of the same names)."""
    return Limits().with_defaults(framework, on).model_dump(exclude={"days_away_exempt_kinds"})


def case_yaml(
    options: GeneratorOptions,
    budget: Iterable[tuple[int, str, int]],
    with_units: bool = False,
    limits: Mapping[str, int | float] | None = None,
    groups: Sequence[Campus] = (),
) -> str:
    """The case.yaml text (DESIGN §4), written by hand so its layout stays readable; `limits`
    as `case_limits` gives them (None: the bundled rules' defaults)."""
    start, end = options.term_span
    name = options.name or f"Synthetic case, {options.officials} officials, seed {options.seed}"
    catalog = "bundled" if options.catalog is None else str(options.catalog.resolve())
    if groups:
        catalog = "catalog"  # the copy with the campuses' sessions (synthetic/regions.py)
    rules = "bundled" if options.rules is None else str(options.rules.resolve())
    lines = [
        f"name: {json.dumps(name, ensure_ascii=False)}",
        f"reference_date: {options.on.isoformat()}",
        f"years: [{', '.join(str(y) for y in options.years)}]",
        f"term: {{start: {start}, end: {end}}}",
        "officials: officials.csv",
        "history: history.csv",
        *(["units: units.csv"] if with_units else []),
        f"rules: {json.dumps(rules, ensure_ascii=False)}",
        f"catalog: {json.dumps(catalog, ensure_ascii=False)}",
    ]
    budget_lines = [
        f"  - {{year: {year}, source: {source}, amount: {amount}}}"
        for year, source, amount in budget
    ]
    lines += ["budget:", *budget_lines] if budget_lines else ["budget: []"]
    if limits is None:
        limits = case_limits(load_framework(None), options.on)
    lines += ["limits:", *(f"  {name}: {value}" for name, value in limits.items())]
    lines += regions_yaml(groups)
    return "\n".join(lines) + "\n"
