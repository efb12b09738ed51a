"""The one entry point: `solve(instance, config) -> PlanResult`.

Steps: build the engine-neutral model; compute the greedy plan (always); the LP bound (GLOP);
run the chosen engine with the greedy plan as a hint; keep the better of engine and greedy;
`repair` (add whatever no rule blocks); explain; total up.

Determinism: every step is deterministic for a fixed instance, seed and settings (sorted
iteration everywhere; CP-SAT stops on deterministic time, see `cpsat.py`; HiGHS is deterministic
when it finishes within its wall-clock limit, see `highs.py`). Only `time_s` differs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Optional

from planner.optimise import explain
from planner.optimise.engine import EngineResult, Progress
from planner.optimise.greedy import greedy, repair
from planner.optimise.instance import MODES, Instance
from planner.optimise.model import build_model
from planner.optimise.objective import Objective
from planner.optimise.result import PlanResult, gap_of
from planner.optimise.state import PlanState

log = logging.getLogger("planner")

ENGINES = ("auto", "cpsat", "highs", "greedy")
AUTO_CPSAT_MAX_OPTIONS = 20_000


@dataclass(frozen=True)
class SolveConfig:
    engine: str = "auto"
    time_limit: float = 10.0
    seed: int = 0
    workers: int = 1
    mode: str = "coverage"
    rate: int = 100  # cost mode: thousand VND a priority point is worth
    lang: str = "vi"
    progress: Optional[Progress] = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, found {self.engine!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, found {self.mode!r}")
        if self.time_limit <= 0 or self.workers < 1:
            raise ValueError("time_limit must be > 0 and workers >= 1")


def violations_of(inst: Instance, chosen: set[int]) -> list:  # type: ignore[type-arg]
    from planner.optimise.constraints import RULES

    state = PlanState(inst, chosen)
    return [v for rule in RULES for v in rule.check(inst, state)]


def solve(inst: Instance, config: SolveConfig = SolveConfig()) -> PlanResult:
    """Plan `inst`; raises `InfeasiblePlanError` when the hard rules cannot all hold."""
    from planner.optimise.bound import LpInfeasible, lp_bound

    started = time.monotonic()
    objective = Objective(inst, config.mode, config.rate)
    model = build_model(inst, objective)
    greedy_plan = greedy(inst, objective)
    greedy_ok = not violations_of(inst, greedy_plan)
    try:
        bound = lp_bound(model, objective)
    except LpInfeasible:
        raise _error(_infeasible(inst, model, config)) from None
    engine = config.engine
    if engine == "auto":
        engine = "cpsat" if len(inst.options) <= AUTO_CPSAT_MAX_OPTIONS else "highs"
    deadline = started + config.time_limit
    if not greedy_ok:
        # Phase 1: greedy missed needs the term rule makes hard; find a plan meeting them.
        rescued = _meet_forced(inst, objective, greedy_plan, engine, config, deadline)
        if rescued is None:
            found = _infeasible(inst, model, config, hint=greedy_plan, proved=False)
            if isinstance(found, Exception):
                raise found
            rescued = found
        greedy_plan, greedy_ok = rescued, True
    hint = model.values_for(greedy_plan) if greedy_ok else None
    result = EngineResult("unknown")
    remaining = max(0.5, deadline - time.monotonic())
    if engine == "cpsat" or (engine == "greedy" and not greedy_ok):
        from planner.optimise.cpsat import solve_cpsat

        result = solve_cpsat(model, hint, time_limit=remaining, seed=config.seed,
                             workers=config.workers, progress=config.progress)
    elif engine == "highs":
        from planner.optimise.highs import solve_highs

        result = solve_highs(model, hint, time_limit=remaining, seed=config.seed,
                             workers=config.workers, progress=config.progress)
    if result.status == "infeasible":
        raise _error(_infeasible(inst, model, config, hint=greedy_plan))
    candidates = []
    if result.chosen is not None:
        if violations_of(inst, result.chosen):
            log.warning("engine %s returned a plan breaking a rule; ignored", engine)
        else:
            candidates.append((objective.combined(PlanState(inst, result.chosen)), 1, result.chosen))
    if greedy_ok:
        candidates.append((objective.combined(PlanState(inst, greedy_plan)), 0, greedy_plan))
    if not candidates:
        raise _error(_infeasible(inst, model, config, hint=greedy_plan, proved=False))
    best_value, from_engine, chosen = max(candidates, key=lambda c: (c[0], c[1]))
    chosen = repair(inst, objective, chosen)
    state = PlanState(inst, chosen)
    value = objective.reported(state)
    if result.bound is not None:
        bound = min(bound, objective.reported_bound(result.bound))
    if bound < value:
        log.warning("bound %d below objective %d (numerical tolerance); using the objective",
                    bound, value)
        bound = value
    proved = result.status == "optimal" and objective.combined(state) >= (result.objective or 0) - 0.5
    status = "optimal" if proved or bound == value else "feasible"
    lang = config.lang
    plan = PlanResult(
        status=status, objective=value, bound=bound, gap=gap_of(value, bound), engine=engine,
        seed=config.seed, time_s=round(time.monotonic() - started, 3),
        assignments=explain.assignments(inst, state, lang),
        unmet=explain.unmet(inst, objective, state, lang), totals=explain.totals(inst, state),
        mode=config.mode, name=inst.name, lang=lang, years=inst.years, chosen=tuple(sorted(chosen)),
        info={"engine_status": result.status, "greedy": objective.reported(PlanState(inst, greedy_plan))
              if greedy_ok else None, **result.info},
    )
    log.info("plan: %s", plan.summary())
    return plan


def _meet_forced(inst: Instance, objective: Objective, start: set[int], engine: str,
                 config: SolveConfig, deadline: float) -> set[int] | None:
    """Maximise the number of hard term needs met (the other rules hard), from the greedy plan.
    Returns a plan meeting all of them; raises InfeasiblePlanError when the maximum is proved
    to fall short; None when the time ran out first."""
    from planner.optimise.constraints import term_coverage
    from planner.optimise.instance import by_variable

    forced = term_coverage.forced(inst)
    soft = build_model(inst, objective, hard_term=False)
    for n in forced:
        if not by_variable(inst.needs[n]):
            soft.add("term_coverage", [(o, 1) for o in inst.options_by_need[n]]
                     + [(soft.need(n), -inst.needs[n].required)], lb=0)
    goal = {soft.need(n): 1 for n in forced}
    budget = max(0.5, 0.5 * (deadline - time.monotonic()))
    hint = soft.values_for(start)
    if engine == "highs":
        from planner.optimise.highs import solve_highs

        soft.objective = goal
        result = solve_highs(soft, hint, time_limit=budget, seed=config.seed, workers=config.workers)
    else:
        from planner.optimise.cpsat import solve_cpsat

        result = solve_cpsat(soft, hint, time_limit=budget, seed=config.seed,
                             workers=config.workers, objective=goal)
    if result.chosen is not None:
        state = PlanState(inst, result.chosen)
        if all(state.met(n) for n in forced) and not violations_of(inst, result.chosen):
            return set(result.chosen)
    if result.bound is not None and result.bound < len(forced) - 0.5:
        raise _error(_infeasible(inst, build_model(inst, objective), config, hint=start))
    log.warning("no plan meeting every hard term need found within the time limit")
    return None


def _infeasible(inst: Instance, model, config: SolveConfig, hint: set[int] | None = None,  # type: ignore[no-untyped-def]
                proved: bool = True):
    from planner.optimise.remedy import infeasible_error

    return infeasible_error(inst, model, time_limit=min(config.time_limit, 10.0),
                            seed=config.seed, lang=config.lang, hint=hint, proved=proved)


def _error(found):  # type: ignore[no-untyped-def]
    """`_infeasible` on a proved-infeasible model always yields the error."""
    if isinstance(found, Exception):
        return found
    from planner.errors import InfeasiblePlanError

    return InfeasiblePlanError("internal: elastic solve found a plan the engine called infeasible",
                               rule="term_coverage", officials=[], remedy="")
