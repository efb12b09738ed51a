"""The job runner: plan and what-if runs as background processes, at most `workers` at once.

A job is a run in the store (status, progress, output): the page can be reloaded, the server
restarted, the job's state is in the database. Each job runs in its own process (a forkserver
child with the pipeline preloaded), so a cancel ends it at once (the process is terminated and
the run marked cancelled) and a crash cannot take the server down. On start the runner takes up
the runs a previous server left queued, and re-queues as new runs those it left running, so no
job is lost.

Executors: each job is a process of this module's pool. With a Dask scheduler (`planner serve
--scheduler ADDRESS` or PLANNER_SCHEDULER), a what-if job sends its variants to the cluster as
`planner whatif --scheduler` does (planner.analysis.distributed): the case once, one task per
variant, retried when a worker dies; an unreachable scheduler fails the run with its address.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from planner.server import work

log = logging.getLogger("planner.server")
JOB_KINDS = ("plan", "whatif")
_POLL_S = 0.2


@dataclass
class _Active:
    process: Any
    case_id: int


class JobRunner:
    def __init__(
        self, store: Any, database_url: str, workers: int = 2, scheduler: str | None = None
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.database_url = database_url
        self.workers = max(1, workers)
        self._queue: deque[int] = deque()
        self._active: dict[int, _Active] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context = multiprocessing.get_context("forkserver")
        # The children start from a process that has the pipeline imported already.
        self._context.set_forkserver_preload(
            ["planner.pipeline", "planner.server.work", "planner.report.plan_report"]
        )

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        threading.Thread(target=self._warm, name="planner-jobs-warm", daemon=True).start()
        self._recover()
        self._thread = threading.Thread(target=self._loop, name="planner-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the runner; running jobs are ended and left to be re-queued on the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            for active in self._active.values():
                active.process.terminate()
            for active in self._active.values():
                active.process.join(timeout=5)
            self._active.clear()

    def _warm(self) -> None:
        try:
            process = self._context.Process(target=work.warm, name="planner-warm")
            process.start()
            process.join(timeout=120)
        except Exception:  # only a head start; the first job starts the server anyway
            log.debug("forkserver warm-up failed", exc_info=True)

    def _recover(self) -> None:
        for run in reversed(self.store.list_runs(status="queued")):
            if run.kind in JOB_KINDS:
                self._queue.append(run.id)
        for run in self.store.list_runs(status="running"):
            if run.kind not in JOB_KINDS:
                continue
            again = self.store.save_run(run.case_id, run.kind, settings=run.settings)
            self.store.finish_run(
                run.id,
                status="failed",
                error={"kind": "restart", "message": "server restarted", "rerun": again.id},
            )
            self._queue.append(again.id)
            log.info("run %s re-queued as %s after a restart", run.id, again.id)

    # -- jobs -------------------------------------------------------------------------------

    def submit(self, case_id: int, kind: str, settings: dict[str, Any]) -> Any:
        run = self.store.save_run(case_id, kind, settings=settings)
        with self._lock:
            self._queue.append(run.id)
        self._wake.set()
        return run

    def cancel(self, run_id: int) -> Any:
        self.store.request_cancel(run_id)
        with self._lock:
            if run_id in self._queue:
                self._queue.remove(run_id)
            active = self._active.get(run_id)
        if active is not None:
            active.process.terminate()
            active.process.join(timeout=5)
            from planner.store import RunStateError

            with contextlib.suppress(RunStateError):  # it ended on its own first
                self.store.finish_run(run_id, status="cancelled")
        return self.store.get_run(run_id, with_output=False)

    def active(self) -> list[int]:
        with self._lock:
            return sorted(self._active)

    def queued(self) -> list[int]:
        with self._lock:
            return list(self._queue)

    # -- the loop ---------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._reap()
                self._launch_ready()
            except Exception:  # keep the runner alive; the run states show what happened
                log.exception("job runner")
            self._wake.wait(_POLL_S)
            self._wake.clear()

    def _reap(self) -> None:
        from planner.store import RunStateError

        with self._lock:
            done = [(rid, a) for rid, a in self._active.items() if not a.process.is_alive()]
            for run_id, _ in done:
                del self._active[run_id]
        for run_id, active in done:
            active.process.join(timeout=1)
            run = self.store.get_run(run_id, with_output=False)
            if run.status in ("queued", "running"):
                with contextlib.suppress(RunStateError):
                    self.store.finish_run(
                        run_id,
                        status="failed",
                        error={
                            "kind": "internal",
                            "message": f"the job's process ended (exit {active.process.exitcode})",
                        },
                    )

    def _launch_ready(self) -> None:
        while True:
            with self._lock:
                if len(self._active) >= self.workers or not self._queue:
                    return
                run_id = self._queue.popleft()
            run = self.store.get_run(run_id, with_output=False)
            if run.status != "queued":
                continue
            self._launch(run_id, run.case_id)

    def _launch(self, run_id: int, case_id: int) -> None:
        process = self._context.Process(
            target=work.run_job,
            args=(self.database_url, run_id, self.scheduler),
            name=f"planner-run-{run_id}",
        )
        process.start()
        with self._lock:
            self._active[run_id] = _Active(process, case_id)
