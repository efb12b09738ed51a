"""The one pipeline: a case folder → a loaded case → its assessment → the recommendations → the
optimiser's instance → a plan (or a check of a saved plan).

Every command (`assess`, `recommend`, `plan`, `check`, `whatif`), the generator's budget sizing
and other systems go through these steps; each can run alone (an HR system may only assess) and
`prepare` runs the first three after loading. Results hold facts, not text: `planner.report`
renders them in Vietnamese or English.

    import planner.pipeline as pipeline
    case = pipeline.load("examples/thoi-binh")
    prepared = pipeline.prepare(case)
    plan = pipeline.plan(prepared, SolveConfig(time_limit=20))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.assess.needs import Assessment, assess_case
from planner.io.case import Case
from planner.io.loading import load_case
from planner.optimise.build import build_instance
from planner.optimise.check import CheckReport, check_plan
from planner.optimise.instance import Instance
from planner.optimise.progress import Progress
from planner.optimise.result import PlanResult
from planner.optimise.solve import SolveConfig, solve
from planner.recommend.candidates import Recommendations, recommend_case


@dataclass(frozen=True)
class Prepared:
    """A case with everything the optimiser needs, and what it was made from."""

    case: Case
    assessment: Assessment
    recommendations: Recommendations
    instance: Instance


def load(folder: str | Path, years: Sequence[int] | None = None, *, log_notes: bool = True) -> Case:
    """The case in `folder`, planned over `years` instead of its own when given; cells read
    in another form than written are logged unless `log_notes` is off (`load_case`)."""
    return with_years(load_case(Path(folder), log_notes=log_notes), years)


def with_years(case: Case, years: Sequence[int] | None) -> Case:
    """The case planned over `years` (None or the same years: the case itself)."""
    if not years or list(years) == case.config.years:
        return case
    config = case.config.model_copy(update={"years": list(years)})
    return replace(case, config=config)  # every other part (units, indicators, notes) kept


def assess(case: Case, on: dt.date | None = None) -> Assessment:
    """Every need of every official, under the law in force on `on` (default: the case's
    reference date)."""
    return assess_case(case, on)


def recommend(case: Case, assessment: Assessment) -> Recommendations:
    """For each need, the candidate courses and the excluded ones with their cause."""
    return recommend_case(case, assessment)


def build(case: Case, assessment: Assessment, recommendations: Recommendations) -> Instance:
    """The optimiser's instance: officials × open sessions that close their needs."""
    return build_instance(case, assessment, recommendations)


def prepare(case: Case) -> Prepared:
    """Assess, recommend and build: everything before the solver."""
    assessment = assess(case)
    recommendations = recommend(case, assessment)
    return Prepared(case, assessment, recommendations, build(case, assessment, recommendations))


def plan(
    prepared: Prepared, config: SolveConfig | None = None, progress: Progress | None = None
) -> PlanResult:
    """The plan of a prepared case (raises `InfeasiblePlanError` when the hard rules cannot all
    hold)."""
    return solve(prepared.instance, config or SolveConfig(), progress)


# Seconds per need the outputs take to write after the solve (render, serialise, write),
# measured on the benchmark cases: the JSON of 61,707 needs (an infeasible_rules plan with its
# shortfalls, 28 MB) in 4.3 s; the workbook and the
# HTML page (charts, every need's row) several times that.
WRITE_S_PER_NEED = {"json": 8e-5, "table": 1e-4, "xlsx": 2.5e-4, "html": 2.5e-4}
# The least the solver is given when loading and building took (nearly) the whole limit: a
# plan is still made (greedy at worst), and the overrun is said before solving.
MIN_SOLVE_S = 1.0


def process_age() -> float | None:
    """Seconds since this process started (interpreter start-up and imports included), from
    Linux's /proc; None elsewhere. The time limit is a promise from the moment the user ran
    the command."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        import os

        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Budget:
    """The time limit as a promise end to end: what loading, assessing and building took
    (`spent`), what writing the outputs will take (`writing`), and what is left for the solver
    (`solve`); `over` when loading and building alone leave the solver less than it needs."""

    limit: float
    spent: float
    writing: float
    solve: float
    over: bool


def budget(limit: float, spent: float, prepared: Prepared, fmt: str = "json") -> Budget:
    """Split `limit` seconds (the user's `--time-limit`, end to end) after `spent` seconds of
    loading and building: the solver gets what is left once the outputs' writing is kept back
    (its explanations are inside the solver's own limit)."""
    writing = WRITE_S_PER_NEED.get(fmt, WRITE_S_PER_NEED["json"]) * len(prepared.instance.needs)
    left = limit - spent - writing
    floor = max(MIN_SOLVE_S, 0.1 * limit)
    return Budget(
        limit, round(spent, 3), round(writing, 3), round(max(floor, left), 3), left < floor
    )


def check(
    prepared: Prepared,
    saved: PlanResult | Mapping[str, Any],
    effectiveness: Mapping[str, float | None] | None = None,
) -> CheckReport:
    """A saved plan (a `PlanResult` or the Plan JSON) re-checked against every hard rule, with
    its objective recomputed; `effectiveness` when it was planned with the weights."""
    return check_plan(prepared.instance, saved, effectiveness=effectiveness)


__all__ = [
    "Budget",
    "Prepared",
    "budget",
    "process_age",
    "assess",
    "build",
    "check",
    "load",
    "plan",
    "prepare",
    "recommend",
    "with_years",
]
