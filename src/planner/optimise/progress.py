"""Live progress of one solve: the best plan's reported objective and the best proved bound,
reported as they improve (not only at the end), and kept as a trace.

The CLI shows the pair while the solver works; the benchmark reads the trace to say when a
plan first came within 1 % of the best bound (a measured time, not the total time as an upper
bound). Only candidate plans that meet every rule count: what is reported is always a plan the
solve could return (the final plan is at least as good: `repair` only adds options).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Progress = Callable[[float | None, float | None, float], None]
"""progress(best reported objective or None, bound or None, seconds elapsed)."""


@dataclass
class Watch:
    """The best objective and bound so far; `report` is called on every improvement."""

    report: Progress
    started: float  # time.monotonic() when the solve began
    best: int | None = None
    bound: int | None = None
    trace: list[tuple[float, int | None, int | None]] = field(default_factory=list)

    def plan_value(self, value: int) -> None:
        """A candidate plan meeting every rule is worth `value` (the reported objective)."""
        if self.best is None or value > self.best:
            self.best = value
            self._emit()

    def proved(self, bound: int) -> None:
        """The bound on the reported objective is now at most `bound`."""
        if self.bound is None or bound < self.bound:
            self.bound = bound
            self._emit()

    def _emit(self) -> None:
        elapsed = round(time.monotonic() - self.started, 3)
        self.trace.append((elapsed, self.best, self.bound))
        self.report(
            None if self.best is None else float(self.best),
            None if self.bound is None else float(self.bound),
            elapsed,
        )


def first_within(
    trace: Sequence[tuple[float, float | None, float | None]], bound: float, share: float
) -> float | None:
    """The first time in `trace` when the best plan was within `share` of `bound` (a bound of
    the whole case, e.g. the best any method proved): (bound − best) ≤ share·bound."""
    for elapsed, best, _ in trace:
        if best is not None and bound - best <= share * abs(bound):
            return elapsed
    return None
