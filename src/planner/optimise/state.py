"""A plan under construction or under review: the chosen options and the running totals every
rule reads (seats used, money spent, days away, people away per unit and week, closures).

Solver-free. The greedy heuristic, the explanations and the checker all use it, so the marginal
question "what would adding this option break?" is answered by the same code that checks plans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.optimise.instance import Instance


@dataclass(frozen=True)
class Block:
    """Why one option cannot be added: the rule, the unmet-need cause it maps to, and numbers."""

    rule: str
    cause: str
    key: str  # locale key of the detail sentence
    args: dict[str, Any] = field(default_factory=dict)
    shortfall: int = 0  # how much is missing (VND, seats, days, people), for ranking


@dataclass(frozen=True)
class Violation:
    """A broken hard rule in a finished plan."""

    rule: str
    official_id: str | None
    session_id: str | None
    key: str
    args: dict[str, Any] = field(default_factory=dict)


class PlanState:
    def __init__(self, inst: Instance, chosen: Iterable[int] = ()) -> None:
        self.inst = inst
        self.chosen: set[int] = set()
        self.count = [0] * len(inst.sessions)
        self.spent: dict[tuple[int, str], int] = defaultdict(int)
        self.days: dict[tuple[int, int], int] = defaultdict(int)
        self.away: dict[tuple[int, int], int] = defaultdict(int)
        self.closed = [0] * len(inst.needs)
        self.by_official: dict[int, set[int]] = defaultdict(set)
        for option in chosen:
            self.add(option)

    # -- updates ------------------------------------------------------------------------------

    def add(self, o: int) -> None:
        inst = self.inst
        option = inst.options[o]
        session = inst.sessions[option.session]
        if o in self.chosen:
            return
        self.chosen.add(o)
        if self.count[option.session] == 0:
            self.spent[(session.year, session.source)] += session.class_cost
        self.count[option.session] += 1
        self.spent[(session.year, session.source)] += option.cost
        self.days[(option.official, session.year)] += session.days
        if session.away:
            unit = inst.officials[option.official].unit
            for week in inst.session_weeks[option.session]:
                self.away[(unit, week)] += 1
        for n in option.needs:
            self.closed[n] += 1
        self.by_official[option.official].add(o)

    def remove(self, o: int) -> None:
        inst = self.inst
        option = inst.options[o]
        session = inst.sessions[option.session]
        if o not in self.chosen:
            return
        self.chosen.discard(o)
        self.count[option.session] -= 1
        if self.count[option.session] == 0:
            self.spent[(session.year, session.source)] -= session.class_cost
        self.spent[(session.year, session.source)] -= option.cost
        self.days[(option.official, session.year)] -= session.days
        if session.away:
            unit = inst.officials[option.official].unit
            for week in inst.session_weeks[option.session]:
                self.away[(unit, week)] -= 1
        for n in option.needs:
            self.closed[n] -= 1
        self.by_official[option.official].discard(o)

    # -- reads --------------------------------------------------------------------------------

    def running(self, s: int) -> bool:
        return self.count[s] > 0

    def met(self, n: int) -> bool:
        return self.closed[n] >= self.inst.needs[n].required

    def extra_cost(self, o: int) -> int:
        """Money adding `o` would spend: its participant cost, plus the class if not running."""
        option = self.inst.options[o]
        session = self.inst.sessions[option.session]
        return option.cost + (0 if self.running(option.session) else session.class_cost)

    def sorted_chosen(self) -> list[int]:
        return sorted(self.chosen)
