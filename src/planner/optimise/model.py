"""An engine-neutral integer linear model: 0-1 variables, rows `lb <= Σ coef·var <= ub` with
integer coefficients, and an integer objective to maximise.

Each rule module adds its rows here (`constraints/<rule>.py: add(inst, model)`); `cpsat.py`,
`highs.py` and `bound.py` translate the same model to CP-SAT, HiGHS (MathOpt) and the LP
relaxation. Variable 0..len(options)-1 are the option variables x[o] ("official attends
session"); `run(s)` is 1 when session s runs (only for sessions with a fixed cost or a minimum
class size); `need(n)` is 1 when a need requiring several sessions is met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.optimise.instance import Instance, by_variable

if TYPE_CHECKING:
    from planner.optimise.objective import Objective


@dataclass(frozen=True, slots=True)
class Row:
    rule: str
    vars: tuple[int, ...]
    coefs: tuple[int, ...]
    lb: int | None
    ub: int | None


@dataclass
class LinearModel:
    inst: Instance
    names: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    fixed: dict[int, int] = field(default_factory=dict)  # variables fixed to a value
    _run: dict[int, int] = field(default_factory=dict)
    _need: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        inst = self.inst
        self.names = [f"x{i}" for i in range(len(inst.options))]
        for s, session in enumerate(inst.sessions):
            if (session.class_cost > 0 or session.min_participants > 1) and inst.options_by_session[
                s
            ]:
                self._run[s] = self._new(f"run{s}")

    @property
    def num_vars(self) -> int:
        return len(self.names)

    def _new(self, name: str) -> int:
        self.names.append(name)
        return len(self.names) - 1

    def run(self, s: int) -> int | None:
        return self._run.get(s)

    @property
    def run_vars(self) -> dict[int, int]:
        return self._run

    def need(self, n: int) -> int:
        """The 0-1 variable 'need n is met' (created on first use)."""
        if n not in self._need:
            self._need[n] = self._new(f"met{n}")
        return self._need[n]

    @property
    def need_vars(self) -> dict[int, int]:
        return self._need

    def add(
        self,
        rule: str,
        terms: Sequence[tuple[int, int]],
        lb: int | None = None,
        ub: int | None = None,
    ) -> None:
        """Add `lb <= Σ coef·var <= ub` (coefficients merged per variable, zeros dropped)."""
        merged: dict[int, int] = {}
        for var, coef in terms:
            merged[var] = merged.get(var, 0) + int(coef)
        items = sorted((v, c) for v, c in merged.items() if c != 0)
        if not items:
            return
        self.rows.append(Row(rule, tuple(v for v, _ in items), tuple(c for _, c in items), lb, ub))

    def fix(self, var: int, value: int) -> None:
        self.fixed[var] = value

    def values_for(self, chosen: set[int]) -> list[int]:
        """Full variable vector of a plan given by its chosen options (for hints)."""
        values = [0] * self.num_vars
        inst = self.inst
        count = [0] * len(inst.sessions)
        closed = [0] * len(inst.needs)
        for o in chosen:
            values[o] = 1
            count[inst.options[o].session] += 1
            for n in inst.options[o].needs:
                closed[n] += 1
        for s, var in self._run.items():
            values[var] = 1 if count[s] > 0 else 0
        for n, var in self._need.items():
            values[var] = 1 if closed[n] >= inst.needs[n].required else 0
        return values


def build_model(
    inst: Instance, objective: Objective, hard_term: bool | None = None
) -> LinearModel:
    """The full model: every rule module's rows and the objective's coefficients."""
    from planner.optimise.constraints import RULES

    model = LinearModel(inst)
    hard = inst.term_is_hard if hard_term is None else hard_term
    for rule in RULES:
        rule.add(inst, model, hard_term=hard)
    # Needs credited through a variable: met ≤ (sessions closing it) / required.
    for n, need in enumerate(inst.needs):
        options = inst.options_by_need[n]
        if by_variable(need) and options:
            model.add(
                "objective", [(o, 1) for o in options] + [(model.need(n), -need.required)], lb=0
            )
    model.objective = objective.coefficients(model)
    return model
