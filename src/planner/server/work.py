"""What a background job does, in its own process: read its run, take the case's files at the
version the run was made on, plan (or run the what-if), store the Plan JSON in the run and the
report files beside it, and report progress on the way (the page polls it).

Each job writes only its own run and its own files, so two jobs on one case never write over
each other; a case changed after the job was queued fails the job with a clear message rather
than planning a case the run does not describe.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from planner.errors import InfeasiblePlanError, InputError, PlannerError

PROGRESS_EVERY_S = 0.5


class Ticker(threading.Thread):
    """Moves the run's progress with time while the solver works (the solver reports only its
    end), and notices a cancel request."""

    def __init__(self, store: Any, run_id: int, start: float, span: float, budget_s: float):
        super().__init__(daemon=True)
        self.store, self.run_id = store, run_id
        self.start_at, self.span, self.budget_s = start, span, max(budget_s, 0.1)
        self.began = time.monotonic()
        self.cancelled = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(PROGRESS_EVERY_S):
            share = min((time.monotonic() - self.began) / self.budget_s, 1.0)
            try:
                keep_going = self.store.update_run_progress(
                    self.run_id, self.start_at + self.span * share, "solving"
                )
            except PlannerError:
                return
            except Exception:  # the database busy for a moment: try again at the next tick
                continue
            if not keep_going:
                self.cancelled.set()
                return


class Cancelled(Exception):
    pass


def warm() -> None:
    """Nothing: started once so the forkserver (and its preloaded pipeline) is up before the
    first real job."""


def run_job(database_url: str, run_id: int, scheduler: str | None = None) -> None:
    """The job's process entry: never raises (every ending is recorded in the run).
    `scheduler`: where a what-if's variants run (a Dask address or `local`; None: here)."""
    from planner.server.db import ServerDB
    from planner.store import RunStateError, open_store

    store = open_store(database_url, upgrade=False)
    files_db = ServerDB(store.engine)
    started = time.monotonic()
    try:
        try:
            run = store.start_run(run_id)
        except RunStateError:
            return  # cancelled before it started
        output, files = _execute(store, run, scheduler)
        for name, content in files.items():
            from planner.server.reports import media_type

            files_db.save_run_file(run_id, name, media_type(name), content)
        _finish(store, run_id, "finished", output=output, time_s=time.monotonic() - started)
    except Cancelled:
        _finish(store, run_id, "cancelled")
    except InputError as error:
        _finish(store, run_id, "failed", error={"kind": "input", "message": error.render()})
    except PlannerError as error:
        _finish(store, run_id, "failed", error={"kind": "planner", "message": str(error)})
    except Exception as error:  # a bug: recorded in the run, never a traceback on a page
        _finish(
            store,
            run_id,
            "failed",
            error={
                "kind": "internal",
                "message": f"{type(error).__name__}: {error}",
                "trace": traceback.format_exc(limit=8),
            },
        )
    finally:
        store.close()


def _finish(store: Any, run_id: int, status: str, **kwargs: Any) -> None:
    from planner.store import RunStateError

    with contextlib.suppress(RunStateError):  # cancelled meanwhile: the cancel stands
        store.finish_run(run_id, status=status, **kwargs)


def _execute(store: Any, run: Any, scheduler: str | None = None) -> Any:
    """The run's output JSON and its report files."""
    from planner import pipeline

    settings = dict(run.settings)
    lang = str(settings.get("lang", "vi"))
    store.update_run_progress(run.id, 0.02, "loading")
    with store.materialise(run.case_id) as folder:
        # The files are those of the run's version only if the version is the same before and
        # after reading them (every write bumps it).
        if store.get_case(run.case_id).version != run.case_version:
            raise InputError(
                f"case {run.case_id} changed after this job was queued (version "
                f"{run.case_version}); run it again",
                field="case_version",
            )
        case = pipeline.load(folder, settings.get("years"))
        if store.get_case(run.case_id).version != run.case_version:
            raise InputError(
                f"case {run.case_id} changed while this job read it; run it again",
                field="case_version",
            )
        if run.kind == "plan":
            return _plan(store, run, case, settings, lang)
        if run.kind == "whatif":
            return _whatif(store, run, case, folder, settings, lang, scheduler)
    raise InputError("this run kind is not a background job", field="kind", found=run.kind)


def _plan(store: Any, run: Any, case: Any, settings: dict[str, Any], lang: str) -> Any:
    from planner import pipeline
    from planner.analysis.evaluate import case_effectiveness
    from planner.optimise.solve import SolveConfig
    from planner.report.plan import infeasible_dict
    from planner.report.schemas import PlanOut, to_json
    from planner.server.reports import plan_files

    prepared = pipeline.prepare(case)
    store.update_run_progress(run.id, 0.1, "solving")
    weighted = bool(settings.get("weight_by_effectiveness"))
    config = SolveConfig(
        engine=settings.get("engine", "auto"),
        time_limit=float(settings.get("time_limit", 10.0)),
        seed=int(settings.get("seed", 0)),
        workers=1,
        mode=settings.get("mode", "coverage"),
        weight_by_effectiveness=weighted,
        effectiveness=case_effectiveness(prepared.case) if weighted else None,
    )
    ticker = Ticker(store, run.id, 0.1, 0.8, config.time_limit)
    ticker.start()
    began = time.monotonic()
    try:
        plan = pipeline.plan(prepared, config)
    except InfeasiblePlanError as error:
        data = infeasible_dict(
            error,
            lang,
            engine=config.engine,
            seed=config.seed,
            mode=config.mode,
            time_s=round(time.monotonic() - began, 3),
        )
        text = to_json(PlanOut, data)
        return json.loads(text), {"plan.json": text.encode("utf-8")}
    finally:
        ticker.stop.set()
    if ticker.cancelled.is_set():
        raise Cancelled
    store.update_run_progress(run.id, 0.92, "reports")
    files = plan_files(prepared.case, plan, prepared.assessment, lang)
    return json.loads(files["plan.json"]), files


def _whatif(
    store: Any,
    run: Any,
    case: Any,
    folder: Path,
    settings: dict[str, Any],
    lang: str,
    scheduler: str | None = None,
) -> Any:
    from planner.analysis.scenario import budget_scale_scenarios
    from planner.analysis.whatif import WhatIfSettings, run_whatif, variants_from
    from planner.server.reports import whatif_files
    from planner.server.scenarios import load_scenarios

    files = load_scenarios(case, settings.get("scenarios") or [], folder)
    sweep = budget_scale_scenarios(settings["budget_scale"]) if settings.get("budget_scale") else []
    variants = variants_from(files, sweep)
    whatif = WhatIfSettings(
        engine=settings.get("engine", "auto"),
        time_limit=float(settings.get("time_limit", 10.0)),
        seed=int(settings.get("seed", 0)),
        jobs=1,  # one job, one process: the runner's pool decides how many run at once
        probes=int(settings.get("probes", 0)),
    )
    total = len(variants) + 1 + whatif.probes
    ticker = Ticker(store, run.id, 0.05, 0.85, whatif.time_limit * total)
    ticker.start()
    try:
        if scheduler:
            from planner.analysis.distributed import run_whatif_on

            result = run_whatif_on(case, variants, whatif, scheduler=scheduler)
        else:
            result = run_whatif(case, variants, whatif)
    finally:
        ticker.stop.set()
    if ticker.cancelled.is_set():
        raise Cancelled
    store.update_run_progress(run.id, 0.92, "reports")
    out = whatif_files(result, lang)
    return json.loads(out["whatif.json"]), out
