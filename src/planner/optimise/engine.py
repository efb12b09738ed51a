"""What every engine returns (solver-free)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[float | None, float | None, float], None]
"""progress(best combined objective or None, combined bound or None, seconds elapsed)."""


@dataclass
class EngineResult:
    status: str  # optimal | feasible | infeasible | unknown
    chosen: set[int] | None = None
    bound: float | None = None  # bound on the combined objective, when the engine proves one
    objective: float | None = None
    info: dict[str, object] = field(default_factory=dict)
