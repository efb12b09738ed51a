"""The column view every rule module writes its rows over (`constraints/<rule>.py`).

A column is a cohort of officials with identical options taking one option, 0..cohort size
times; a single official is a cohort of one, so the individual model is this view over
singleton cohorts. `aggregate.view` lays the columns out and calls the rule modules in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.optimise.arrays import Rows
from planner.optimise.instance import Instance


@dataclass
class Cohorts:
    members: list[list[int]]  # officials of each cohort, ascending
    by_unit: bool

    @property
    def sizes(self) -> list[int]:
        return [len(m) for m in self.members]

    def __len__(self) -> int:
        return len(self.members)


@dataclass
class View:
    """The column view every rule writes its rows over: column a < n_agg is cohort
    `cohort_of[a]` taking its representative's option `rep_option[a]`, 0..zub[a] times; run
    and met columns follow. A single official is a cohort of one (the individual model)."""

    inst: Instance
    cohorts: Cohorts
    hard_term: bool
    rep_option: list[int]
    cohort_of: list[int]
    first: list[int]  # per cohort: its first column
    sess: np.ndarray  # per cohort option: its session
    zub: np.ndarray  # per cohort option: its upper bound (rules may lower it)
    needs_of: list[list[int]]
    credit: frozenset[int] = frozenset()  # needs credited through a met column in any case
    by_session: list[list[int]] = field(default_factory=list)
    run_var: dict[int, int] = field(default_factory=dict)
    met_var: dict[tuple[int, int], int] = field(default_factory=dict)
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    rows: Rows = field(default_factory=Rows)

    def size(self, c: int) -> int:
        return len(self.cohorts.members[c])

    def cap(self, cols: list[int]) -> float:
        """The most the columns can sum to under their bounds."""
        return float(self.zub[cols].sum()) if cols else 0.0

    def local(self, c: int) -> dict[int, int]:
        """The representative's options of cohort c → their columns."""
        base = self.first[c]
        return {
            o: base + j
            for j, o in enumerate(self.inst.options_by_official[self.cohorts.members[c][0]])
        }

    def new(self, lo: float, hi: float) -> int:
        self.lb.append(lo)
        self.ub.append(hi)
        return len(self.lb) - 1
