"""Where the bundled `rules/` and `catalogs/` are, installed or in a source checkout."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def bundled_dir(name: str) -> Path:
    """Folder of the bundled `rules` or `catalogs`, installed or in a source checkout."""
    spec = importlib.util.find_spec(f"planner.{name}")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return Path(__file__).resolve().parents[3] / name
