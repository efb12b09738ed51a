"""When the hard rules cannot all hold: the best plan anyway (status `infeasible_rules`), who
falls short under which rule, and a remedy found for it (DESIGN §4).

Only the term-coverage rule forces anything. Deadlines and class minimums only forbid: a
deadline removes the sessions ending after it before any model is built (a need left without a
session is reported unmet and is not forced), and a class below its minimum does not run. So
the rule that falls short is term coverage, and the rules that keep its needs from being met —
seats, budget, days away, unit share, class minimum — are where the remedy lies.

The plan: candidate plans that break no rule but term coverage (the engines' plans, the
greedy orders with the hard needs first, and on small enough models CP-SAT maximising the hard
needs met from the best of them), ranked by hard needs met, then the objective (the
priorities), then made maximal by `repair`.

The remedy, when the elastic solve (`remedy.py`, least change) did not give one in time: the
plan is completed — each hard need it misses gets the option that overruns the capacity rules
least — and the overruns of that completed plan are the change reported (seats per session,
VND per budget line, days away per official and year, people per unit and week, participants
below a class minimum). It is sufficient by construction (with those extra seats, money and
days the completed plan breaks no rule), not proved least.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from planner.domain.message import Message, Money
from planner.optimise.constraints import RULES, term_coverage
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective
from planner.optimise.state import PlanState

RULE = term_coverage.NAME
# Rules a remedy may loosen (capacities); the others (prerequisites, no repeated content,
# deadlines) are facts of the official's history, not something money or seats change.
CAPACITY = ("seats", "budget", "time_away", "unit_share", "min_class")
# Above this many options the CP-SAT search for the most hard needs met is not tried (its
# model alone takes longer to build than a plan a planner waits for: 20,000 officials × 5
# years have ~800,000 options).
CPSAT_MAX_OPTIONS = 150_000


@dataclass(frozen=True)
class Shortfall:
    """One hard rule the plan does not meet: whom (official ids), how many needs, the remedy
    found (a `Message`: `plan.remedy.least` / `enough` with its changes), and the number of
    short needs per blocking cause (the unmet causes of those needs)."""

    rule: str
    officials: tuple[str, ...]
    count: int
    remedy: Message
    causes: dict[str, int] = field(default_factory=dict)


def breaks_only_term(inst: Instance, chosen: Iterable[int]) -> bool:
    """True when `chosen` breaks no hard rule except term coverage."""
    state = PlanState(inst, chosen)
    return not any(rule.NAME != RULE and rule.check(inst, state) for rule in RULES)


def forced_met(inst: Instance, chosen: Iterable[int]) -> int:
    state = PlanState(inst, chosen)
    return sum(1 for n in term_coverage.forced(inst) if state.met(n))


def best_plan(
    inst: Instance,
    objective: Objective,
    candidates: list[set[int]],
    *,
    deadline: float,
    seed: int,
    workers: int = 1,
    deterministic: bool = False,
    greedy_per_quick_build: float = 12.0,
) -> set[int]:
    """The plan meeting the most hard term needs, then the most priority points, among
    `candidates` and the greedy orders (and CP-SAT on the model with the term rule soft when it
    is small enough and time is left), made maximal by `repair`. `greedy_per_quick_build`: how
    many one-pass builds the full greedy takes (`solve.GREEDY_PER_QUICK_BUILD`)."""
    from planner.optimise.greedy import build_in_order, greedy, repair

    points = np.asarray(objective.option_points, dtype=float)
    plans = [p for p in candidates if breaks_only_term(inst, p)]
    built = time.monotonic()
    plans.append(
        set(build_in_order(inst, objective, points, None if deterministic else deadline).chosen)
    )
    quick_s = time.monotonic() - built
    # the full greedy (not interruptible) only when it fits in the time left
    if len(inst.options) <= CPSAT_MAX_OPTIONS and (
        deterministic or greedy_per_quick_build * quick_s <= deadline - time.monotonic()
    ):
        plans.append(greedy(inst, objective))
    plans = [p for p in plans if breaks_only_term(inst, p)]

    def rank(p: set[int]) -> tuple[int, int, int]:
        state = PlanState(inst, p)  # once per plan: ~800,000 options at 20,000 officials
        met = sum(1 for n in term_coverage.forced(inst) if state.met(n))
        return (met, objective.combined(state), -len(p))

    ranked = [(rank(p), k) for k, p in enumerate(plans)]
    best_rank, k = max(ranked, key=lambda r: (r[0], -r[1]), default=((0, 0, 0), -1))
    best = plans[k] if k >= 0 else set()
    left = deadline - time.monotonic()
    if len(inst.options) <= CPSAT_MAX_OPTIONS and (deterministic or left > 1.0):
        found = _most_forced(inst, objective, best, left, seed, workers)
        if found is not None and breaks_only_term(inst, found) and rank(found) > best_rank:
            best = found
    return repair(inst, objective, best)


def _most_forced(
    inst: Instance, objective: Objective, start: set[int], left: float, seed: int, workers: int
) -> set[int] | None:
    """CP-SAT on the individual model with the term rule soft: most hard needs met (each worth
    more than all the priority points together), then the priority points, from `start`."""
    from planner.optimise import aggregate
    from planner.optimise.arrays import solve_cpsat

    forced = term_coverage.forced(inst)
    soft = aggregate.build(
        inst,
        objective,
        aggregate.group(inst, singletons=True),
        hard_term=False,
        credit=frozenset(forced),
    )
    met = soft.met_var
    need_pos = soft.need_pos
    goal = np.zeros(soft.model.num_vars, dtype=np.int64)
    for n, pos in need_pos.items():  # the priorities: each need's weight once met
        var = met.get((inst.needs[n].official, pos))
        if var is not None:
            goal[var] = inst.needs[n].weight
    heavy = int(goal.sum()) + 1
    for n in forced:
        var = met.get((inst.needs[n].official, need_pos.get(n, -1)))
        if var is not None:
            goal[var] += heavy
    result = solve_cpsat(
        soft.model,
        time_limit=max(0.5, 0.8 * left),
        seed=seed,
        workers=workers,
        hint=soft.values_for(start),
        tuned=True,
        int_obj=goal,
    )
    return soft.chosen(result.x) if result.x is not None else None


def completion_remedy(inst: Instance, chosen: set[int]) -> Message:
    """A sufficient change: complete `chosen` with, for each hard need it misses, the option
    that overruns the capacity rules least, and report the overruns (`plan.remedy.enough`);
    `plan.remedy.structural` when some hard need has no option that only capacity blocks."""
    state = PlanState(inst, chosen)
    structural = False
    for n in term_coverage.forced(inst):
        while not state.met(n):
            options = [o for o in inst.options_by_need[n] if o not in state.chosen]
            scored = [(c, o) for o in options if (c := _overrun_cost(inst, state, o)) is not None]
            if not scored:
                structural = True
                break
            state.add(min(scored)[1])
    if structural:
        return Message("plan.remedy.structural")
    changes = overruns(inst, state)
    return Message("plan.remedy.enough", {"changes": tuple(changes)})


def _overrun_cost(inst: Instance, state: PlanState, o: int) -> tuple[int, int, int] | None:
    """How much adding `o` overruns the capacities (weighted like the elastic remedy: seats and
    people over money over days), or None when a rule no capacity change loosens blocks it."""
    for rule in RULES:
        if rule.NAME in CAPACITY or rule.NAME == RULE:
            continue
        if rule.blocks(inst, state, o) is not None:
            return None
    option = inst.options[o]
    session = inst.sessions[option.session]
    s = option.session
    seats = 1 if state.count[s] + 1 > session.seats else 0
    key = (session.year, session.source)
    left = inst.budget(*key) - state.spent[key]
    money = max(0, state.extra_cost(o) - max(0, left))
    days_left = inst.limits.max_days_away_per_year - state.days[(option.official, session.year)]
    days = max(0, session.days - max(0, days_left))
    people = 0
    if session.away:
        unit = inst.officials[option.official].unit
        cap = inst.unit_cap[unit]
        people = sum(1 for w in inst.session_weeks[s] if state.away[(unit, w)] + 1 > cap)
    below = 0
    if session.min_participants > 1 and state.count[s] + 1 < session.min_participants:
        below = 1
    # ties: the earliest session, then the option index (deterministic)
    return (1000 * (seats + people + below) + money // 1000 + 100 * days, session.start, o)


def overruns(inst: Instance, state: PlanState) -> list[Message]:
    """The capacity overruns of `state` as remedy changes (the messages `remedy.py` uses)."""
    changes: list[Message] = []
    for s, session in enumerate(inst.sessions):
        if state.count[s] > session.seats:
            changes.append(seats_change(inst, s, state.count[s] - session.seats))
    for (year, source), spent in sorted(state.spent.items()):
        if spent > inst.budget(year, source):
            changes.append(
                Message(
                    "plan.remedy.budget",
                    {
                        "extra": Money(spent - inst.budget(year, source)),
                        "source": source,
                        "year": year,
                    },
                )
            )
    limit = inst.limits.max_days_away_per_year
    for (official, _year), days in sorted(state.days.items()):
        if days > limit:
            changes.append(
                Message(
                    "plan.remedy.time_away",
                    {"extra": days - limit, "official": inst.officials[official].id},
                )
            )
    worst: dict[int, int] = defaultdict(int)
    for (unit, _week), away in state.away.items():
        if away > inst.unit_cap[unit]:
            worst[unit] = max(worst[unit], away - inst.unit_cap[unit])
    changes.extend(
        Message("plan.remedy.unit_share", {"extra": extra, "unit": inst.units[unit]})
        for unit, extra in sorted(worst.items())
    )
    for s, session in enumerate(inst.sessions):
        if 0 < state.count[s] < session.min_participants:
            changes.append(min_class_change(inst, s, state.count[s]))
    return changes


def seats_change(inst: Instance, s: int, extra: int) -> Message:
    session = inst.sessions[s]
    return Message(
        "plan.remedy.seats",
        {
            "extra": extra,
            "session": session.id,
            "course": inst.courses[session.course].id,
            "year": session.year,
        },
    )


def min_class_change(inst: Instance, s: int, participants: int) -> Message:
    """Open session `s` with `participants` (below its minimum): lower the minimum, or send
    that many more officials."""
    session = inst.sessions[s]
    return Message(
        "plan.remedy.min_class",
        {
            "session": session.id,
            "course": inst.courses[session.course].id,
            "year": session.year,
            "minimum": session.min_participants,
            "participants": participants,
            "extra": session.min_participants - participants,
        },
    )


def shortfalls(
    inst: Instance, state: PlanState, remedy: Message, causes: dict[int, str]
) -> list[Shortfall]:
    """The shortfall of the term rule in `state` (empty when every hard need is met);
    `causes`: need index → its unmet cause."""
    short = [n for n in term_coverage.forced(inst) if not state.met(n)]
    if not short:
        return []
    officials = tuple(sorted({inst.officials[inst.needs[n].official].id for n in short}))
    by_cause: dict[str, int] = defaultdict(int)
    for n in short:
        by_cause[causes.get(n, "term")] += 1
    return [Shortfall(RULE, officials, len(short), remedy, dict(sorted(by_cause.items())))]
