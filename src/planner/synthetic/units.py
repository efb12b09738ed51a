"""The position plan (which post each official holds, in which unit) and the units table."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from planner.domain.catalog import Catalog
from planner.synthetic.draw import apportion, fill_block, pick_one
from planner.synthetic.options import GeneratorOptions
from planner.synthetic.profiles import COMMUNE_PARTY_MASS, COMMUNE_STATE, DEPARTMENT, NAMES, STATS


@dataclass(frozen=True)
class Unit:
    name: str
    difficult_area: bool
    level: str  # xa | tinh
    distance_rank: int | None = None


def _jittered(rng: random.Random) -> float:
    """A unit's size relative to the mean: uniform within ± the jitter."""
    return 1 - STATS.unit_size_jitter + 2 * STATS.unit_size_jitter * rng.random()


def plan_units(options: GeneratorOptions, rng: random.Random) -> list[tuple[Unit, list[str]]]:
    """The units and, for each, the ordered list of posts it holds."""
    if options.blocks:
        return _plan_preset(options, rng)
    n_province = round(options.officials * options.province_share)
    n_commune = options.officials - n_province
    out: list[tuple[Unit, list[str]]] = []
    if n_commune:
        communes = options.units or max(1, round(n_commune / STATS.commune_staff_mean))
        communes = min(communes, n_commune)
        sizes = apportion(n_commune, [_jittered(rng) for _ in range(communes)])
        names = _commune_names(communes, rng)
        for name, size in zip(names, sizes, strict=True):
            party = round(size * STATS.commune_party_mass_share)
            posts = fill_block(COMMUNE_PARTY_MASS, party, rng) + fill_block(
                COMMUNE_STATE, size - party, rng
            )
            out.append((Unit(name, rng.random() < options.difficult_share, "xa"), posts))
    if n_province:
        departments = max(1, round(n_province / STATS.department_staff_mean))
        sizes = apportion(n_province, [_jittered(rng) for _ in range(departments)])
        for index, size in enumerate(sizes):
            base = NAMES.departments[index % len(NAMES.departments)]
            round_ = index // len(NAMES.departments)
            name = base if round_ == 0 else f"{base} (tỉnh {round_ + 1})"
            out.append((Unit(name, False, "tinh"), fill_block(DEPARTMENT, size, rng)))
    return out


def _plan_preset(options: GeneratorOptions, rng: random.Random) -> list[tuple[Unit, list[str]]]:
    units = [Unit(u.name, u.difficult_area, "xa", u.distance_rank) for u in options.commune_names]
    if not units:
        raise ValueError("a preset with blocks needs commune names")
    posts: list[list[str]] = [[] for _ in units]
    for block, total in options.blocks:
        weights = [_jittered(rng) for _ in units]
        for index, size in enumerate(apportion(total, weights)):
            posts[index].extend(fill_block(block, size, rng))
    return list(zip(units, posts, strict=True))


def _commune_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for _ in range(count):
        base = (
            f"Xã {pick_one(rng, NAMES.commune_syllables)} {pick_one(rng, NAMES.commune_syllables)}"
        )
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} {seen[base]}")
    return names


def distance_bands(catalog: Catalog | None, on: dt.date) -> list[str]:
    """The TT 36/2018 distance bands of the norms in force, as the catalog lists them."""
    norms = catalog.norms_on(on) if catalog is not None else None
    return [band.band for band in norms.bands] if norms is not None else []


def province_name(index: int) -> str:
    return f"Tỉnh {index + 1:02d}"


def units_table(
    plan: Sequence[tuple[Unit, list[str]]],
    bands: Sequence[str],
    rng: random.Random,
    provinces: int = 1,
) -> str:
    """units.csv: each unit's distance band to the provincial school and difficult-area flag.
    Provincial departments sit in the provincial capital (the first, nearest band, assuming the
    catalog lists bands near to far); communes are spread over the other bands. With
    `provinces` > 1 a `province` column deals the units round-robin to the provinces (each gets
    departments and communes alike)."""
    lines = ["unit,distance_band,difficult_area" + (",province" if provinces > 1 else "")]
    far = list(bands[1:]) or list(bands)
    for i, (unit, _) in enumerate(plan):
        if unit.distance_rank is not None:
            band = bands[min(unit.distance_rank, len(bands) - 1)]
        else:
            band = bands[0] if unit.level == "tinh" else pick_one(rng, far)
        province = f",{csv_cell(province_name(i % provinces))}" if provinces > 1 else ""
        lines.append(f"{csv_cell(unit.name)},{band},{bool_cell(unit.difficult_area)}{province}")
    return "\n".join(lines) + "\n"


def csv_cell(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


def bool_cell(value: bool) -> str:
    return "true" if value else "false"
