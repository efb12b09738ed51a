"""Sizing a generated case's budget: per official by default, or against the estimated cost of
closing every need (each need priced at its cheapest delivering course)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.assess.targets import CompetencyNeed, NeedTarget, ProgrammeNeed, QualificationNeed
from planner.domain.catalog import Catalog, Course
from planner.errors import InputError
from planner.io.case import UnitInfo
from planner.synthetic.options import GeneratorOptions
from planner.synthetic.profiles import STATS
from planner.types import FUNDING_SOURCES, QUALIFICATION_SCALES

log = logging.getLogger("planner")


def budget_lines(
    options: GeneratorOptions, catalog: Catalog | None, folder: Path
) -> tuple[tuple[int, str, int], ...]:
    """Per year and source: sized against the catalog when there is one, else per official."""
    per_year: dict[str, float]
    estimate = None
    if catalog is not None and options.budget_share is not None:
        estimate = estimate_need_costs(folder)
    if (
        estimate is not None
        and options.budget_share is not None
        and estimate.total_per_year(len(options.years)) > 0
    ):
        yearly = (
            estimate.total_per_year(len(options.years))
            * options.budget_share
            * options.budget_level
        )
        state = yearly * (1 - STATS.xa_hoi_hoa_share)
        by_source = estimate.by_source or {"ngan_sach_tinh": 1}
        mass = sum(by_source.values())
        per_year = {s: state * c / mass for s, c in by_source.items()}
        per_year["xa_hoi_hoa"] = per_year.get("xa_hoi_hoa", 0) + yearly * STATS.xa_hoi_hoa_share
    else:
        yearly = (
            options.officials
            * STATS.need_cost_per_official
            * STATS.default_budget_coverage
            * options.budget_level
            / len(options.years)
        )
        per_year = {s: yearly * share for s, share in STATS.budget_source_split.items()}
    return tuple(
        (year, source, _round_money(per_year[source]))
        for year in options.years
        for source in FUNDING_SOURCES
        if per_year.get(source)
    )


def _round_money(amount: float) -> int:
    """Budgets are set in millions of VND."""
    return max(1_000_000, int(round(amount / 1_000_000)) * 1_000_000)


@dataclass(frozen=True)
class PricedNeed:
    official_id: str
    need: str
    priority: int
    recurring: bool  # a yearly target (annual training): needed again each year
    cost: int
    source: str


@dataclass(frozen=True)
class NeedCostEstimate:
    """Each need priced at its cheapest delivering course: tuition, TT 36/2018 support from a
    unit in the default distance band, and a share of the class's fixed cost."""

    priced: tuple[PricedNeed, ...]
    needs: int  # all needs, including those no course closes

    @property
    def by_source(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for need in self.priced:
            out[need.source] = out.get(need.source, 0) + need.cost
        return out

    def total_per_year(self, years: int) -> float:
        one_off = sum(n.cost for n in self.priced if not n.recurring)
        return one_off / max(1, years) + sum(n.cost for n in self.priced if n.recurring)

    def total(self, years: int) -> int:
        """Cost of closing every priced need over a horizon of `years`."""
        return sum(n.cost * years if n.recurring else n.cost for n in self.priced)

    def coverage(self, budget: int, years: int = 1) -> float:
        """Share of the cost of all needs a budget (over the horizon) would pay for: a rough
        check that a case's budget is tight but not hopeless."""
        total = self.total(years)
        return min(1.0, budget / total) if total else 1.0


def course_unit_cost(
    course: Course, catalog: Catalog, unit: UnitInfo | None = None, difficult_area: bool = False
) -> int:
    """One participant's cost from `unit` (None: the norms' default band) plus their share of
    the class's fixed cost at the median class size."""
    from planner.recommend.cost import breakdown

    sessions = sorted(course.sessions, key=lambda s: (s.start, s.id))
    if not sessions:
        return course.cost.tuition
    seats = sorted(s.seats for s in sessions if s.seats > 0)
    class_size = seats[len(seats) // 2] if seats else STATS.class_size_fallback
    participant = breakdown(course, sessions[-1], unit, difficult_area, catalog).total
    return participant + course.cost.per_class // class_size


def cheapest_courses(catalog: Catalog) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(need id, level) → [(cost, course id)] sorted, for every level a course delivers."""
    offers: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for course in catalog.courses.values():
        cost = course_unit_cost(course, catalog)
        for qfield, level in course.delivers.qualifications.items():
            offers.setdefault((f"qualification:{qfield}", level), []).append((cost, course.id))
        for competency, level in course.delivers.competencies.items():
            offers.setdefault((f"competency:{competency}", str(level)), []).append(
                (cost, course.id)
            )
        for programme in course.delivers.programmes:
            offers.setdefault((f"programme:{programme}", ""), []).append((cost, course.id))
    for value in offers.values():
        value.sort()
    return offers


def estimate_need_costs(folder: Path) -> NeedCostEstimate | None:
    """Assess the case in `folder` and price each need at its cheapest delivering course
    (eligibility and seats are the optimiser's business; this only sizes a budget)."""
    from planner import pipeline

    try:
        case = pipeline.load(folder)
    except InputError as exc:
        log.warning("cannot size the budget against the catalog: %s", exc)
        return None
    offers = cheapest_courses(case.catalog)
    officials = {o.id: o for o in case.officials}
    priced = []
    assessment = pipeline.assess(case)
    for need in assessment.needs:
        target = need.target
        periodic = isinstance(target, ProgrammeNeed) and target.periods is not None
        if isinstance(target, ProgrammeNeed) and target.periods is not None:
            best = _cheapest_periods(case, target, int(need.current or 0))
        else:
            best = _cheapest_for(need.need, target, offers)
        if best is not None:
            nominal, course_id = best
            official = officials[need.official_id]
            unit = case.units.get(official.unit)
            cost = course_unit_cost(
                case.catalog.courses[course_id],
                case.catalog,
                unit,
                official.difficult_area or bool(unit and unit.difficult_area),
            )
            if periodic:
                cost = nominal  # repeats of a course: already priced in total
            priced.append(
                PricedNeed(
                    need.official_id,
                    need.need,
                    need.priority,
                    isinstance(target, ProgrammeNeed) and target.window == "year",
                    cost,
                    case.catalog.courses[course_id].funding_source,
                )
            )
    return NeedCostEstimate(tuple(priced), len(assessment.needs))


def _cheapest_periods(case: Any, target: ProgrammeNeed, done: int) -> tuple[int, str] | None:
    """Cheapest way to add the missing tiết with repeats of one course of a counted kind."""
    from planner.assess.needs import course_periods

    programme = case.framework.programmes[target.programme]
    missing = max(0, int(target.periods or 0) - done)
    found = []
    for course in case.catalog.courses.values():
        if course.kind in programme.counts_course_kinds:
            periods = course_periods(course, case.framework, case.reference_date)
            repeats = -(-missing // periods) if periods else 0
            if repeats:
                found.append((course_unit_cost(course, case.catalog) * repeats, course.id))
    return min(found) if found else None


def _cheapest_for(
    need: str, target: NeedTarget, offers: Mapping[tuple[str, str], list[tuple[int, str]]]
) -> tuple[int, str] | None:
    if isinstance(target, QualificationNeed):
        scale = QUALIFICATION_SCALES[target.field]  # type: ignore[index]
        levels = scale[scale.index(target.level) :]
        found = [offers[(need, lv)][0] for lv in levels if (need, lv) in offers]
    elif isinstance(target, CompetencyNeed):
        found = [
            offers[(need, str(lv))][0]
            for lv in range(int(target.level), 6)
            if (need, str(lv)) in offers
        ]
    else:
        found = offers.get((need, ""), [])[:1]
    return min(found) if found else None
