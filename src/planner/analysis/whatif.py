"""What-if analysis: solve variants of a case and compare them with the unchanged baseline.

Each variant is the case changed by a scenario (`planner.analysis.scenario`), planned from scratch:
assess → recommend → build → solve, so every rule applies to every variant. The comparison
reports, per variant: needs met per kind, knowledge updates of leaders over the term (QĐ 145),
cost against budget per year and source, unmet needs by cause, and the officials who gain or
lose a course against the baseline.

The marginal value of money is measured in *priority points*: the sum of the assessment
priorities of the needs a plan meets (a plain count weighted by importance; the solver's
objective also discounts later years, see `planner.optimise.objective`). Two readings, labelled
as what they are:
- `sweep`: between consecutive points of a budget sweep (every line scaled together), the
  points gained per extra million VND of the total budget;
- `probe`: for the budget lines that block needs in the baseline (an unmet need whose cause is
  the budget and one of whose sessions is charged to the line), the baseline is solved again
  with money added to that line alone; points gained per million added.
- `lp_dual`: the dual price of every budget line (and of every session's seats) in the LP
  relaxation of the baseline (`planner.optimise.duals`): the derivative of the relaxation's
  optimum, one LP solve and no extra plan, valid for a small change of the relaxed problem.
Both are differences between two solver runs within a time limit: when the runs are not proved
optimal, part of a difference can be solver noise; each entry carries the two gaps.

A variant that only loosens another (a higher budget sweep point, the baseline being ×1; a
probe, which adds money to the baseline) never shows fewer priority points met: when its own
solve fell short, the tighter plan is carried into it (`keep_monotone`), checked against every
rule there, made maximal and explained again.

Parallel runs are deterministic: every variant is solved with one solver worker, the same seed
and a work limit instead of the clock (`variant_work`: by default sized from the time limit,
`optimise.work`), in its own process, so a parallel sweep on a loaded machine gives exactly the
plans a sequential one gives. A variant that used up the clock's guard (a much slower machine),
or every variant with `clock`, may differ: `Outcome.on_clock` says so and the report warns.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from planner.analysis.scenario import BudgetChange, Scenario, apply_scenario
from planner.domain.message import Message
from planner.errors import InfeasiblePlanError
from planner.io.case import Case
from planner.optimise.duals import Prices, SeatPrice, lp_prices
from planner.optimise.result import PlanResult

log = logging.getLogger("planner")

VariantKind = Literal["baseline", "scenario", "sweep", "probe"]
MILLION = 1_000_000


@dataclass(frozen=True)
class WhatIfSettings:
    engine: str = "auto"
    time_limit: float = 10.0  # seconds per variant
    seed: int = 0
    mode: str = "coverage"
    jobs: int | None = None  # processes; None: min(cores, variants)
    probes: int = 6  # budget lines probed for their marginal value (0: none)
    probe_amount: int | None = None  # VND added to a probed line; None: see `_probe_amount`
    # Deterministic work per variant (SolveConfig.work_limit): None sizes it from `time_limit`
    # (`optimise.work.budget`, the clock a guard, `optimise.work.guard`); `clock` instead
    # stops every variant on the clock at `time_limit` (results may then differ run to run)
    work_limit: int | None = None
    clock: bool = False
    prices: bool = True  # the LP relaxation's dual prices of the baseline (`lp_dual` marginals)


@dataclass(frozen=True)
class Infeasibility:
    """Why a variant has no plan: the rule, whom it concerns, and the remedy as facts (rendered
    by `planner.report.plan_text.infeasible_text`; `remedy` is the text when there are none)."""

    rule: str
    officials: tuple[str, ...]
    facts: Message | None
    remedy: str = ""
    text: str = ""  # the error's own message, when it has no facts

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Variant:
    """One run: the baseline (no scenario) or the case changed by `scenario`."""

    name: str
    kind: VariantKind
    scenario: Scenario | None = None
    source: str | None = None  # the scenario file
    scale: float | None = None  # budget sweep: the factor every line is scaled by
    probe: tuple[int, str, int] | None = None  # (year, source, VND added)


@dataclass(frozen=True)
class BudgetUse:
    year: int
    source: str
    budget: int
    spent: int

    @property
    def left(self) -> int:
        return self.budget - self.spent


@dataclass(frozen=True)
class BlockedLine:
    """A budget line that keeps needs unmet in a plan: how many, and the least money that would
    pay for one more of them (ignoring every other rule)."""

    year: int
    source: str
    needs: int
    least_missing: int


@dataclass
class Outcome:
    """The result of one variant, compact and picklable (it crosses process boundaries)."""

    variant: Variant
    status: str  # optimal | feasible | infeasible
    plan: PlanResult | None
    infeasible: Infeasibility | None
    budget: list[BudgetUse]
    needs: dict[str, tuple[int, int]]  # kind (and "all") → (met, total)
    priority: tuple[int, int]  # priority points (met, total)
    leaders: tuple[int, int]  # officials with a term knowledge-update need: (covered, total)
    unmet_by_cause: dict[str, int]
    courses: dict[str, tuple[str, ...]]  # official id → courses planned
    blocked: list[BlockedLine]
    time_s: float
    prices: Prices | None = None  # the baseline's LP dual prices (settings.prices)
    work_limit: int | None = None  # the work limit it was solved with (None: the clock)
    on_clock: bool = False  # stopped by the clock (no work limit, or it used up its guard)

    @property
    def feasible(self) -> bool:
        return self.plan is not None

    @property
    def budget_total(self) -> int:
        return sum(b.budget for b in self.budget)

    @property
    def cost_total(self) -> int:
        return sum(b.spent for b in self.budget)

    @property
    def objective(self) -> int | None:
        return self.plan.objective if self.plan else None


@dataclass(frozen=True)
class OfficialChange:
    official_id: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]


@dataclass(frozen=True)
class Marginal:
    """Priority points one more million VND buys, between two runs."""

    method: Literal["sweep", "probe", "lp_dual"]
    label: str  # the sweep step ("×0.75 → ×1") or the probed line ("2026 ngan_sach_tinh")
    year: int | None
    source: str | None
    added: int  # VND between the two runs
    points: int | None  # priority points gained (may be ≤ 0); None: a dual price (no second run)
    needs: int | None  # needs met gained; None: a dual price
    gaps: tuple[float, ...]  # the two runs' optimality gaps (none for a dual price)
    price: float | None = None  # lp_dual: points per extra million VND in the LP relaxation

    @property
    def per_million(self) -> float:
        if self.price is not None:
            return self.price
        return (self.points or 0) * MILLION / self.added if self.added else 0.0


@dataclass
class WhatIf:
    name: str
    reference_date: str
    years: tuple[int, ...]
    settings: WhatIfSettings
    baseline: Outcome
    variants: list[Outcome]  # in the order asked (the baseline not repeated)
    probes: list[Outcome]
    changes: dict[str, list[OfficialChange]]  # variant name → changes against the baseline
    marginal: list[Marginal]
    wall_s: float
    jobs: int
    runs: int = 0  # solver runs made (variants identical to the baseline reuse it)
    officials: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (name, unit)
    reruns: dict[str, int] = field(default_factory=dict)  # variant → times started, when > 1
    executor: str = "process"  # process | dask:<scheduler address>
    prices: Prices | None = None  # the baseline's LP dual prices (seats too), when computed

    @property
    def seat_prices(self) -> list[SeatPrice]:
        """Sessions whose one more seat is worth points in the LP relaxation, dearest first."""
        if self.prices is None:
            return []
        priced = [p for p in self.prices.seats if p.per_seat > 0]
        return sorted(priced, key=lambda p: (-p.per_seat, p.session))


# -- variants -------------------------------------------------------------------------------------


def variants_from(
    scenarios: Sequence[tuple[Scenario, str | None]] = (), sweep: Sequence[Scenario] = ()
) -> list[Variant]:
    """Variants for scenario files (scenario, file) and budget-sweep scenarios, in that order."""
    out = [Variant(s.name, "scenario", s, src) for s, src in scenarios]
    for s in sweep:
        scale = s.budget[0].scale if len(s.budget) == 1 else None
        out.append(Variant(s.name, "sweep", s, None, scale))
    names = Counter(v.name for v in out)
    if any(n > 1 for n in names.values()):
        # Names key the comparison; two scenario files with one name would hide each other.
        seen: Counter[str] = Counter()
        renamed = []
        for v in out:
            seen[v.name] += 1
            renamed.append(
                v
                if names[v.name] == 1
                else Variant(
                    f"{v.name} ({seen[v.name]})", v.kind, v.scenario, v.source, v.scale, v.probe
                )
            )
        out = renamed
    return out


def changed_case(case: Case, variant: Variant) -> Case:
    if variant.scenario is None:
        return case
    return apply_scenario(case, variant.scenario, variant.source)


# -- one variant (runs in a worker process) -------------------------------------------------------

_CASE: Case | None = None  # the baseline case of this worker process (set once per process)


def _init_worker(case: Case) -> None:
    global _CASE
    _CASE = case
    logging.getLogger("planner").setLevel(logging.ERROR)  # workers must not garble the progress bar


def _run_in_worker(variant: Variant, settings: WhatIfSettings) -> Outcome:
    assert _CASE is not None, "worker not initialised"
    return solve_variant(_CASE, variant, settings)


def solve_variant(case: Case, variant: Variant, settings: WhatIfSettings) -> Outcome:
    """Plan one variant: the same pipeline as `planner plan`, one solver worker."""
    from planner import pipeline
    from planner.optimise.solve import SolveConfig

    started = time.monotonic()
    prepared = pipeline.prepare(changed_case(case, variant))
    work, guard = variant_work(prepared.instance, settings)
    config = SolveConfig(
        engine=settings.engine,
        time_limit=guard,
        seed=settings.seed,
        workers=1,
        mode=settings.mode,
        work_limit=work,
    )
    budget_lines = {(b.year, b.source): b.amount for b in prepared.case.config.budget}
    try:
        plan: PlanResult | None = pipeline.plan(prepared, config)
        infeasible = None
    except InfeasiblePlanError as error:
        plan = None
        infeasible = Infeasibility(
            error.rule,
            tuple(error.officials),
            getattr(error, "facts", None),
            error.remedy,
            str(error),
        )
    prices = None
    if variant.kind == "baseline" and settings.prices:
        # one LP and a re-solve per budget line, with a limit of its own (the variant's): the
        # baseline's run then takes up to twice the limit (measured: huong-khe 5 s, thoi-binh
        # 0.2 s); `--no-prices` leaves them out
        prices = lp_prices(prepared.instance, time_limit=settings.time_limit, seed=settings.seed)
    outcome = _outcome(
        variant,
        prepared.instance,
        plan,
        infeasible,
        budget_lines,
        round(time.monotonic() - started, 3),
    )
    # a run that came near its guard may have had a stage cut by the clock (a solve keeps a
    # reserve for its explanations, so it stops a little before the limit): not reproducible
    on_clock = work is None or (plan is not None and plan.time_s >= GUARD_NEAR * guard)
    return replace(outcome, prices=prices, work_limit=work, on_clock=on_clock)


GUARD_NEAR = 0.8  # a variant that took this share of its guard is reported as on the clock


def variant_work(inst: Any, settings: WhatIfSettings) -> tuple[int | None, float]:
    """A variant's work limit and the time limit its solve gets: `settings.work_limit` with the
    time limit as its guard; none (the clock) with `settings.clock`; by default the budget of
    the method the engine runs on this variant (`optimise.work.budget`), guarded at
    `work.guard` of the limit. Only the variant's own inputs decide it: deterministic."""
    from planner.optimise import work
    from planner.optimise.solve import method_of

    if settings.work_limit is not None:
        return settings.work_limit, settings.time_limit
    if settings.clock:
        return None, settings.time_limit
    method = method_of(inst, settings.engine)
    return work.budget(method, settings.time_limit), work.guard(settings.time_limit)


def _outcome(
    variant: Variant,
    inst: Any,
    plan: PlanResult | None,
    infeasible: Infeasibility | None,
    budget_lines: dict[tuple[int, str], int],
    time_s: float,
) -> Outcome:
    spent: dict[tuple[int, str], int] = defaultdict(int)
    unmet_keys: set[tuple[str, str]] = set()
    courses: dict[str, list[str]] = defaultdict(list)
    if plan is not None:
        for a in plan.assignments:
            spent[(a.year, a.funding_source)] += a.cost
            courses[a.official_id].append(a.course)
        # Class costs (fixed per running session) are in the totals, not in the assignments.
        for year, by_source in plan.totals.get("cost", {}).items():
            for source, amount in by_source.items():
                spent[(int(year), source)] = int(amount)
        unmet_keys = {(u.official_id, u.need) for u in plan.unmet}
    budget = [
        BudgetUse(y, s, budget_lines.get((y, s), 0), spent.get((y, s), 0))
        for y, s in sorted(set(budget_lines) | set(spent))
    ]
    needs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    priority = [0, 0]
    leaders: dict[str, bool] = {}
    for need in inst.needs:
        official = inst.officials[need.official].id
        met = plan is not None and (official, need.id) not in unmet_keys
        for key in (need.kind, "all"):
            needs[key][0] += met
            needs[key][1] += 1
        priority[0] += need.weight if met else 0
        priority[1] += need.weight
        if need.term:
            leaders[official] = leaders.get(official, True) and met
    unmet_by_cause = dict(sorted(Counter(u.cause for u in plan.unmet).items())) if plan else {}
    status = plan.status if plan is not None else "infeasible"
    return Outcome(
        variant=variant,
        status=status,
        plan=plan,
        infeasible=infeasible,
        budget=budget,
        needs={k: (v[0], v[1]) for k, v in sorted(needs.items())},
        priority=(priority[0], priority[1]),
        leaders=(sum(leaders.values()), len(leaders)),
        unmet_by_cause=unmet_by_cause,
        courses={o: tuple(sorted(c)) for o, c in sorted(courses.items())},
        blocked=_blocked_lines(inst, plan, budget_lines, spent) if plan else [],
        time_s=time_s,
    )


def _blocked_lines(
    inst: Any,
    plan: PlanResult,
    budget_lines: dict[tuple[int, str], int],
    spent: dict[tuple[int, str], int],
) -> list[BlockedLine]:
    """Budget lines charged by a session that would close a need left unmet for the budget."""
    need_index = inst.need_index
    running = set(plan.totals.get("seats", {}))
    count: Counter[tuple[int, str]] = Counter()
    least: dict[tuple[int, str], int] = {}
    for u in plan.unmet:
        if u.cause != "budget" or (u.official_id, u.need) not in need_index:
            continue
        lines_of_need: set[tuple[int, str]] = set()
        for o in inst.options_by_need[need_index[(u.official_id, u.need)]]:
            session = inst.sessions[inst.options[o].session]
            key = (session.year, session.source)
            cost = inst.options[o].cost + (0 if session.id in running else session.class_cost)
            missing = spent.get(key, 0) + cost - budget_lines.get(key, 0)
            if missing > 0:
                lines_of_need.add(key)
                least[key] = min(least.get(key, missing), missing)
        count.update(lines_of_need)
    return [
        BlockedLine(y, s, n, least[(y, s)])
        for (y, s), n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


# -- the run --------------------------------------------------------------------------------------

Callback = Callable[[Outcome, int, int], None]  # (finished outcome, done, total)


class Executor(Protocol):
    """Where variants run: `_Runner` (one process or a local pool, the default) or a cluster
    (`planner.analysis.distributed.DaskExecutor`). `run` keeps the order of `variants`."""

    jobs: int
    name: str  # recorded in `WhatIf.executor`
    reruns: dict[str, int]  # variant name → times started, for those started more than once

    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def run(
        self, variants: Sequence[Variant], note: Callable[[Outcome], None]
    ) -> list[Outcome]: ...


ExecutorFactory = Callable[[Case, WhatIfSettings, int], Executor]  # (case, settings, jobs)


def run_whatif(
    case: Case,
    variants: Sequence[Variant],
    settings: WhatIfSettings = WhatIfSettings(),
    on_done: Callback | None = None,
    executor: ExecutorFactory | None = None,
) -> WhatIf:
    """Solve the baseline and every variant (in parallel when `settings.jobs` > 1), then probe
    the budget lines that block needs; compare everything with the baseline."""
    started = time.monotonic()
    # Apply every scenario once here: a broken scenario fails before any solver starts, and a
    # variant identical to the baseline (e.g. the sweep's ×1) reuses the baseline's plan.
    same_as_baseline = [_same_case(changed_case(case, v), case) for v in variants]
    first = [Variant("baseline", "baseline")] + [
        v for v, same in zip(variants, same_as_baseline, strict=True) if not same
    ]
    total = len(first)
    jobs = settings.jobs or min(os.cpu_count() or 1, total)
    done_count = 0

    def note(outcome: Outcome) -> None:
        nonlocal done_count
        done_count += 1
        if on_done:
            on_done(outcome, done_count, total)

    make: ExecutorFactory = executor or _Runner
    with make(case, settings, jobs) as runner:
        outcomes = runner.run(first, note)
        baseline = outcomes[0]
        prices = baseline.prices  # of the case, not of its plan (a carried plan keeps them)
        probe_variants = probe_variants_for(baseline, settings)
        total += len(probe_variants)
        probes = runner.run(probe_variants, note) if probe_variants else []
    solved = iter(outcomes[1:])
    results = [
        replace(baseline, variant=v) if same else next(solved)
        for v, same in zip(variants, same_as_baseline, strict=True)
    ]
    baseline, results, probes = keep_monotone(case, settings, baseline, results, probes)
    changes = {o.variant.name: compare(baseline, o) for o in results}
    marginal = (
        sweep_marginals(baseline, results)
        + probe_marginals(baseline, probes)
        + dual_marginals(prices)
    )
    return WhatIf(
        name=case.config.name,
        reference_date=case.reference_date.isoformat(),
        years=tuple(case.config.years),
        settings=settings,
        baseline=baseline,
        variants=results,
        probes=probes,
        changes=changes,
        marginal=marginal,
        wall_s=round(time.monotonic() - started, 3),
        jobs=runner.jobs,
        runs=total,
        officials={o.id: (o.full_name, o.unit) for o in case.officials},
        reruns=dict(runner.reruns),
        executor=runner.name,
        prices=prices,
    )


def _same_case(a: Case, b: Case) -> bool:
    """Whether a scenario left the case as it was (budget lines compared as amounts, so a
    reordering or a ×1 scale is no change)."""

    def budget(c: Case) -> dict[tuple[int, str], int]:
        return {(x.year, x.source): x.amount for x in c.config.budget if x.amount}

    return (
        budget(a) == budget(b)
        and a.config.model_copy(update={"budget": []}) == b.config.model_copy(update={"budget": []})
        and (a.catalog is b.catalog or a.catalog == b.catalog)
        and (a.framework is b.framework or a.framework == b.framework)
    )


class _Runner:
    """Runs variants in one process (jobs = 1) or a pool of `jobs` processes, keeping order."""

    def __init__(self, case: Case, settings: WhatIfSettings, jobs: int) -> None:
        self.case, self.settings, self.jobs = case, settings, max(1, jobs)
        self.name, self.reruns = "process", {}
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Runner:
        if self.jobs > 1:
            import multiprocessing

            # spawn, not fork: the parent may run threads (the progress bar, solver pools) and
            # forking a threaded process can deadlock.
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.case,),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, variants: Sequence[Variant], note: Callable[[Outcome], None]) -> list[Outcome]:
        if self.pool is None:
            out = []
            for v in variants:
                out.append(solve_variant(self.case, v, self.settings))
                note(out[-1])
            return out
        futures: dict[Future[Outcome], int] = {
            self.pool.submit(_run_in_worker, v, self.settings): i for i, v in enumerate(variants)
        }
        results: list[Outcome | None] = [None] * len(variants)
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: futures[f]):
                results[futures[future]] = future.result()
                note(future.result())
        return [r for r in results if r is not None]


# -- monotone: a looser variant never meets fewer priority points --------------------------------


def keep_monotone(
    case: Case,
    settings: WhatIfSettings,
    baseline: Outcome,
    variants: list[Outcome],
    probes: list[Outcome],
) -> tuple[Outcome, list[Outcome], list[Outcome]]:
    """A variant that only loosens another (a budget sweep point over a lower one, the baseline
    being ×1; a probe, which adds money to the baseline) keeps the other's plan when its own
    solve met fewer priority points: that plan breaks no rule in the looser case (checked, not
    assumed), is made maximal there and explained again. The solver runs stay independent
    (any executor, any order), and the comparison cannot say "more money, fewer needs met"."""
    chain = sorted(
        [(1.0, -1)]
        + [
            (o.variant.scale, i)
            for i, o in enumerate(variants)
            if o.variant.kind == "sweep" and o.variant.scale is not None
        ]
    )
    variants = list(variants)

    def get(i: int) -> Outcome:
        return baseline if i < 0 else variants[i]

    def put(i: int, o: Outcome) -> None:
        nonlocal baseline
        if i < 0:
            baseline = o
        else:
            variants[i] = o

    best: Outcome | None = None
    for _, i in chain:
        current = get(i)
        if best is not None and _points(best) > _points(current):
            carried = carry_outcome(case, settings, current, best)
            if carried is not None:
                put(i, carried)
                current = carried
        if best is None or _points(current) > _points(best):
            best = current
    probes = [
        (carry_outcome(case, settings, p, baseline) or p) if _points(baseline) > _points(p) else p
        for p in probes
    ]
    return baseline, variants, probes


def _points(outcome: Outcome) -> tuple[int, int]:
    """Priority points met, then the objective (an infeasible run meets none)."""
    if outcome.plan is None:
        return (-1, 0)
    return (outcome.priority[0], outcome.plan.objective)


def carry_outcome(
    case: Case, settings: WhatIfSettings, target: Outcome, source: Outcome
) -> Outcome | None:
    """`source`'s plan carried into `target`'s case (`optimise.solve.carry`), or None when it
    does not fit there."""
    from planner import pipeline
    from planner.optimise.solve import SolveConfig, carry

    if source.plan is None:
        return None
    started = time.monotonic()
    prepared = pipeline.prepare(changed_case(case, target.variant))
    config = SolveConfig(
        engine=settings.engine,
        time_limit=settings.time_limit,
        seed=settings.seed,
        mode=settings.mode,
    )
    keys = [(a.official_id, a.course, a.session) for a in source.plan.assignments]
    bound = target.plan.bound if target.plan is not None else None
    plan = carry(prepared.instance, config, keys, bound)
    if plan is None:
        return None
    plan.info["carried_from"] = source.variant.name
    budget_lines = {(b.year, b.source): b.amount for b in prepared.case.config.budget}
    carried = _outcome(
        target.variant,
        prepared.instance,
        plan,
        None,
        budget_lines,
        round(target.time_s + time.monotonic() - started, 3),
    )
    # the target's own solve settings and prices stay; a plan from a clock-cut run is one too
    return replace(
        carried,
        prices=target.prices,
        work_limit=target.work_limit,
        on_clock=target.on_clock or source.on_clock,
    )


# -- comparisons ----------------------------------------------------------------------------------


def compare(baseline: Outcome, outcome: Outcome) -> list[OfficialChange]:
    """Officials who gain or lose a course in `outcome` against the baseline (by course, so a
    course moved to another session or year is no change for the official)."""
    changes = []
    for official in sorted(set(baseline.courses) | set(outcome.courses)):
        before = Counter(baseline.courses.get(official, ()))
        after = Counter(outcome.courses.get(official, ()))
        gained = tuple(sorted((after - before).elements()))
        lost = tuple(sorted((before - after).elements()))
        if gained or lost:
            changes.append(OfficialChange(official, gained, lost))
    return changes


def sweep_marginals(baseline: Outcome, variants: Sequence[Outcome]) -> list[Marginal]:
    """Between consecutive budget-sweep points (by total budget), points per extra million."""
    points = [o for o in variants if o.variant.kind == "sweep" and o.feasible]
    points.sort(key=lambda o: (o.budget_total, o.variant.scale or 0))
    out = []
    for low, high in zip(points, points[1:], strict=False):
        added = high.budget_total - low.budget_total
        if added <= 0:
            continue
        out.append(
            Marginal(
                "sweep",
                f"{low.variant.name} → {high.variant.name}",
                None,
                None,
                added,
                high.priority[0] - low.priority[0],
                high.needs["all"][0] - low.needs["all"][0],
                (_gap(low), _gap(high)),
            )
        )
    return out


def probe_variants_for(baseline: Outcome, settings: WhatIfSettings) -> list[Variant]:
    """A variant per blocking budget line (most blocked needs first), at most `settings.probes`."""
    if not baseline.feasible or settings.probes <= 0:
        return []
    budget = {(b.year, b.source): b.budget for b in baseline.budget}
    out = []
    for line in baseline.blocked[: settings.probes]:
        amount = settings.probe_amount or _probe_amount(
            budget.get((line.year, line.source), 0), line.least_missing
        )
        scenario = Scenario(
            name=f"+{amount // MILLION} M {line.year} {line.source}",
            budget=[BudgetChange(year=line.year, source=line.source, add=amount)],
        )
        out.append(
            Variant(scenario.name, "probe", scenario, None, None, (line.year, line.source, amount))
        )
    return out


def _probe_amount(line_budget: int, least_missing: int) -> int:
    """Enough to pay for at least one more blocked need, and at least 10 % of the line, in whole
    millions: a smaller step would often buy nothing (courses are bought whole)."""
    wanted = max(least_missing, line_budget // 10, MILLION)
    return int(math.ceil(wanted / MILLION) * MILLION)


def probe_marginals(baseline: Outcome, probes: Sequence[Outcome]) -> list[Marginal]:
    out = []
    for probe in probes:
        if not probe.feasible or probe.variant.probe is None:
            continue
        year, source, amount = probe.variant.probe
        out.append(
            Marginal(
                "probe",
                f"{year} {source}",
                year,
                source,
                amount,
                probe.priority[0] - baseline.priority[0],
                probe.needs["all"][0] - baseline.needs["all"][0],
                (_gap(baseline), _gap(probe)),
            )
        )
    return out


def dual_marginals(prices: Prices | None) -> list[Marginal]:
    """The baseline's LP dual price of every budget line a session charges (0: slack in the
    relaxation), per million VND."""
    if prices is None or prices.status != "optimal":
        return []
    return [
        Marginal(
            "lp_dual",
            f"{line.year} {line.source}",
            line.year,
            line.source,
            MILLION,
            None,
            None,
            (),
            price=line.per_million,
        )
        for line in prices.lines
    ]


def _gap(outcome: Outcome) -> float:
    return outcome.plan.gap if outcome.plan else 0.0


__all__ = [
    "BlockedLine",
    "BudgetUse",
    "Executor",
    "ExecutorFactory",
    "Marginal",
    "OfficialChange",
    "Outcome",
    "Variant",
    "WhatIf",
    "WhatIfSettings",
    "compare",
    "dual_marginals",
    "probe_variants_for",
    "run_whatif",
    "solve_variant",
    "sweep_marginals",
    "variants_from",
]
