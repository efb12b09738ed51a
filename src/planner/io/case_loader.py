"""Loading a case folder: case.yaml and the rules, catalog and tables it points at."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import replace
from pathlib import Path

from planner.domain.profile import TrainingRecord
from planner.errors import InputError
from planner.io.boundary import check_file
from planner.io.bundled import bundled_dir
from planner.io.case import Case, CaseConfig, UnitInfo
from planner.io.catalog_loader import load_catalog
from planner.io.history import load_history
from planner.io.indicators import IndicatorValue, load_indicators
from planner.io.officials import load_officials
from planner.io.regions import check_against_case
from planner.io.rules_loader import load_rules
from planner.io.tables import collect_notes, note_message
from planner.io.units import load_units
from planner.io.yamlio import item_line, line_of, parse_model, read_yaml

log = logging.getLogger(__name__)


def _resolve(folder: Path, value: str, bundled: str) -> Path:
    if value == "bundled":
        return bundled_dir(bundled)
    path = Path(value)
    return path if path.is_absolute() else folder / path


def _is_dir(location: Path) -> bool:
    """Whether `location` is a folder; a missing path, a loop or a too-long name is an error."""
    try:
        return stat.S_ISDIR(os.stat(location).st_mode)
    except FileNotFoundError:
        raise InputError("case folder not found", path=location) from None
    except OSError:
        check_file(location, "case folder or case.yaml")
        raise


def load_case_config(folder: Path) -> CaseConfig:
    path = folder / "case.yaml" if _is_dir(folder) else folder
    raw = read_yaml(path)
    config = parse_model(CaseConfig, raw, path)
    for index, line in enumerate(config.budget):
        if line.year not in config.years:  # money for a year never planned is a typo
            raise InputError(
                "budget year outside the planning years",
                path=path,
                line=item_line(raw, "budget", index),
                field=f"budget.{index}.year",
                found=line.year,
                expected=f"one of the years {config.years}",
            )
    return config


def _check_units_match(path: Path, units: dict[str, UnitInfo], used: set[str]) -> None:
    """A units table none of whose units an official belongs to was written for other data
    (or with other spellings): refuse it rather than plan as if every unit were unknown."""
    if units and used and not any(unit in used for unit in units):
        raise InputError(
            "no unit of the units table matches a unit of the officials",
            path=path,
            field="unit",
            found=", ".join(sorted(units)[:3]),
            expected=f"units as the officials table writes them, e.g. {sorted(used)[:3]}",
        )


def _named(folder: Path, location: Path, value: str, key: str) -> Path:
    """The table file case.yaml names under `key`: a missing or special file is an error at
    the line of case.yaml that names it (the key is the field, the file what was found)."""
    path = folder / value
    try:
        check_file(path, "table file")
    except InputError as exc:
        case_yaml = folder / "case.yaml" if location.is_dir() else location
        raise InputError(
            exc.message,
            path=case_yaml,
            line=line_of(read_yaml(case_yaml), (key,)),  # read again only on this error
            field=key,
            found=str(path) if len(str(path)) <= 200 else str(path)[:197] + "...",
            expected="a CSV or XLSX file, relative to the case folder",
        ) from None
    return path


def load_case(location: str | Path, *, log_notes: bool = True) -> Case:
    """Load and cross-check a case folder (or its case.yaml). Cells read in another form than
    written are matched and kept as `Case.notes`; with `log_notes` each is also logged as a
    warning (the record carries the `validate.text_normalised` Message as `planner_message`,
    which the CLI words in the report language), so every command shows it. `validate`, which
    lists `Case.notes` among its own warnings, turns the log off to say it once."""
    with collect_notes() as notes:
        case = _load_case(Path(location))
    for note in notes.values() if log_notes else ():
        log.warning(
            "%s row %d column '%s': '%s' read as '%s' (Unicode NFC, spaces or NULs); %d cells so",
            note.path.name,
            note.row,
            note.field,
            note.found,
            note.read,
            note.count,
            extra={"planner_message": note_message(note)},
        )
    return replace(case, notes=tuple(notes.values()))


def _load_case(location: Path) -> Case:
    folder = location if _is_dir(location) else location.parent
    config = load_case_config(location)
    framework = load_rules(_resolve(folder, config.rules, "rules"))
    limits = config.limits.with_defaults(framework, config.reference_date)
    if limits is not config.limits:
        config = config.model_copy(update={"limits": limits})
    catalog = load_catalog(_resolve(folder, config.catalog, "catalogs"), framework)
    positions = framework.positions
    officials = load_officials(
        _named(folder, location, config.officials, "officials"),
        # Positions with their titles: a cell may name the post by title (io/titles.py).
        {pid: (p.title.in_lang("vi"), p.title.in_lang("en")) for pid, p in positions.items()},
        set(framework.leader_groups),
        born_by=config.reference_date,
    )
    history: list[TrainingRecord] = []
    if config.history:
        history = load_history(
            _named(folder, location, config.history, "history"),
            {o.id for o in officials},
            set(catalog.courses),
        )
    units = {}
    if config.units:
        norms = catalog.norms_on(config.reference_date)
        bands = {b.band for b in norms.bands} if norms is not None else None
        units = load_units(_named(folder, location, config.units, "units"), bands)
        _check_units_match(folder / config.units, units, {o.unit for o in officials})
    if config.regions:
        case_yaml = folder / "case.yaml" if location.is_dir() else location
        check_against_case(
            case_yaml,
            read_yaml(case_yaml),
            config.regions,
            {s.id for c in catalog.courses.values() for s in c.sessions},
            {u.province for u in units.values() if u.province},
        )
    indicators: tuple[IndicatorValue, ...] = ()
    if config.indicators:
        indicators = load_indicators(
            _named(folder, location, config.indicators, "indicators"), {o.unit for o in officials}
        )
    return Case(folder, config, framework, catalog, officials, history, units, indicators)
