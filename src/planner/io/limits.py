"""Size and shape limits of every input `planner` reads, with defaults that fit a province of
300,000 officials (a 300,000-row officials table is about 60 MB as CSV, its history a few
hundred MB), and a way to change them without code: the environment variable
`PLANNER_LIMIT_<NAME>` (e.g. `PLANNER_LIMIT_TABLE_BYTES=2000000000`).

A limit turns a hostile or broken file (a `/dev/zero`, a 20-million-string workbook, an alias
bomb) into a clear InputError in bounded time and memory instead of a hang or a killed run.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, fields

MIB = 1 << 20


@dataclass(frozen=True)
class InputLimits:
    table_bytes: int = 1024 * MIB  # a CSV table (officials, history, units, indicators)
    yaml_bytes: int = 32 * MIB  # one case, rules, catalog or scenario file
    json_bytes: int = 512 * MIB  # a plan file given to `check`
    cell_chars: int = 100_000  # one CSV/XLSX cell (a name, a list of ratings…)
    yaml_depth: int = 64  # nesting of mappings and sequences
    yaml_nodes: int = 1_000_000  # nodes after expanding aliases (an alias bomb grows here)
    yaml_aliases: int = 10_000  # alias uses in one file
    xlsx_bytes: int = 512 * MIB  # the workbook file itself
    xlsx_uncompressed: int = 4096 * MIB  # all its parts once unzipped
    xlsx_ratio: int = 200  # uncompressed / compressed size of one part (a zip bomb is ≫ 1000)
    xlsx_rows: int = 2_000_000  # rows of the sheet read
    xlsx_columns: int = 500  # columns of the sheet read
    xlsx_shared_strings: int = 10_000_000
    variants: int = 1_000  # what-if variants one run may build
    # seconds to read one file, checked between 1 MiB chunks (a local disk reads 300,000
    # officials in well under a second; minutes mean a stalled network mount)
    read_seconds: int = 600


def _from_env() -> InputLimits:
    values: dict[str, int] = {}
    for item in fields(InputLimits):
        raw = os.environ.get(f"PLANNER_LIMIT_{item.name.upper()}")
        if raw is not None:
            # a malformed override keeps the default rather than failing every run; the CLI
            # says so once (`malformed`)
            with contextlib.suppress(ValueError):
                values[item.name] = max(1, int(raw))
    return InputLimits(**values)


def malformed() -> list[tuple[str, str, int]]:
    """The PLANNER_LIMIT_* variables set to something that is not a whole number: (name, the
    value, the default used instead)."""
    defaults = InputLimits()
    out = []
    for item in fields(InputLimits):
        name = f"PLANNER_LIMIT_{item.name.upper()}"
        raw = os.environ.get(name)
        if raw is not None:
            try:
                int(raw)
            except ValueError:
                out.append((name, raw, getattr(defaults, item.name)))
    return out


def limits() -> InputLimits:
    """The limits in force (read from the environment each call: cheap, and tests can set it)."""
    return _from_env()
