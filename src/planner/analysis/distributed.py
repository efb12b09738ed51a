"""What-if variants (and province blocks) as tasks on a Dask cluster.

The single-machine default (`planner.analysis.whatif._Runner`, a local process pool) never imports
this module nor dask; `planner whatif --scheduler ADDRESS` and the library call `run_variants(...,
scheduler=ADDRESS)` do. ADDRESS is a running scheduler (`tcp://host:8786`, started the usual way:
`dask scheduler`, `dask worker tcp://host:8786 --nthreads 1`) or `local` (a `LocalCluster` of
`jobs` single-threaded worker processes on this machine).

How a sweep runs:
- the loaded case is scattered once to every worker (`broadcast`) and each task references it, so
  a task ships only its variant and settings (a few hundred bytes), never the case;
- every task solves with one solver thread and the same seed, exactly as `planner whatif --jobs 1`
  would (`solve_variant`), so the outcomes are the same plans;
- a worker that dies mid-task is Dask's business: the scheduler re-runs its tasks on another
  worker, at most `distributed.scheduler.allowed-failures` times (set for `local`; a cluster's
  own setting otherwise). Each task logs a start event on the scheduler, so the variants started
  more than once are known and reported (`WhatIf.reruns`);
- a variant that fails for its own reason (an infeasible plan is already an outcome; any other
  error, or a task killed more often than allowed) becomes that variant's `failed` outcome, and
  the others finish;
- a scheduler that cannot be reached within `connect_timeout` seconds is an input error naming
  the address (exit 2), raised before any work starts.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from planner.analysis.whatif import (
    Executor,
    ExecutorFactory,
    Infeasibility,
    Outcome,
    Variant,
    WhatIf,
    WhatIfSettings,
    _Runner,
    run_whatif,
    solve_variant,
)
from planner.errors import PlannerError
from planner.io.case import Case

log = logging.getLogger("planner")

SCHEDULER_ENV = "PLANNER_SCHEDULER"
LOCAL = "local"
START_TOPIC = "planner-task-start"  # worker → scheduler event: a task began (to count reruns)
CONNECT_TIMEOUT = 5.0  # seconds to reach a scheduler before giving up (before any work)
ALLOWED_FAILURES = 3  # `local`: times a task may lose its worker before it counts as failed
POLL = 0.25  # seconds between progress updates while waiting for tasks

# (done, running, failed, total): the variants of the current batch, for a progress bar
StateCallback = Callable[[int, int, int, int], None]


class SchedulerUnreachable(PlannerError):
    """No Dask scheduler answered at the address (CLI exit 2, before any work)."""

    def __init__(self, address: str, timeout: float, reason: str) -> None:
        self.address = address
        super().__init__(
            f"no Dask scheduler reachable at {address} within {timeout:g} s ({reason}); start one "
            f"with `dask scheduler` and workers with `dask worker {address}`, or use "
            f"--scheduler local"
        )


def scheduler_from_env(option: str | None) -> str | None:
    """The scheduler to use: the option, else $PLANNER_SCHEDULER, else None (process pool)."""
    value = option if option is not None else os.environ.get(SCHEDULER_ENV)
    if value is None:
        return None
    return value.strip() or None


# -- connecting -----------------------------------------------------------------------------------


class Connection:
    """A client on a scheduler (and the `LocalCluster` it started, for `local`)."""

    def __init__(
        self, address: str, workers: int | None = None, connect_timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self.address = address
        self.workers = workers
        self.connect_timeout = connect_timeout
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> Connection:
        import dask
        from distributed import Client, LocalCluster

        # distributed logs every connection at INFO; follow planner's level (-v shows them).
        logging.getLogger("distributed").setLevel(log.getEffectiveLevel())

        if self.address == LOCAL:
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self.cluster = LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1,
                    threads_per_worker=1,  # one solver per worker process: no GIL contention
                    processes=True,
                    dashboard_address=":0",  # any free port (8787 may be taken)
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster, set_as_default=False)
            return self
        try:
            self.client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise SchedulerUnreachable(
                self.address, self.connect_timeout, f"{type(error).__name__}: {error}"
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=max(self.connect_timeout, 10.0))
        except (OSError, TimeoutError) as error:
            self.close()
            raise SchedulerUnreachable(
                self.address, self.connect_timeout, f"the scheduler has no workers: {error}"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def starts(self) -> Counter[str]:
        """Task key → times it was started on a worker (from the workers' start events)."""
        events = self.client.get_events(START_TOPIC)
        return Counter(msg["key"] for _, msg in events if isinstance(msg, dict) and "key" in msg)

    def map_tasks(
        self,
        func: Callable[..., Any],
        shared: Any,
        items: Sequence[Any],
        *args: Any,
        names: Sequence[str] | None = None,
        on_state: StateCallback | None = None,
        on_result: Callable[[int, Any], None] | None = None,
        failed: Callable[[int, BaseException], Any] | None = None,
    ) -> tuple[list[Any], dict[str, int]]:
        """`func(shared, item, *args)` for every item, as tasks; `shared` is scattered once.

        Returns the results in the order of `items` and, by name, the items started more than
        once. A task that raises (or whose worker died more often than the scheduler allows)
        gives `failed(index, error)` (or re-raises when `failed` is None)."""
        from distributed import wait

        client = self.client
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        run_id = uuid.uuid4().hex[:8]
        keys = [f"planner-{run_id}-{i}" for i in range(len(items))]
        futures = {
            client.submit(
                _task, func, key, shared_future, item, *args, key=key, pure=False, retries=0
            ): i
            for i, (key, item) in enumerate(zip(keys, items, strict=True))
        }
        results: list[Any] = [None] * len(items)
        pending = set(futures)
        done = failures = 0
        while pending:
            try:
                with client.as_current():  # `wait` looks for the default client
                    finished, pending = wait(pending, timeout=POLL, return_when="FIRST_COMPLETED")
            except TimeoutError:
                finished = set()
            for future in sorted(finished, key=lambda f: futures[f]):
                i = futures[future]
                if future.status == "finished":
                    results[i] = future.result()
                else:
                    error = future.exception()
                    if failed is None:
                        raise error
                    results[i] = failed(i, error)
                    failures += 1
                done += 1
                if on_result:
                    on_result(i, results[i])
            if on_state:
                on_state(done, self._running(set(keys)), failures, len(items))
        starts = self.starts()
        label = list(names) if names is not None else keys
        reruns = {label[i]: starts[k] for i, k in enumerate(keys) if starts[k] > 1}
        del shared_future
        return results, reruns

    def _running(self, keys: set[str]) -> int:
        try:
            processing = self.client.processing()
            nthreads = self.client.nthreads()
        except Exception:  # a progress figure must never stop a sweep
            return 0
        # A worker may hold queued tasks beyond its threads: count at most its threads each.
        return sum(
            min(nthreads.get(worker, 1), sum(1 for k in tasks if k in keys))
            for worker, tasks in processing.items()
        )


def _task(func: Callable[..., Any], key: str, shared: Any, item: Any, *args: Any) -> Any:
    """Runs on a worker: note the start (to count reruns), then the work."""
    try:
        from distributed import get_worker

        get_worker().log_event(START_TOPIC, {"key": key, "pid": os.getpid()})
    except ValueError:  # not on a worker (a client-side fallback): nothing to count
        pass
    logging.getLogger("planner").setLevel(logging.ERROR)  # workers must not garble the bar
    return func(shared, item, *args)


# -- what-if on a cluster -------------------------------------------------------------------------


def failed_outcome(variant: Variant, error: BaseException | str) -> Outcome:
    """The outcome of a variant whose task failed for its own reason (not infeasibility)."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return Outcome(
        variant=variant,
        status="failed",
        plan=None,
        infeasible=Infeasibility("task", (), None, "", text),
        budget=[],
        needs={"all": (0, 0)},
        priority=(0, 0),
        leaders=(0, 0),
        unmet_by_cause={},
        courses={},
        blocked=[],
        time_s=0.0,
    )


def _solve_or_fail(case: Case, variant: Variant, settings: WhatIfSettings) -> Outcome:
    try:
        return solve_variant(case, variant, settings)
    except Exception as error:  # the variant's own failure is its result; the others go on
        return failed_outcome(variant, error)


class DaskExecutor:
    """A `whatif.Executor` that runs each variant as a task on a Dask scheduler."""

    def __init__(
        self,
        case: Case,
        settings: WhatIfSettings,
        jobs: int,
        *,
        scheduler: str,
        on_state: StateCallback | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.case, self.settings = case, settings
        self.connection = Connection(
            scheduler, settings.jobs if scheduler == LOCAL else None, connect_timeout
        )
        self.jobs = jobs
        self.name = f"dask:{scheduler}"
        self.reruns: dict[str, int] = {}
        self.on_state = on_state

    def __enter__(self) -> DaskExecutor:
        self.connection.__enter__()
        self.jobs = self.connection.threads()
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()

    def run(self, variants: Sequence[Variant], note: Callable[[Outcome], None]) -> list[Outcome]:
        # Outcomes are noted in the order of the variants (like the process pool), as they come.
        results: dict[int, Outcome] = {}
        noted = 0

        def on_result(i: int, outcome: Outcome) -> None:
            nonlocal noted
            results[i] = outcome
            while noted in results:
                note(results[noted])
                noted += 1

        outcomes, reruns = self.connection.map_tasks(
            _solve_or_fail,
            self.case,
            list(variants),
            self.settings,
            names=[v.name for v in variants],
            on_state=self.on_state,
            on_result=on_result,
            failed=lambda i, error: failed_outcome(variants[i], _why(error)),
        )
        self.reruns.update(reruns)
        return outcomes


def _why(error: BaseException) -> str:
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        return f"its worker died {ALLOWED_FAILURES}+ times (KilledWorker): {error}"
    return f"{type(error).__name__}: {error}"


# -- national plans by province blocks ------------------------------------------------------------


def _apply(func: Callable[[Any], Any], item: Any) -> Any:
    return func(item)


def plan_national(
    prepared: Any,
    config: Any,
    scheduler: str | None = None,
    jobs: int | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Any:
    """The plan of a national case (units with a `province`) by province blocks
    (`planner.optimise.blocks`), each province a task on `scheduler` (None: in this process)."""
    from planner.optimise.blocks import plan_by_blocks, serial_map

    province_of_unit = {name: info.province for name, info in prepared.case.units.items()}
    if scheduler is None:
        return plan_by_blocks(prepared.instance, province_of_unit, config, serial_map)
    with Connection(scheduler, jobs, connect_timeout) as connection:

        def on_cluster(func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            results, reruns = connection.map_tasks(
                _apply, func, list(items), names=[getattr(i, "province", "") for i in items]
            )
            if reruns:
                log.warning("province tasks started more than once: %s", reruns)
            return results

        return plan_by_blocks(prepared.instance, province_of_unit, config, on_cluster)


def executor_for(
    scheduler: str | None,
    on_state: StateCallback | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> ExecutorFactory:
    """The executor for `scheduler`: None → the local process pool, else Dask."""
    if scheduler is None:
        return _Runner

    def make(case: Case, settings: WhatIfSettings, jobs: int) -> Executor:
        return DaskExecutor(
            case,
            settings,
            jobs,
            scheduler=scheduler,
            on_state=on_state,
            connect_timeout=connect_timeout,
        )

    return make


def run_variants(
    case: Case,
    variants: Sequence[Variant],
    settings: WhatIfSettings | None = None,
    scheduler: str | None = None,
    on_state: StateCallback | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> tuple[list[Outcome], dict[str, int]]:
    """Plan each variant (no baseline, no probes): the outcomes in order, and the variants
    started more than once. `scheduler`: None (local process pool), `local` or an address.
    A variant failing for its own reason is a `failed` outcome; the others still run."""
    settings = settings or WhatIfSettings()
    jobs = settings.jobs or min(os.cpu_count() or 1, max(1, len(variants)))
    factory = executor_for(scheduler, on_state, connect_timeout)
    with factory(case, settings, jobs) as executor:
        started = time.monotonic()
        outcomes = executor.run(list(variants), lambda _o: None)
        wall = time.monotonic() - started
        log.info("%d variants in %.1f s on %s", len(variants), wall, scheduler or "processes")
        return outcomes, dict(executor.reruns)


def run_whatif_on(
    case: Case,
    variants: Sequence[Variant],
    settings: WhatIfSettings | None = None,
    scheduler: str | None = None,
    on_done: Callable[[Outcome, int, int], None] | None = None,
    on_state: StateCallback | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> WhatIf:
    """`run_whatif` (baseline, variants, probes, comparison) with the variants on `scheduler`."""
    executor = executor_for(scheduler, on_state, connect_timeout)
    return run_whatif(case, variants, settings or WhatIfSettings(), on_done, executor)


__all__ = [
    "CONNECT_TIMEOUT",
    "LOCAL",
    "SCHEDULER_ENV",
    "Connection",
    "DaskExecutor",
    "SchedulerUnreachable",
    "executor_for",
    "plan_national",
    "failed_outcome",
    "run_variants",
    "run_whatif_on",
    "scheduler_from_env",
]
