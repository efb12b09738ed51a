"""Strict loading of a case folder: case.yaml, rules/, catalogs/, officials and history tables.

The public entry of `planner.io`: each loader lives in a module of its own job (`cells` the cell
parsers, `columns` the column-spec engine, `officials`, `history`, `units`, `rules_loader`,
`catalog_loader`, `case_loader`). Every problem becomes an InputError naming file, line (YAML) or
row/column (tables), the field, what was found and what was expected. Nothing is silently dropped.
"""

from __future__ import annotations

from planner.io.bundled import bundled_dir
from planner.io.case_loader import load_case, load_case_config
from planner.io.catalog_loader import check_catalog_against_rules, check_catalog_graph, load_catalog
from planner.io.history import HISTORY_ALIASES, HISTORY_PREFIXES, HISTORY_REQUIRED, load_history
from planner.io.officials import (
    OFFICIAL_ALIASES,
    OFFICIAL_PREFIXES,
    OFFICIAL_REQUIRED,
    iter_officials,
    load_officials,
)
from planner.io.rules_loader import load_rules
from planner.io.units import UNIT_ALIASES, load_units

__all__ = [
    "HISTORY_ALIASES",
    "HISTORY_PREFIXES",
    "HISTORY_REQUIRED",
    "OFFICIAL_ALIASES",
    "OFFICIAL_PREFIXES",
    "OFFICIAL_REQUIRED",
    "UNIT_ALIASES",
    "bundled_dir",
    "check_catalog_against_rules",
    "check_catalog_graph",
    "iter_officials",
    "load_case",
    "load_case_config",
    "load_catalog",
    "load_history",
    "load_officials",
    "load_rules",
    "load_units",
]
