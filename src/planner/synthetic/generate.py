"""Seeded synthetic case generator: a complete case folder (case.yaml, officials.csv, history.csv).

Pure and deterministic: every random draw comes from `random.Random` instances seeded from the
options (string seeds are hashed with SHA-512 by `random`, so the output does not depend on
PYTHONHASHSEED or the platform). The same options give byte-identical files.

The position structure follows the two-level local government of 1 July 2025 (a commune has
about 41 cadres and civil servants, docs/legal.md §8) plus provincial departments (sở). Rows are
streamed to CSV, so 300,000 officials need no more memory than their position plan.

Profiles are synthetic. Their distributions are data (`synthetic/data/*.yaml`), each value noting
its source: a statistic quoted from a source is marked as such; every other value is a plausible
assumption for test data and carries no legal weight. Which level a post requires lives in
`rules/`; the generator only reads `rules/` to learn the positions, competencies and programmes
it may emit.

This module is the public entry (the names `planner generate`, tests and benchmarks use); the
work is done by job: `profiles` (the data files), `options`, `presets`, `draw` (random helpers),
`units` (position plan, units table), `factory` (profiles and histories), `writer` (the files)
and `budget` (budget sizing).

Two needs modes:
- `individual`: every official's profile is drawn independently (fully individual needs);
- `role`: officials of one position share one of a few profile archetypes, so their needs form
  cohorts of identical needs (what the optimiser aggregates; used by benchmarks).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from planner.synthetic.budget import (
    NeedCostEstimate,
    PricedNeed,
    cheapest_courses,
    course_unit_cost,
    estimate_need_costs,
)
from planner.synthetic.draw import Picker, apportion, fill_block, pick_int, pick_one
from planner.synthetic.factory import (
    CourseIndex,
    HistoryRow,
    Person,
    PostRules,
    Profile,
    ProfileFactory,
    assign_quotas,
    eligible,
    for_audience,
    load_catalog_or_none,
    post_rules,
)
from planner.synthetic.options import (
    NEEDS_MODES,
    GeneratorOptions,
    NeedsMode,
    Quota,
    UnitPlan,
    parse_years,
)
from planner.synthetic.presets import PRESETS, preset_options
from planner.synthetic.profiles import POST_PROFILES, Block, PostProfile
from planner.synthetic.units import Unit, distance_bands, plan_units, units_table
from planner.synthetic.writer import OFFICIAL_COLUMNS, GeneratedCase, case_yaml, generate_case

__all__ = [
    "NEEDS_MODES",
    "OFFICIAL_COLUMNS",
    "POST_PROFILES",
    "PRESETS",
    "Block",
    "CourseIndex",
    "GeneratedCase",
    "GeneratorOptions",
    "HistoryRow",
    "NeedCostEstimate",
    "NeedsMode",
    "Person",
    "Picker",
    "PostProfile",
    "PostRules",
    "PricedNeed",
    "Profile",
    "ProfileFactory",
    "Quota",
    "Unit",
    "UnitPlan",
    "apportion",
    "assign_quotas",
    "case_yaml",
    "cheapest_courses",
    "course_unit_cost",
    "distance_bands",
    "eligible",
    "estimate_need_costs",
    "fill_block",
    "for_audience",
    "generate_case",
    "load_catalog_or_none",
    "need_signatures",
    "parse_years",
    "pick_int",
    "pick_one",
    "plan_units",
    "post_rules",
    "preset_options",
    "units_table",
]


def need_signatures(needs: Iterable[Any]) -> dict[str, frozenset[tuple[str, str]]]:
    """Per official, the set of (need id, target) it has: equal sets form a cohort."""
    signatures: dict[str, set[tuple[str, str]]] = {}
    for need in needs:
        signatures.setdefault(need.official_id, set()).add(
            (need.need, json.dumps(need.target.to_dict(), sort_keys=True))
        )
    return {official: frozenset(items) for official, items in signatures.items()}
