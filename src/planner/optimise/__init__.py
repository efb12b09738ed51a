"""The optimiser: officials × candidate sessions over the horizon, under seats, budget, term
coverage, deadlines, prerequisites, no double content and time away.

Importing this package does not import a solver: `planner.optimise.check` uses the instance, the
rule modules and the plan state without ortools; the engines are imported when `solve` runs.
Results hold facts (`result.Message`), never text: `planner.report.plan_text` renders them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.optimise.instance import Instance
from planner.optimise.result import PlanResult

if TYPE_CHECKING:
    from planner.optimise.progress import Progress
    from planner.optimise.solve import SolveConfig

__all__ = ["Instance", "PlanResult", "SolveConfig", "solve"]


def solve(
    instance: Instance, config: SolveConfig | None = None, progress: Progress | None = None
) -> PlanResult:
    from planner.optimise.solve import solve as _solve

    return _solve(instance, config, progress)


def __getattr__(name: str) -> Any:
    if name == "SolveConfig":
        from planner.optimise.solve import SolveConfig

        return SolveConfig
    raise AttributeError(name)
