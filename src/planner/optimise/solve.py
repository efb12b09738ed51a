"""The one entry point: `solve(instance, config, progress) -> PlanResult`.

Engines (`SolveConfig.engine`):
- `auto` (planner's own method), chosen from the instance and recorded in the plan
  (`"method"`):
  - `cohort`: officials with identical options are grouped (`aggregate.py`); the aggregated LP
    (HiGHS) gives a bound and orders a greedy plan, HiGHS solves the aggregated MIP from that
    plan, and the counts are split back into individuals with the unit-share rule repaired
    (`split.py`). Used when cohorts are at most half the officials and the aggregated model
    has at most COHORT_MAX_COLUMNS columns.
  - `transport`: cohorts do not shrink the model (more than half the officials) or too varied
    for one aggregated model (fully individual needs at scale): the need-component transport LP
    (`transport.py`: the rules coupling officials kept, per-official rules dropped) bounds the
    plan in seconds and its shares order a greedy construction; on a model small enough
    (≤ LP_GREEDY_MAX_OPTIONS options) the full greedy plan is made too (alone, without the
    LP-ordered one, up to GREEDY_FIRST_MAX_OPTIONS), the LP of the exact individual model bounds
    it (with a second thread: beside the search, then the LP of the full model too), and the
    neighbourhood search (`lns.py`) improves the best plan
    on that model for the time left; with a long limit on a model of at most
    HANDOFF_MAX_COLUMNS columns, HiGHS's branch-and-cut takes over from the search's plan for
    most of it (its cuts bound the plan far better than the LP).
  - `colgen`: cohorts do not shrink the model and every official has few options
    (≤ COLGEN_MAX_OPTIONS_PER_OFFICIAL on average, ≤ COLGEN_MAX_OPTIONS in all: a one-year
    horizon of individual needs): the column generation below.
- `highs`, `cpsat`: the monolithic individual model with HiGHS or CP-SAT (baselines; CP-SAT
  `tuned` adds linearization level 2 and the greedy plan as a hint).
- `greedy`: the greedy plan, bounded by the aggregated LP when time is left.
- `colgen` (also chosen by `auto`, above): Dantzig–Wolfe column generation over each
  official's plan (`colgen.py`: the coupling rows in a restricted master LP, the one-official
  rows in an exact block pricing, a Lagrangian bound valid at every iteration, the seat links
  added as the master's point breaks them), plans in the order of its master LP, then the
  neighbourhood search on the exact model from the best plan (measured:
  benchmarks/results/RESULTS_2k.md and RESULTS_examples.md). Its bound is the Dantzig–Wolfe
  bound (at least as strong as the LP): tight where officials compete for seats and money
  (2,000 × 1 year: 0.5 %), far above the optimum where opening sessions with a minimum class
  and a fixed cost under a budget decides (thoi-binh: 101,226 against the optimum 80,900).
Every plan then goes through `repair` (add whatever no rule blocks), the explanations and the
totals. The bound is always valid for the individual problem: aggregated rows are sums of
individual rows, so the aggregated LP/MIP/dual bounds are relaxations.

When the hard rules cannot all hold (an engine proves it, or no plan meeting them is found in
time), `solve` still makes the best plan (`shortfall.py`: most hard term needs met, then the
priorities, inside the time limit), with status `infeasible_rules`, its shortfalls per rule
(who, how many, by cause) and the remedy (`remedy.py`'s least change when the elastic solve
proves it in the time left, else a sufficient change from completing the plan), and raises the
`Infeasible` error carrying it as `.plan` (`SolveConfig.best_effort=False`: no plan, as before).

Time limit: model building, bound, engine, split, repair and explanations all run inside
`config.time_limit` (a reserve proportional to the number of options is kept for the work after
the engine); only last resorts (no engine plan at all, hard term needs still unmet) may overrun,
and say so in `info["overrun"]`.

Determinism: for a fixed instance, seed and settings every step is deterministic (sorted
iteration everywhere, ties broken by index; CP-SAT with `tuned` stops on deterministic time with
interleaved workers; HiGHS and PDLP are deterministic for a fixed seed). A HiGHS/PDLP run cut
short by its wall-clock limit can stop at a different point on a slower or busier machine: give
a time limit the solve finishes within (small cases prove optimality) for byte-identical plans.
Only `time_s` always differs.
With `SolveConfig.work_limit` every method's stages stop on work, not on the clock (column
generation iterations, neighbourhood-search rounds, branch-and-bound nodes, exact pricing): the
plan is the same on any machine however loaded (tests/test_optimise_colgen.py,
tests/test_optimise_work.py); `work.budget` sizes such a limit from a time limit (what-if runs).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from planner.domain.message import Message
from planner.optimise import aggregate, explain, lns
from planner.optimise.aggregate import Aggregate
from planner.optimise.arrays import ArrayModel, ArrayResult, solve_cpsat, solve_highs
from planner.optimise.constraints import RULES, seats, term_coverage
from planner.optimise.greedy import build_in_order, greedy, repair
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective, effectiveness_weights
from planner.optimise.progress import Progress, Watch
from planner.optimise.result import Infeasible, PlanResult, gap_of
from planner.optimise.split import split
from planner.optimise.state import PlanState, Violation
from planner.optimise.view import Cohorts

log = logging.getLogger("planner")


class Engine(str, enum.Enum):
    AUTO = "auto"
    CPSAT = "cpsat"
    HIGHS = "highs"
    GREEDY = "greedy"
    COLGEN = "colgen"


class Mode(str, enum.Enum):
    COVERAGE = "coverage"
    COST = "cost"


ENGINES = tuple(e.value for e in Engine)


@dataclass(frozen=True)
class SolveConfig:
    engine: Engine = Engine.AUTO
    time_limit: float = 10.0
    seed: int = 0
    workers: int = 1
    mode: Mode = Mode.COVERAGE
    rate: int = 100  # cost mode: thousand VND a priority point is worth
    # Weight each course's points by its measured effectiveness (`planner.analysis.evaluate.
    # course_effectiveness`): course id → share reaching the target level, None = no data (1.0).
    weight_by_effectiveness: bool = False
    effectiveness: Mapping[str, float | None] | None = None
    tuned: bool = True  # cpsat engine: linearization level 2, greedy hint, interleaved workers
    # A deterministic work limit instead of the clock (tests, reproducible runs): `colgen` runs at
    # most this many column generation iterations and its HiGHS MIPs at most this many
    # branch-and-bound nodes; `highs` at most this many nodes. The time limit then only guards
    # against runaway solves (set it generously). None: the clock alone.
    work_limit: int | None = None
    # When the hard rules cannot all hold: make the best plan anyway (status `infeasible_rules`,
    # attached to the raised `Infeasible` as `.plan`); False: raise at once (no plan).
    best_effort: bool = True

    def __post_init__(self) -> None:
        for name, kind in (("engine", Engine), ("mode", Mode)):  # strings accepted (CLI, JSON)
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, kind(value))
            except ValueError:
                allowed = tuple(k.value for k in kind)
                raise ValueError(f"{name} must be one of {allowed}, found {value!r}") from None
        if self.time_limit <= 0 or self.workers < 1:
            raise ValueError("time_limit must be > 0 and workers >= 1")
        if self.work_limit is not None and self.work_limit < 1:
            raise ValueError("work_limit must be >= 1 (or None)")


@dataclass
class Found:
    """What one solve method returns: candidate plans (chosen options), the best bound it
    proved on the reported objective, and how it went (recorded in `PlanResult.info`)."""

    plans: list[set[int]] = field(default_factory=list)
    bound: int | None = None
    info: dict[str, object] = field(default_factory=dict)
    # live progress (`progress.Watch`): told of every candidate meeting the rules and every bound
    watch: Watch | None = None
    inst: Instance | None = None
    objective: Objective | None = None

    def tighten(self, bound: int | None) -> None:
        if bound is not None:
            self.bound = bound if self.bound is None else min(self.bound, bound)
            if self.watch is not None:
                self.watch.proved(self.bound)

    def add(self, plan: set[int]) -> None:
        """A candidate plan (the caller keeps the best valid one)."""
        self.plans.append(plan)
        watch, inst, objective = self.watch, self.inst, self.objective
        if (
            watch is not None
            and inst is not None
            and objective is not None
            and not violations_of(inst, plan)
        ):
            watch.plan_value(objective.reported(PlanState(inst, plan)))

    def plan_worth(self, value: int) -> None:
        """A plan meeting every rule, worth `value` (reported objective), found on the way (the
        neighbourhood search's incumbent): progress only, not a candidate."""
        if self.watch is not None:
            self.watch.plan_value(value)


def violations_of(inst: Instance, chosen: set[int]) -> list[Violation]:
    state = PlanState(inst, chosen)
    return [v for rule in RULES for v in rule.check(inst, state)]


def solve(
    inst: Instance, config: SolveConfig | None = None, progress: Progress | None = None
) -> PlanResult:
    """Plan `inst`; raises `InfeasiblePlanError` (`result.Infeasible`) when the hard rules cannot
    all hold. `progress` is called whenever the best plan or the bound improves (a plan
    meeting every rule: the final one is at least as good) and with the final pair.

    Everything (model building, bound, engine, splitting, repair, explanations) runs inside
    `config.time_limit`, except the rare last resorts (no engine plan at all, or hard term needs
    still unmet), which are reported in `info["overrun"]`.
    """
    config = config or SolveConfig()
    started = time.monotonic()
    deadline = started + config.time_limit
    objective = Objective(
        inst, config.mode, config.rate, effectiveness=_effectiveness(inst, config)
    )
    found = Found()
    watch = Watch(progress, started) if progress is not None else None
    try:
        found = _run(inst, objective, config, deadline, watch)
        plan = _finish(inst, objective, config, found, started)
    except Infeasible as error:
        if not config.best_effort:
            raise
        result = _best_effort(inst, objective, config, error, found.plans, started)
        if isinstance(result, Infeasible):
            raise result from None
        plan = result
    if progress is not None:
        progress(float(plan.objective), float(plan.bound), plan.time_s)
    return plan


def carry(
    inst: Instance, config: SolveConfig, assignments: list[tuple[str, str, str]], bound: int | None
) -> PlanResult | None:
    """A plan made for another variant of the case, carried into `inst` (a what-if variant that
    only loosens that one: more money, seats or sessions): its assignments (official, course,
    session) as options here, made maximal by `repair` and explained; `bound`: this instance's
    own proved bound (None: the trivial one). None when an assignment is no option here or the
    plan breaks a rule here (the variant did not only loosen it)."""
    started = time.monotonic()
    objective = Objective(
        inst, config.mode, config.rate, effectiveness=_effectiveness(inst, config)
    )
    chosen = set()
    for key in assignments:
        o = inst.option_index.get(key)
        if o is None:
            return None
        chosen.add(o)
    if violations_of(inst, chosen):
        return None
    chosen = repair(inst, objective, chosen)
    found = bound if bound is not None else _trivial_bound(inst, objective)
    plan = _result(inst, objective, config, chosen, found, {"method": "carried"})
    plan.time_s = round(time.monotonic() - started, 3)
    return plan


def _run(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    watch: Watch | None = None,
) -> Found:
    cohorts = aggregate.group(inst) if config.engine is Engine.AUTO else None
    method = method_of(inst, config.engine, cohorts)
    if method == "cohort" and cohorts is not None:
        return _cohort_method(inst, objective, config, deadline, cohorts, watch)
    if method == "exact":
        return _exact_method(inst, objective, config, deadline, watch)
    if method == "colgen":
        return _colgen_method(inst, objective, config, deadline, watch)
    if method == "transport" and cohorts is not None:
        return _transport_method(inst, objective, config, deadline, cohorts, watch)
    if method in ("highs", "cpsat"):
        return _monolithic(inst, objective, config, deadline, watch)
    return _greedy_method(inst, objective, config, deadline, watch)


def method_of(inst: Instance, engine: Engine | str, cohorts: Cohorts | None = None) -> str:
    """The method `engine` runs on `inst`: with `auto`, cohort (cohorts shrink the model), exact
    (small: branch-and-cut proves it), colgen (individual needs, few options each) or transport
    (cohorts too varied); otherwise the engine's own: highs, cpsat (monolithic), colgen or
    greedy."""
    engine = Engine(engine)
    if engine is Engine.AUTO:
        cohorts = cohorts if cohorts is not None else aggregate.group(inst)
        if (
            len(cohorts) <= AUTO_COHORT_SHARE * len(inst.officials)
            and aggregate.columns(inst, cohorts) <= COHORT_MAX_COLUMNS
        ):
            return "cohort"
        if 0 < len(inst.options) <= EXACT_MAX_OPTIONS:
            return "exact"
        if _colgen_shape(inst):
            return "colgen"
        return "transport"
    return str(engine.value)


def _best_effort(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    error: Infeasible,
    candidates: list[set[int]],
    started: float,
) -> Infeasible | PlanResult:
    """The hard rules cannot all hold (or no plan meeting them was found in time): the best
    plan anyway, status `infeasible_rules`, with its shortfalls and remedy (`shortfall.py`),
    attached to the error that is raised (or, when the remedy's search finds a plan meeting
    every rule after all, that plan)."""
    from planner.optimise import shortfall

    chosen = shortfall.best_plan(
        inst,
        objective,
        candidates,
        # the reserve kept back, as in the engines: repair, the remedy and the explanations
        # follow (measured at 20,000 officials × 5 years: 7 s over the limit without it)
        deadline=started + config.time_limit - _reserve(inst, config),
        seed=config.seed,
        workers=config.workers,
        deterministic=config.work_limit is not None,
        greedy_per_quick_build=GREEDY_PER_QUICK_BUILD,
    )
    remedy = _best_remedy(inst, objective, config, error, chosen, started)
    if isinstance(remedy, set):  # the elastic solve met every rule with no slack: a plan
        return _finish(
            inst, objective, config, Found([remedy], info={"method": "elastic"}), started
        )
    state = PlanState(inst, chosen)
    info: dict[str, object] = {"method": "shortfall", "officials": len(inst.officials)}
    plan = _result(inst, objective, config, chosen, _trivial_bound(inst, objective), info)
    forced = {
        (inst.officials[inst.needs[n].official].id, inst.needs[n].id): n
        for n in term_coverage.forced(inst)
    }
    causes = {
        forced[(u.official_id, u.need)]: u.cause
        for u in plan.unmet
        if (u.official_id, u.need) in forced
    }
    plan.shortfalls = tuple(shortfall.shortfalls(inst, state, remedy, causes))
    plan.status = "infeasible_rules"
    plan.time_s = round(time.monotonic() - started, 3)
    officials = list(plan.shortfalls[0].officials) if plan.shortfalls else error.officials
    raised = Infeasible(officials, remedy, rule=error.rule)
    raised.plan = plan
    log.info("plan: %s", plan.summary())
    return raised


def _best_remedy(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    error: Infeasible,
    chosen: set[int],
    started: float,
) -> Message | set[int]:
    """The least change (elastic solve, in the time left), else a sufficient one from
    completing the plan (`shortfall.completion_remedy`); a plan when the elastic solve needs
    no change at all."""
    from planner.optimise import shortfall
    from planner.optimise.remedy import infeasible_error

    proved = getattr(error, "proved", True)
    if error.facts.key != "plan.remedy.not_found":  # best effort off or a remedy given already
        return error.facts
    deterministic = config.work_limit is not None
    left = started + config.time_limit - time.monotonic()
    elastic: Message | None = None
    if len(inst.options) <= shortfall.CPSAT_MAX_OPTIONS:
        found = infeasible_error(
            _individual(inst, objective),
            time_limit=min(config.time_limit, 10.0) if deterministic else max(1.0, left),
            seed=config.seed,
            hint=chosen,
            proved=proved,
            wall=None if deterministic else max(1.0, left),
        )
        if isinstance(found, set):
            if not violations_of(inst, found):
                return found
        elif found.facts.key == "plan.remedy.least":
            return found.facts
        else:
            elastic = found.facts
    completed = shortfall.completion_remedy(inst, chosen)
    if completed.key == "plan.remedy.structural":
        if elastic is not None and elastic.key == "plan.remedy.enough":
            return elastic
        return completed if proved else Message("plan.remedy.not_found", {"changes": ()})
    return completed if proved else Message("plan.remedy.not_found", completed.args)


def _effectiveness(inst: Instance, config: SolveConfig) -> tuple[float, ...] | None:
    if not config.weight_by_effectiveness:
        return None
    return effectiveness_weights(inst, config.effectiveness)


def _reserve(inst: Instance, config: SolveConfig) -> float:
    """Seconds kept for splitting, repair and explanations after the engine stops."""
    return min(0.45 * config.time_limit, 0.2 + 2.5e-5 * len(inst.options))


def _left(deadline: float, reserve: float = 0.0) -> float:
    return deadline - reserve - time.monotonic()


def _individual(inst: Instance, objective: Objective) -> Aggregate:
    """The individual model: singleton cohorts with the unit rows."""
    return aggregate.build(inst, objective, aggregate.group(inst, singletons=True))


def _since(deadline: float, config: SolveConfig) -> float:
    return round(time.monotonic() + config.time_limit - deadline, 3)


def _model_info(
    method: str, cohorts: int, inst: Instance, model: object, t0: float
) -> dict[str, object]:
    return {
        "method": method,
        "cohorts": cohorts,
        "officials": len(inst.officials),
        "columns": model.num_vars,  # type: ignore[attr-defined]
        "rows": model.num_rows,  # type: ignore[attr-defined]
        "build_s": round(time.monotonic() - t0, 3),
    }


AUTO_COHORT_SHARE = 0.5  # aggregate when cohorts are at most this share of the officials


def _cohort_method(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    cohorts: Cohorts,
    watch: Watch | None = None,
) -> Found:
    """planner's own method: cohort aggregation (DESIGN §6), the aggregated LP for a bound and an
    LP-guided greedy plan, then HiGHS on the aggregated MIP from that plan, split back, and a
    polish on the exact model. With `config.work_limit` the aggregated MIP stops on that many
    nodes (the clock a guard only) and the polish is left out."""
    t0 = time.monotonic()
    agg = aggregate.build(inst, objective, cohorts)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info=_model_info("cohort", len(cohorts), inst, agg.model, t0),
    )
    info = found.info
    reserve = _reserve(inst, config)
    work = config.work_limit
    hint = None
    guided_size = len(inst.options) <= LP_GREEDY_MAX_OPTIONS  # the LP's solution orders a plan
    if guided_size and len(inst.options) > COHORT_QUICK_MIN_OPTIONS:
        # A large model: a plan in points order first (interruptible, about a second at 84k
        # options), so that an LP cut by the clock still leaves the MIP a start and the user a
        # plan (2,000 officials × 5 years, role needs: without it the LP ran out at 5 s of its
        # 7.7 s and the MIP, unhinted, ended at 7.7 M where greedy finds 11.8 M).
        points = np.asarray(objective.option_points, dtype=float)
        quick = set(build_in_order(inst, objective, points, _clock(config, deadline)).chosen)
        if not violations_of(inst, quick):
            found.add(quick)
            info["first_plan_s"] = _since(deadline, config)
            hint = agg.values_for(quick)
    lp_share = COHORT_LP_SHARE if guided_size else COHORT_LP_SHARE_BOUND_ONLY
    lp = solve_highs(
        agg.model,
        relax=True,
        time_limit=_stage_limit(config, max(0.2, lp_share * _left(deadline, reserve))),
        seed=config.seed,
    )
    if lp.status == "infeasible":
        raise _infeasible(inst, objective, config)
    if lp.bound is not None:
        found.tighten(agg.reported_bound(lp.bound))
        info["lp_bound"] = found.bound
    info["lp_s"] = round(lp.time_s, 3)
    if lp.x is not None and guided_size:
        guided = _lp_greedy(inst, objective, agg, lp.x)
        if not violations_of(inst, guided):
            found.add(guided)
            info.setdefault("first_plan_s", _since(deadline, config))
            hint = agg.values_for(_best_plan(inst, objective, found))
    left = _left(deadline, reserve)
    if work is not None or left > 0.3:
        mip = solve_highs(
            agg.model,
            time_limit=_stage_limit(config, HIGHS_SHARE * left),
            seed=config.seed,
            hint=hint,
            node_limit=work,
        )
        info["engine"] = "highs"
        info["mip_status"] = mip.status
        info["mip_s"] = round(mip.time_s, 3)
        if mip.status == "infeasible":
            raise _infeasible(inst, objective, config)
        found.tighten(agg.reported_bound(mip.bound) if mip.bound is not None else None)
        if mip.x is not None:
            found.add(split(agg, mip.x, objective))
            info.setdefault("first_plan_s", _since(deadline, config))
    # Time left and a model small enough: polish on the exact individual model (the unit-share
    # rule per unit and week, which the cohorts only sum). Not under a work limit: HiGHS's root
    # cut rounds on that model are not counted as nodes (400 officials: 28 nodes took 100 s), so
    # no node limit bounds them and the clock guard would decide the plan.
    left = _left(deadline, reserve)
    if found.plans and work is None and left > 2.0 and guided_size:
        exact = _individual(inst, objective)
        left = _left(deadline, reserve)
        if left > 1.0:
            # no hint: the best plan so far stays a candidate in _finish anyway
            polish = solve_highs(
                _branching_model(exact), time_limit=HIGHS_SHARE * left, seed=config.seed
            )
            info["polish"] = polish.status
            if polish.bound is not None:
                found.tighten(exact.reported_bound(polish.bound))
            if polish.x is not None:
                found.add(split(exact, polish.x, objective))
    return found


LP_GREEDY_MAX_OPTIONS = 150_000
# Cohort method: the aggregated LP's share of the time left when its solution orders the guided
# plan (2,000 officials × 5 years, role needs: the LP takes 7.7 s, 0.4 of the 13 s left cut it
# and left no guided plan), and when it only gives the bound (above LP_GREEDY_MAX_OPTIONS, as
# measured at 20k-300k officials); above COHORT_QUICK_MIN_OPTIONS options a quick plan first.
COHORT_LP_SHARE = 0.6
COHORT_LP_SHARE_BOUND_ONLY = 0.4
COHORT_QUICK_MIN_OPTIONS = 20_000


def _best_plan(inst: Instance, objective: Objective, found: Found) -> set[int]:
    """The best of the candidate plans so far (there is at least one), a plan meeting every
    rule before any that breaks one (a quick plan can leave a hard term need unmet)."""
    return max(
        found.plans,
        key=lambda p: (not violations_of(inst, p), objective.combined(PlanState(inst, p))),
    )


# auto → colgen when cohorts do not shrink the model and each official has few options (a
# one-year horizon): measured at 2,000 officials × 1 year, individual needs (~15 options each),
# and examples/thoi-binh (~20), where it beats the transport method; at ~40 options per
# official (five years: 2,000 × 5 y, huong-khe) the pricing and master LPs are too slow for the
# limit and the transport method stays (benchmarks/results/RESULTS_2k.md).
COLGEN_MAX_OPTIONS_PER_OFFICIAL = 25
COLGEN_MAX_OPTIONS = 60_000


def _colgen_shape(inst: Instance) -> bool:
    n = len(inst.options)
    return 0 < n <= COLGEN_MAX_OPTIONS and n <= COLGEN_MAX_OPTIONS_PER_OFFICIAL * len(
        inst.officials
    )


CG_SHARE = 0.5  # colgen: of the time left, at most this much for the column generation
# On the clock the column generation stops once its bound is this close to the master LP
# (relative): the last 0.02 % of the bound took as long as the rest (2,000 officials × 1 year,
# seed 1: 2,472,615 after 9 iterations, 2,472,392 after 16), time the plan needs more.
CG_CLOCK_TOL = 2e-4
HIGHS_SHARE = 0.8  # of the time left: HiGHS checks its clock only between phases
# HiGHS with a hint does its presolve and hint completion whatever its time limit (measured:
# ~6 s over a 3.4 s limit on 83k columns), so that much is kept back from its limit.
HIGHS_OVERHEAD_PER_COLUMN = 7.5e-5
# The full greedy (two orders, each filling and closing small classes a few times) takes about
# this many times the transport-ordered build (measured at 2k officials × 5 years: ~12 s vs ~1 s).
GREEDY_PER_QUICK_BUILD = 12.0
# The search's model (the exact individual model and its index structures) takes about this
# many times the quick build (2,000 officials × 5 years: 2.4 s against 0.8 s).
SEARCH_MODEL_PER_QUICK_BUILD = 3.0
# Up to this many options the transport method makes the full greedy plan first, without the
# quick LP-ordered one (huong-khe, 18,568 options: the greedy in 1.6 s, the quick plan 0.3 s
# more that never won); above it the quick plan comes first, in case the greedy does not fit
# (2,000 officials × 5 years, 83k options: the greedy ~5 s).
GREEDY_FIRST_MAX_OPTIONS = 30_000
# Above this many cohort options the aggregated LP no longer finishes within a minute (measured:
# 416k columns, 7,829 cohorts, 20,000 officials with individual needs: no LP in 120 s): the
# transport relaxation instead.
COHORT_MAX_COLUMNS = 200_000


def _transport_method(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    cohorts: Cohorts,
    watch: Watch | None = None,
) -> Found:
    """Cohorts too varied for one aggregated model (fully individual needs at scale): the
    need-component transport LP (`transport.py`) gives the bound in seconds, and its shares
    order the greedy construction; the plan is then made maximal by `repair`."""
    from planner.optimise import transport

    t0 = time.monotonic()
    reserve = _reserve(inst, config)
    relaxation = transport.build(inst, objective)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info=_model_info("transport", len(cohorts), inst, relaxation.model, t0),
    )
    info = found.info
    info["groups"] = len(relaxation.group_size)
    work = config.work_limit
    lp = solve_highs(
        relaxation.model,
        relax=True,
        seed=config.seed,
        time_limit=_stage_limit(config, max(0.5, 0.5 * _left(deadline, reserve))),
    )
    info["lp_s"] = round(lp.time_s, 3)
    if lp.status == "infeasible":
        raise _infeasible(inst, objective, config)
    found.tighten(relaxation.bound(lp.bound) if lp.bound is not None else None)
    if found.bound is not None:
        info["lp_bound"] = found.bound
    points = np.asarray(objective.option_points, dtype=float)
    if lp.x is not None:
        share = relaxation.option_share(lp.x)
        score = np.where(
            share >= 0, np.round(share * 1000) * (points.max(initial=0) + 1) + points, -np.inf
        )
    else:  # the LP did not finish: points order
        score = np.where(relaxation.option_column >= 0, points, -np.inf)

    # The search's model, with its LPs on the second thread while this one makes the plans
    # (after the quick plan, so a first plan comes as soon as before).
    def search_model() -> _SearchModel | None:
        if len(inst.options) <= LP_GREEDY_MAX_OPTIONS and _lps_beside(config):
            return _search_model(inst, objective, config, deadline - reserve - 0.1)
        return None

    if len(inst.options) <= GREEDY_FIRST_MAX_OPTIONS:
        prepared = search_model()
        # A small model: the full greedy at once, its plan the search's start (the quick plan
        # would only be a fallback it never needs: huong-khe, 2,430,520 against 1,900,004)
        first = greedy(inst, objective)
        info["first_plan_s"] = _since(deadline, config)
        if not violations_of(inst, first):
            found.add(first)
        else:  # a hard term need the greedy could not meet: the quick plan beside it
            found.add(set(build_in_order(inst, objective, score, None).chosen))
        _search_or_collect(inst, objective, config, found, deadline - reserve, prepared)
        return found
    built = time.monotonic()
    quick = set(build_in_order(inst, objective, score, _clock(config, deadline - reserve)).chosen)
    found.add(quick)
    quick_s = time.monotonic() - built
    info["first_plan_s"] = _since(deadline, config)
    quick_broken = bool(violations_of(inst, quick))
    greedy_s = GREEDY_PER_QUICK_BUILD / 2 * quick_s
    # The quick plan leaves a hard term need unmet and the time left does not hold both the
    # search's model and the greedy: the greedy first, the surest way to a plan meeting every
    # hard rule (2,000 officials × 5 years, seed 1, `--time-limit 10`: the model took 2.4 s,
    # no time was left for the greedy, and the fallback greedy after the limit ended at 22 s
    # with status infeasible_rules and no shortfall).
    greedy_first = (
        work is None
        and quick_broken
        and len(inst.options) <= LP_GREEDY_MAX_OPTIONS
        and (greedy_s + SEARCH_MODEL_PER_QUICK_BUILD * quick_s) > _left(deadline, reserve)
    )
    if greedy_first:
        info["greedy"] = "first: the quick plan left a hard term need unmet"
        first = greedy(inst, objective, ratio_order=False)
        if not violations_of(inst, first):
            found.add(first)
    prepared = None
    if not greedy_first or _left(deadline, reserve) > SEARCH_MODEL_PER_QUICK_BUILD * quick_s + 1:
        prepared = search_model()
    if (
        len(inst.options) > LP_GREEDY_MAX_OPTIONS
        or (work is None and _left(deadline, reserve) < 1.0)
        or (greedy_first and prepared is None)
    ):
        _collect(prepared, found)
        return found
    # A small model: the greedy too when it fits in the time left (it is not interruptible), in
    # its points order only (the ratio order took another 5-5.5 s on 2,000 officials × 5 years
    # and won one seed of three by 0.1 %: the search makes more of those seconds), then the
    # neighbourhood search on the exact individual model from the best plan (`lns.py`: HiGHS's
    # branch-and-cut on the whole model spends the default limit on its root node there).
    # Also when the quick plan leaves a hard term need unmet: the full greedy (forced needs first,
    # opening classes for them) is the surest way to a plan meeting every hard rule, and the later
    # it starts the more it overruns (2,000 officials × 5 years, seed 1, 6 s: the search could
    # not repair the quick plan, whose two leaders needed a class the year's budget could not
    # pay, and the greedy fallback after it ended at 12.5 s).
    if not greedy_first:  # (else made above)
        if work is not None or quick_broken or greedy_s <= _left(deadline, reserve):
            first = greedy(inst, objective, ratio_order=False)
            if not violations_of(inst, first):
                found.add(first)
        else:
            info["greedy"] = "skipped: would not fit in the time limit"
    _search_or_collect(inst, objective, config, found, deadline - reserve, prepared)
    return found


def _search_or_collect(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    found: Found,
    until: float,
    prepared: _SearchModel | None,
) -> None:
    """The neighbourhood search from the best plan when there is time for it (with a work
    limit, always); else only the bounds of the LPs already running beside."""
    if config.work_limit is not None or until - time.monotonic() > 0.5:
        start = _best_plan(inst, objective, found)
        _improve_by_lns(inst, objective, config, start, found, until, prepared)
    else:
        _collect(prepared, found)


def _collect(prepared: _SearchModel | None, found: Found) -> None:
    """The bounds of the LPs running beside (waiting for them: they stop at their limit)."""
    if prepared is not None and prepared.pending is not None and prepared.pool is not None:
        for result in prepared.pending.result():
            _take_lp_bound(prepared.exact, result, found)
        prepared.pool.shutdown()
        prepared.pending = None


LNS_LP_SHARE = 0.3  # of the time left for the neighbourhood search: at most this for its LP bound
# With at least this many seconds left after the LP, the search gets HANDOFF_LNS_SHARE of them
# and HiGHS's branch-and-cut on the same model the rest, from the search's plan: below it HiGHS
# spends the time on its root node (huong-khe: ~12 s) and the search alone is better.
# Only on models HiGHS's root finishes early on: measured with a 55 s limit on 2,000 officials ×
# 5 years (83k columns) the hand-off ended at 8.6 % against 7.7 % for the search alone (the
# root never finished), on huong-khe (18.6k columns, 40 s) at 1.6 % against 6.0 %.
HANDOFF_MIN_S = 25.0
HANDOFF_MAX_COLUMNS = 40_000
HANDOFF_LNS_SHARE = 0.1


def _clock(config: SolveConfig, deadline: float) -> float | None:
    """The deadline a clock-checking step gets: none with a work limit (deterministic runs)."""
    return None if config.work_limit is not None else deadline


def _stage_limit(config: SolveConfig, seconds: float) -> float:
    """A stage's time limit: `seconds` on the clock, or with a work limit the whole time limit
    (a guard only: the stage then stops on work)."""
    return config.time_limit if config.work_limit is not None else seconds


def lns_layout(inst: Instance, exact: Aggregate) -> lns.Layout:
    """The neighbourhood search's index structures for the exact model as branch-and-cut gets
    it: each official's columns, and who may attend each session."""
    session_officials: list[set[int]] = [set() for _ in inst.sessions]
    for option in inst.options:
        session_officials[option.session].add(option.official)
    return lns.layout(
        _branching_model(exact), exact.column_cohort(), session_officials, exact.run_var
    )


@dataclass
class _SearchModel:
    """The exact individual model the neighbourhood search works on, its index structures, and
    the LPs bounding it when they run on a second thread (`pending`, from `pool`)."""

    exact: Aggregate
    lay: lns.Layout
    pool: ThreadPoolExecutor | None = None
    pending: Future[list[ArrayResult]] | None = None


def _search_model(
    inst: Instance, objective: Objective, config: SolveConfig, until: float
) -> _SearchModel:
    """The search's model; with a second thread (`_lps_beside`, and no hand-off to come) its
    LPs start at once on it and run until `until`: the search model's LP, then while time is
    left the LP of the full model, whose seat links bound more tightly when a class opens for a
    few (huong-khe: 2,811,325 in 1.9-2.2 s against 2,839,126 in 0.3 s). Started before the
    greedy plan, which holds the main thread in Python for seconds (2,000 officials × 5 years:
    the search model's LP takes 9.4 s alone and ~11.5 s beside other work; started after the
    greedy it did not finish within 20 s)."""
    exact = _individual(inst, objective)
    model = _SearchModel(exact, lns_layout(inst, exact))
    if not _lps_beside(config) or _handoff(config, until, exact.model.num_vars):
        return model
    seed = config.seed

    def both_lps() -> list[ArrayResult]:
        lay_model = model.lay.model
        out = [solve_highs(lay_model, relax=True, seed=seed, time_limit=max(0.2, _left(until)))]
        if _left(until) > 0.5:
            out.append(
                solve_highs(exact.model, relax=True, seed=seed, time_limit=max(0.2, _left(until)))
            )
        return out

    model.pool = ThreadPoolExecutor(max_workers=1)
    model.pending = model.pool.submit(both_lps)
    return model


def _lps_beside(config: SolveConfig) -> bool:
    """Whether the search's LPs run on a second thread (the clock, not a work limit, stops)."""
    return config.work_limit is None and config.workers >= 2


def _improve_by_lns(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    start: set[int],
    found: Found,
    until: float,
    prepared: _SearchModel | None = None,
) -> None:
    """The neighbourhood search (`lns.py`) on the exact individual model from `start` until
    `until` (or, with `config.work_limit`, for that many rounds, the time limit a guard only);
    its plan joins the candidates. With a long limit on a model HiGHS's root finishes early on
    (HANDOFF_*), the search gets a tenth of the time and HiGHS's branch-and-cut on the exact
    model, from the search's plan, the rest (its bound and plan join too). `prepared`: the
    search's model made earlier (its LPs already running beside)."""
    # The LP of the model the search works on (seat links left out: valid, since integral plans
    # meet them through the seats rows) bounds the plan far better than the transport relaxation
    # when sessions open for a few, and costs a fraction of the full LP (huong-khe: 2,839,126 in
    # 0.3 s; the full LP 2,811,325 in 1.9-2.2 s; the transport LP 3,146,013).
    # With a second solver thread (`config.workers` ≥ 2) the LPs run beside the search for the
    # whole time instead of a share before it: HiGHS and the search's sub-MIPs release the GIL
    # (measured at 2,000 officials × 5 years: the LP 9.4 s alone, 11.5 s beside 8 rounds that
    # took 6.6 s alone and 8.4 s beside it), so the LP finishes where its share would not.
    # (Not with the hand-off below, which follows a short search and needs no LP bound.)
    if prepared is None:
        prepared = _search_model(inst, objective, config, until - 0.1)
    exact, lay = prepared.exact, prepared.lay
    handoff = _handoff(config, until, lay.model.num_vars)
    if prepared.pending is None:
        share = max(0.2, LNS_LP_SHARE * (until - time.monotonic()))
        lp = solve_highs(
            lay.model, relax=True, seed=config.seed, time_limit=_stage_limit(config, share)
        )
        _take_lp_bound(exact, lp, found)
    left = until - time.monotonic()
    search_until = time.monotonic() + (HANDOFF_LNS_SHARE * left if handoff else left)
    search = _polish_by_lns(objective, config, exact, lay, start, found, search_until)
    _collect(prepared, found)
    if handoff:
        # A long limit: HiGHS's branch-and-cut on the full exact model (the seat links help its
        # heuristics here) from the search's plan for the rest, for its cuts (a far better bound
        # than the LP) and its tree. Measured on huong-khe at 40 s: this 2,674,140 / bound
        # 2,718,588; HiGHS alone 2,679,110 / 2,740,157; the search alone 2,667,405 / 2,839,126;
        # on the model without seat links, or with a 30 % search share, 2.61-2.63 M.
        rest = until - time.monotonic() - HIGHS_OVERHEAD_PER_COLUMN * lay.model.num_vars
        if rest > 1.0:
            mip = solve_highs(exact.model, time_limit=rest, seed=config.seed, hint=search.x)
            found.info["handoff"] = mip.status
            _take_exact(inst, objective, config, exact, mip, found)


def _handoff(config: SolveConfig, until: float, columns: int) -> bool:
    """A long limit on a model HiGHS's root finishes early on: the search hands over to
    HiGHS's branch-and-cut (HANDOFF_*)."""
    return (
        config.work_limit is None
        and until - time.monotonic() >= HANDOFF_MIN_S
        and columns <= HANDOFF_MAX_COLUMNS
    )


def _take_lp_bound(exact: Aggregate, lp: ArrayResult, found: Found) -> None:
    if lp.bound is not None:
        bound = exact.reported_bound(lp.bound)
        found.tighten(bound)
        found.info["exact_lp_bound"] = bound


# auto → exact when the individual model is this small: HiGHS's branch-and-cut on it (seat links
# left out, `_branching_model`) from the greedy plan proves optimality within the default limit
# (examples/thoi-binh, 2,188 options: 2.9-3.6 s), where the column generation's Dantzig–Wolfe
# bound is no stronger than the LP (101,226 against the optimum 80,900) and only costs time.
EXACT_MAX_OPTIONS = 5_000


def _exact_method(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    watch: Watch | None = None,
) -> Found:
    """The greedy plan, then HiGHS on the exact individual model from it for the time left."""
    t0 = time.monotonic()
    exact = _individual(inst, objective)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info=_model_info("exact", len(inst.officials), inst, exact.model, t0),
    )
    info = found.info
    first = greedy(inst, objective)
    hint = None
    if not violations_of(inst, first):
        found.add(first)
        info["first_plan_s"] = _since(deadline, config)
        hint = exact.values_for(first)
    work = config.work_limit
    left = (
        config.time_limit
        if work is not None
        else HIGHS_SHARE * _left(deadline, _reserve(inst, config))
    )
    mip = solve_highs(
        _branching_model(exact),
        time_limit=max(0.3, left),
        seed=config.seed,
        hint=hint,
        node_limit=work,
    )
    _take_exact(inst, objective, config, exact, mip, found)
    return found


def _take_exact(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    exact: Aggregate,
    mip: ArrayResult,
    found: Found,
) -> None:
    """What a HiGHS run on the exact model gives the method: its status, its bound and its plan
    (split back into options); an infeasible model is the hard rules failing."""
    found.info["exact"] = mip.status
    found.info["exact_s"] = round(mip.time_s, 3)
    if mip.status == "infeasible":
        raise _infeasible(inst, objective, config)
    if mip.bound is not None:
        found.tighten(exact.reported_bound(mip.bound))
    if mip.x is not None:
        found.add(split(exact, mip.x, objective))


def _colgen_method(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    watch: Watch | None = None,
) -> Found:
    """Dantzig–Wolfe column generation over each official's plan (`colgen.py`): the Lagrangian
    bound of the master's duals (valid at every iteration), the greedy plan in the order of the
    master LP after every iteration, then the neighbourhood search on the exact model from the
    best plan. With `config.work_limit` the generation stops on that many iterations and the
    search on that many rounds, not on the clock: the plan is then the same on any machine."""
    from planner.optimise import colgen

    t0 = time.monotonic()
    work = config.work_limit
    reserve = _reserve(inst, config)
    exact = _individual(inst, objective)
    blocks = colgen.decompose(exact)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info=_model_info("colgen", len(inst.officials), inst, exact.model, t0),
    )
    info = found.info
    points = np.asarray(objective.option_points, dtype=float)
    built = time.monotonic()
    first = set(build_in_order(inst, objective, points, _clock(config, deadline)).chosen)
    quick_s = time.monotonic() - built
    if not violations_of(inst, first):
        found.add(first)
        info["first_plan_s"] = _since(deadline, config)
    # the transport relaxation: a bound in a second, and its shares order a greedy plan
    from planner.optimise import transport

    relaxation = transport.build(inst, objective)
    tlp = solve_highs(
        relaxation.model,
        relax=True,
        seed=config.seed,
        time_limit=config.time_limit if work is not None else max(0.5, 0.2 * _left(deadline)),
    )
    if tlp.bound is not None:
        found.tighten(relaxation.bound(tlp.bound))
        info["lp_bound"] = found.bound
    if tlp.x is not None:
        tshare = relaxation.option_share(tlp.x)
        tscore = np.where(
            tshare >= 0, np.round(tshare * 1000) * (points.max(initial=0) + 1) + points, -np.inf
        )
        ordered = set(build_in_order(inst, objective, tscore, _clock(config, deadline)).chosen)
        if not violations_of(inst, ordered):
            found.add(ordered)
            info.setdefault("first_plan_s", _since(deadline, config))
            if objective.combined(PlanState(inst, ordered)) > objective.combined(
                PlanState(inst, first)
            ) or violations_of(inst, first):
                first = ordered
    # the full greedy too (so colgen is never below it) when it fits in the time left
    if len(inst.options) <= LP_GREEDY_MAX_OPTIONS and (
        work is not None or GREEDY_PER_QUICK_BUILD * quick_s <= 0.5 * _left(deadline, reserve)
    ):
        full = greedy(inst, objective)
        if not violations_of(inst, full):
            found.add(full)
            info.setdefault("first_plan_s", _since(deadline, config))
            if objective.combined(PlanState(inst, full)) > objective.combined(
                PlanState(inst, first)
            ) or violations_of(inst, first):
                first = full
    cg = colgen.start(blocks, first)

    def on_bound(bound: float) -> None:
        found.tighten(exact.reported_bound(bound))

    # A plan in the order of every iteration's master LP once the seat links are in, the best
    # kept: which point orders best varies (2,000 officials × 1 year, seed 2, iterations 7-15:
    # 2,362,700-2,409,800; 0.15-0.3 s each).
    guided_best: float | None = None

    def on_iteration(state: colgen.ColGen, early: bool = False) -> None:
        nonlocal guided_best
        if state.separated == 0 and state.blocks.lazy.any() and not early:
            return
        share = colgen.option_share(state)
        if share is None:
            return
        score = np.where(
            share >= 0, np.round(share * 1000) * (points.max(initial=0) + 1) + points, -np.inf
        )
        guided = set(build_in_order(inst, objective, score, _clock(config, deadline)).chosen)
        value = objective.combined(PlanState(inst, guided))
        if (guided_best is None or value > guided_best) and not violations_of(inst, guided):
            guided_best = value
            found.add(guided)
            info.setdefault("first_plan_s", _since(deadline, config))

    if work is not None:
        colgen.iterate(
            cg,
            deadline=None,
            max_iterations=work,
            seed=config.seed,
            on_bound=on_bound,
            on_iteration=on_iteration,
        )
    else:
        colgen.iterate(
            cg,
            deadline=time.monotonic() + CG_SHARE * _left(deadline, reserve),
            max_iterations=None,
            seed=config.seed,
            tol=CG_CLOCK_TOL,
            on_bound=on_bound,
            on_iteration=on_iteration,
        )
    info.update(
        cg_iterations=cg.iterations,
        cg_plans=len(cg.plan_cols),
        cg_converged=cg.converged,
        cg_pricing_s=round(cg.pricing_s, 3),
        cg_master_s=round(cg.master_s, 3),
        cg_links=cg.separated,
    )
    if cg.bound is not None:
        found.tighten(exact.reported_bound(cg.bound))
        info["cg_bound"] = found.bound
    if cg.master_value is not None:
        info["cg_master"] = round(cg.master_value, 3)
    if guided_best is None:  # stopped before the links were in: the last point orders a plan
        on_iteration(cg, early=True)

    # HiGHS on the master over the generated plans (the master's MIP) is left out: from the best
    # plan as its start it gave nothing in 4 s (2,000 officials × 1 year, seeds 1-3: the
    # search alone for those seconds 0.531 / 0.968 / 0.662 % from the bound, with the MIP first
    # 0.656 / 1.031 / 0.667 %).
    # The neighbourhood search on the exact model from the best plan for the time left
    # (with a work limit, that many rounds: deterministic). It replaced HiGHS's branch-and-cut
    # there, whose root cut rounds took the seconds left for little (2,000 officials × 1 year,
    # seed 1, 20 s: +600 points in 3.4 s; the search from the same plan: +10,000 in 4 s).
    start_plan = _best_plan(inst, objective, found) if found.plans else None
    if start_plan is not None and (work is not None or _left(deadline, reserve) > 0.5):
        lay = lns_layout(inst, exact)
        _polish_by_lns(objective, config, exact, lay, start_plan, found, deadline - reserve)
    return found


def _polish_by_lns(
    objective: Objective,
    config: SolveConfig,
    exact: Aggregate,
    lay: lns.Layout,
    start: set[int],
    found: Found,
    until: float,
) -> lns.Search:
    """The neighbourhood search (`lns.py`) on the exact model (`lay`) from `start` until `until`
    (with `config.work_limit`, that many rounds, the time limit a guard only); its plan joins
    the candidates."""
    work = config.work_limit
    search = lns.improve(
        lay,
        exact.values_for(start),
        seed=config.seed,
        deadline=time.monotonic() + config.time_limit if work is not None else until,
        max_rounds=work,
        # the model's value of an integral plan rounds to its reported objective (the cost
        # tie-break stays below half a point, `aggregate`)
        on_improve=lambda value: found.plan_worth(exact.reported_bound(value)),
    )
    found.info.update(
        lns_rounds=search.rounds,
        lns_improved=search.improved,
        lns_proved=search.proved,
        lns_size=search.size,
    )
    if search.improved and search.feasible:
        found.add(split(exact, search.x, objective))
    return search


def _branching_model(exact: Aggregate) -> ArrayModel:
    """The exact model as branch-and-cut gets it: without the per-option seat links
    (z ≤ size·run), which integral columns get from the seats rows (Σ z ≤ seats·run) anyway.
    They tighten the LP a little but slow HiGHS's tree a lot (measured on examples/thoi-binh,
    seeds 0-2: optimality proved in 2.9-3.6 s without them, 7.8-11.5 s with them)."""
    return exact.model.without(seats.LINK_NAME)


def _lp_greedy(inst: Instance, objective: Objective, agg: Aggregate, x: np.ndarray) -> set[int]:
    """The greedy construction in the order of the LP solution (share of each cohort sent)."""
    from planner.optimise.greedy import build as greedy_build

    cols = agg.option_columns()
    sizes = np.asarray(agg.cohorts.sizes, dtype=float)[agg.cohort_of]
    share = np.round(x[: agg.n_agg] / sizes * 1000).astype(np.int64)[cols].tolist()
    forced = set(term_coverage.forced(inst))
    points = objective.option_points
    options = inst.options

    def key(o: int) -> tuple[int, int, int, int]:
        return (0 if any(n in forced for n in options[o].needs) else 1, -share[o], -points[o], o)

    state = greedy_build(inst, objective, key)
    return set(state.chosen)


def _monolithic(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    watch: Watch | None = None,
) -> Found:
    """One 0-1 variable per official and session (the individual model), solved by HiGHS or
    CP-SAT as they come (the baselines; CP-SAT `tuned`: linearization level 2 and a greedy hint)."""
    t0 = time.monotonic()
    agg = _individual(inst, objective)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info=_model_info("monolithic", len(inst.officials), inst, agg.model, t0),
    )
    info = found.info
    reserve = _reserve(inst, config)
    hint = None
    # The greedy plan is always a candidate (and a hint) outside the untuned CP-SAT baseline,
    # so a plan from `--engine cpsat|highs` is never worse than greedy.
    if config.tuned and len(inst.options) <= LP_GREEDY_MAX_OPTIONS:
        first = greedy(inst, objective)
        if not violations_of(inst, first):
            found.add(first)
        hint = agg.values_for(first)  # a hint only: CP-SAT repairs one missing hard term needs
    left = max(0.3, _left(deadline, reserve))
    if config.engine is Engine.HIGHS:
        # HiGHS checks its clock only between phases (a root LP can overrun): keep a margin
        result = solve_highs(
            agg.model,
            time_limit=config.time_limit if config.work_limit else HIGHS_SHARE * left,
            seed=config.seed,
            hint=hint,
            node_limit=config.work_limit,
        )
        found.tighten(agg.reported_bound(result.bound) if result.bound is not None else None)
    else:
        result = solve_cpsat(
            agg.model,
            time_limit=left,
            seed=config.seed,
            workers=config.workers,
            hint=hint,
            tuned=config.tuned,
            int_obj=agg.int_obj,
            deterministic_time=config.work_limit,
        )
        found.tighten(agg.int_bound(objective, result.bound) if result.bound is not None else None)
        if result.first_solution_s is not None:
            info["first_plan_s"] = round(
                result.first_solution_s
                + (t0 - (deadline - config.time_limit))
                + (time.monotonic() - t0 - result.time_s),
                3,
            )
    info["engine_status"] = result.status
    if result.status == "infeasible":
        raise _infeasible(inst, objective, config)
    if result.x is not None:
        found.add(split(agg, result.x, objective))
    return found


def _greedy_method(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    deadline: float,
    watch: Watch | None = None,
) -> Found:
    plan = _legacy_plan(inst, objective, config, deadline)
    found = Found(
        watch=watch,
        inst=inst,
        objective=objective,
        info={
            "method": "greedy",
            "officials": len(inst.officials),
            "first_plan_s": _since(deadline, config),
        },
    )
    found.add(plan)
    left = _left(deadline, _reserve(inst, config))
    if left > 0.2:
        agg = aggregate.build(inst, objective, aggregate.group(inst))
        lp = solve_highs(agg.model, relax=True, time_limit=left, seed=config.seed)
        if lp.bound is not None:
            found.tighten(agg.reported_bound(lp.bound))
    return found


def _legacy_plan(
    inst: Instance, objective: Objective, config: SolveConfig, deadline: float
) -> set[int]:
    """The greedy plan; when it misses needs the term rule makes hard, a CP-SAT search for a
    plan meeting them, or the infeasibility error with its remedy."""
    plan = greedy(inst, objective)
    if not violations_of(inst, plan):
        return plan
    rescued = _meet_forced(inst, objective, plan, config, max(deadline, time.monotonic() + 2))
    if rescued is None:
        if config.best_effort:
            raise _pending(inst, proved=False)
        found = _remedy(inst, objective, config, hint=plan, proved=False)
        if isinstance(found, Infeasible):
            raise found
        rescued = found
    return rescued


def _finish(
    inst: Instance, objective: Objective, config: SolveConfig, found: Found, started: float
) -> PlanResult:
    info = found.info
    valid = [p for p in found.plans if not violations_of(inst, p)]
    if len(valid) < len(found.plans) and any(
        v.rule != term_coverage.NAME for p in found.plans for v in violations_of(inst, p)
    ):
        log.warning("a plan breaking a rule was dropped")
    if not valid:
        forced = term_coverage.forced(inst)
        if forced and (
            len(inst.options) > LP_GREEDY_MAX_OPTIONS
            or time.monotonic() > started + config.time_limit
        ):
            # no plan meeting the hard term needs, and no time (or too big a model) to search
            # for one: not proved impossible, the best plan anyway (`_best_effort`)
            raise _pending(inst, proved=False)
        info["overrun"] = "greedy fallback"
        valid = [_legacy_plan(inst, objective, config, started + config.time_limit)]
    chosen = max(valid, key=lambda p: (objective.combined(PlanState(inst, p)), -len(p)))
    chosen = repair(inst, objective, chosen)
    bound = found.bound
    if bound is None:
        bound = _trivial_bound(inst, objective)
    plan = _result(inst, objective, config, chosen, bound, info)
    plan.time_s = round(time.monotonic() - started, 3)
    log.info("plan: %s", plan.summary())
    return plan


def _result(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    chosen: set[int],
    bound: int,
    info: dict[str, object],
) -> PlanResult:
    """The plan of `chosen` with its explanations and totals (`time_s` left to the caller)."""
    state = PlanState(inst, chosen)
    value = objective.reported(state)
    if bound < value:
        log.warning(
            "bound %d below objective %d (numerical tolerance); using the objective", bound, value
        )
        bound = value
    return PlanResult(
        status="optimal" if bound == value else "feasible",
        objective=value,
        bound=bound,
        gap=gap_of(value, bound),
        engine=config.engine.value,
        seed=config.seed,
        time_s=0.0,
        assignments=explain.assignments(inst, state),
        unmet=explain.unmet(inst, objective, state),
        totals=explain.totals(inst, state),
        mode=config.mode.value,
        name=inst.name,
        years=inst.years,
        chosen=tuple(sorted(chosen)),
        info=info,
        method={k: info[k] for k in ("method", "cohorts", "officials") if k in info},
        options={"weight_by_effectiveness": bool(config.weight_by_effectiveness)},
    )


def _trivial_bound(inst: Instance, objective: Objective) -> int:
    """Every need with an option met at its best value (coverage mode); in cost mode the sum of
    the positive values."""
    total = 0
    for n, need in enumerate(inst.needs):
        options = inst.options_by_need[n]
        if not options:
            continue
        if objective.mode == "coverage":
            total += need.weight * objective.D
        else:
            total += max(
                0,
                max(objective.option_coef(o) for o in options),
                objective.rate * objective.need_points(n),
            )
    return total


def _meet_forced(
    inst: Instance, objective: Objective, start: set[int], config: SolveConfig, deadline: float
) -> set[int] | None:
    """Maximise the number of hard term needs met (the other rules hard), from the greedy plan,
    on the individual model with the term rule soft. Returns a plan meeting all of them; raises
    the infeasibility error when the maximum is proved to fall short; None when the time ran
    out first."""
    forced = term_coverage.forced(inst)
    soft = aggregate.build(
        inst,
        objective,
        aggregate.group(inst, singletons=True),
        hard_term=False,
        credit=frozenset(forced),
    )
    goal = np.zeros(soft.model.num_vars, dtype=np.int64)
    need_pos = soft.need_pos
    for n in forced:
        goal[soft.met_var[(inst.needs[n].official, need_pos[n])]] = 1
    result = solve_cpsat(
        soft.model,
        time_limit=max(0.5, 0.5 * (deadline - time.monotonic())),
        seed=config.seed,
        workers=config.workers,
        hint=soft.values_for(start),
        tuned=True,
        int_obj=goal,
    )
    if result.x is not None:
        chosen = soft.chosen(result.x)
        state = PlanState(inst, chosen)
        if all(state.met(n) for n in forced) and not violations_of(inst, chosen):
            return chosen
    if result.bound is not None and result.bound < len(forced) - 0.5:
        raise _infeasible(inst, objective, config, hint=start)
    log.warning("no plan meeting every hard term need found within the time limit")
    return None


def _remedy(
    inst: Instance,
    objective: Objective,
    config: SolveConfig,
    hint: set[int] | None = None,
    proved: bool = True,
) -> Infeasible | set[int]:
    """The infeasibility error with its remedy (the elastic individual model), or the plan the
    elastic solve found when it needs no slack."""
    from planner.optimise.remedy import infeasible_error

    return infeasible_error(
        _individual(inst, objective),
        time_limit=min(config.time_limit, 10.0),
        seed=config.seed,
        hint=hint,
        proved=proved,
    )


def _pending(inst: Instance, proved: bool) -> Infeasible:
    """The hard rules do not all hold (`proved`: shown impossible, else only not met in time);
    the shortfall and the remedy are `_best_effort`'s."""
    forced = term_coverage.forced(inst)
    officials = sorted({inst.officials[inst.needs[n].official].id for n in forced})
    error = Infeasible(officials, Message("plan.remedy.not_found", {"changes": ()}))
    error.proved = proved
    return error


def _infeasible(
    inst: Instance, objective: Objective, config: SolveConfig, hint: set[int] | None = None
) -> Infeasible:
    """The error for a model an engine proved infeasible (with best effort on, its remedy is
    found after the best plan, in the time left: `_best_effort`)."""
    if config.best_effort:
        return _pending(inst, proved=True)
    found = _remedy(inst, objective, config, hint)
    if isinstance(found, Infeasible):
        return found
    text = "internal: elastic solve found a plan the engine called infeasible"
    return Infeasible([], Message("", {"text": text}))
