"""The generator's options (what `planner generate` parses) and the parsing of a years range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from planner.synthetic.profiles import STATS, Block

NeedsMode = Literal["role", "individual"]
NEEDS_MODES: tuple[str, ...] = ("role", "individual")


@dataclass(frozen=True)
class Quota:
    """Exact counts for one qualification field: groups from the highest level down, each a
    count and the mix of levels within it (e.g. 333 with dai_hoc 0.9, cao_dang 0.1)."""

    field: str
    groups: tuple[tuple[int, Mapping[str, float]], ...]


@dataclass(frozen=True)
class UnitPlan:
    """A fixed unit (presets): its name, whether it is a difficult area, and how far it is from
    the provincial school as a rank into the catalog's distance bands (0 = nearest)."""

    name: str
    difficult_area: bool = False
    distance_rank: int | None = None


@dataclass(frozen=True)
class GeneratorOptions:
    officials: int
    years: tuple[int, ...]
    seed: int = 1
    needs: NeedsMode = "individual"
    units: int | None = None  # communes; default: officials / STATS.commune_staff_mean
    province_share: float = STATS.default_province_share
    reference_date: dt.date | None = None  # default: 15 January of the first year
    term: tuple[int, int] | None = None  # default: the years, or a 5-year term from the first
    name: str | None = None
    budget_level: float = 1.0  # multiplies the budget
    # Size the budget to this share of the estimated cost of closing every need (assesses the
    # generated case, so meant for small cases); None: STATS.need_cost_per_official per official.
    budget_share: float | None = None
    budget: tuple[tuple[int, str, int], ...] | None = None  # fixed (year, source, amount) lines
    education_mix: Mapping[str, float] | None = None  # overrides the tier mixes for everyone
    political_theory_mix: Mapping[str, float] | None = None
    difficult_share: float = STATS.default_difficult_share
    ethnic_share: float = STATS.default_ethnic_share
    id_prefix: str = "CB"
    catalog: Path | None = None  # where history course ids come from; None: the bundled catalog
    rules: Path | None = None  # None: the bundled rules
    # Presets: fixed communes, blocks with exact totals, exact qualification quotas.
    commune_names: tuple[UnitPlan, ...] = ()
    blocks: tuple[tuple[Block, int], ...] = ()
    quotas: tuple[Quota, ...] = ()
    # A national case: units dealt round-robin to this many provinces (units.csv `province`);
    # the regional campuses' classes are shared by their group of provinces (synthetic/
    # regions.py), the other sessions and the budget lines by every province.
    provinces: int = 1

    def __post_init__(self) -> None:
        if self.officials < 1:
            raise ValueError("officials must be at least 1")
        if not self.years or list(self.years) != sorted(set(self.years)):
            raise ValueError("years must be increasing and distinct")
        if self.needs not in NEEDS_MODES:
            raise ValueError(f"needs must be one of {NEEDS_MODES}")
        if not 0 <= self.province_share <= 1:
            raise ValueError("province share must be between 0 and 1")
        if self.units is not None and self.units < 1:
            raise ValueError("units must be at least 1")
        if self.provinces < 1:
            raise ValueError("provinces must be at least 1")
        if self.budget_level < 0:
            raise ValueError("budget level must not be negative")
        if self.budget_share is not None and self.budget_share < 0:
            raise ValueError("budget share must not be negative")
        for quota in self.quotas:
            total = sum(count for count, _ in quota.groups)
            if total != self.officials:
                raise ValueError(f"quota on {quota.field} counts {total}, not {self.officials}")
        if self.blocks and sum(size for _, size in self.blocks) != self.officials:
            raise ValueError("preset blocks do not add up to the number of officials")

    @property
    def on(self) -> dt.date:
        return self.reference_date or dt.date(self.years[0], 1, 15)

    @property
    def term_span(self) -> tuple[int, int]:
        if self.term is not None:
            return self.term
        if len(self.years) > 1:
            return self.years[0], self.years[-1]
        return self.years[0], self.years[0] + STATS.term_years - 1


def parse_years(text: str) -> tuple[int, ...]:
    """'2026-2030' → (2026, ..., 2030); '2026' → (2026,); '2026,2028' → (2026, 2028)."""
    text = text.strip()
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            if last < first:
                raise ValueError
            return tuple(range(first, last + 1))
        return tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise ValueError(f"years {text!r}: expected YYYY, YYYY-YYYY or YYYY,YYYY") from None
