"""Two jobs on one case never write over each other: real races between separate connections
(each thread its own engine, as two server processes would be), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.store_support import BACKENDS, fresh_database

from planner.io.case import Case
from planner.store import CaseBusyError, StaleCaseError, Store, core, open_store

ROOT = Path(__file__).resolve().parents[1]
THOI_BINH = ROOT / "examples" / "thoi-binh"
JOBS = 6


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as database:
        yield database


def _race(url: str, jobs: int, work: Callable[[Store, int], Any]) -> list[Any]:
    """Run `work(store, i)` in `jobs` threads, each with its own Store, released together;
    each result is the return value or the exception raised."""
    stores = [open_store(url, upgrade=False) for _ in range(jobs)]
    start = threading.Barrier(jobs)

    def one(i: int) -> Any:
        start.wait()
        try:
            return work(stores[i], i)
        except Exception as exc:  # the outcome under test
            return exc

    try:
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(one, range(jobs)))
    finally:
        for store in stores:
            store.close()


def test_one_of_racing_jobs_takes_the_case(url: str) -> None:
    with open_store(url) as store:
        case = store.import_case(THOI_BINH)
        runs = [store.save_run(case.id, "plan").id for _ in range(JOBS)]
    taken = _race(url, JOBS, lambda s, i: s.acquire_case(case.id, runs[i]))
    assert taken.count(True) == 1 and taken.count(False) == JOBS - 1
    winner = runs[taken.index(True)]
    with open_store(url, upgrade=False) as store:
        assert store.get_case(case.id).locked_by_run == winner
        loser = next(r for r in runs if r != winner)
        with (
            pytest.raises(CaseBusyError, match=f"held by run {winner}"),
            store.holding_case(case.id, loser),
        ):
            pass
        store.release_case(case.id, loser)  # not the holder: changes nothing
        assert store.get_case(case.id).locked_by_run == winner
        store.release_case(case.id, winner)
        with store.holding_case(case.id, loser):
            assert store.get_case(case.id).locked_by_run == loser
        assert store.get_case(case.id).locked_by_run is None


def test_racing_writers_of_one_version_one_wins(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writers = 3
    with open_store(url) as store:
        case = store.import_case(THOI_BINH)
        original = store.case_files(case.id)["case.yaml"]
    # Hold every writer after it has validated its files, so all of them have read the same
    # version and meet only at the database's UPDATE … WHERE version = v.
    validated = threading.Barrier(writers)
    load = core._load_as

    def load_then_wait(folder: Path, label: str) -> Case:
        loaded = load(folder, label)
        validated.wait()
        return loaded

    monkeypatch.setattr(core, "_load_as", load_then_wait)

    def write(store: Store, i: int) -> int:
        data = original.replace(b'2026"', f'2026 (writer {i})"'.encode())
        return store.replace_case_files(
            case.id, {"case.yaml": data}, expected_version=case.version
        ).version

    outcomes = _race(url, writers, write)
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, StaleCaseError)]
    assert won == [case.version + 1] and len(lost) == writers - 1, outcomes
    winner = outcomes.index(won[0])
    with open_store(url, upgrade=False) as store:
        info = store.get_case(case.id)
        assert info.version == case.version + 1
        assert info.name == f"Thới Bình 2026 (writer {winner})"
        assert f"(writer {winner})".encode() in store.case_files(case.id)["case.yaml"]


def test_progress_and_cancel_from_two_connections(url: str) -> None:
    with open_store(url) as store:
        case = store.import_case(THOI_BINH)
        run = store.save_run(case.id, "whatif")
        store.start_run(run.id)

    def work(store: Store, i: int) -> Any:
        if i == 0:
            return store.request_cancel(run.id).cancel_requested
        return [store.update_run_progress(run.id, step / 20) for step in range(20)]

    outcomes = _race(url, 3, work)
    assert outcomes[0] is True
    for told in outcomes[1:]:
        assert not isinstance(told, Exception), told
        # once told to stop, a job is told so on every later update
        assert told == sorted(told, reverse=True)
    with open_store(url, upgrade=False) as store:
        assert store.update_run_progress(run.id, 1.0) is False
        assert store.finish_run(run.id, status="cancelled").status == "cancelled"


def test_racing_workers_claim_each_queued_run_once(url: str) -> None:
    with open_store(url) as store:
        case = store.import_case(THOI_BINH)
        queued = [store.save_run(case.id, "plan").id for _ in range(12)]
        other = store.save_run(case.id, "assessment").id  # not a kind the workers take

    def drain(store: Store, i: int) -> list[int]:
        taken = []
        while (run := store.claim_next_run(kinds=["plan"])) is not None:
            assert run.status == "running"
            taken.append(run.id)
        return taken

    claimed = _race(url, 4, drain)
    for outcome in claimed:
        assert not isinstance(outcome, Exception), outcome
    every = [run for taken in claimed for run in taken]
    assert sorted(every) == queued  # none lost, none taken twice
    with open_store(url, upgrade=False) as store:
        assert {r.status for r in store.list_runs(case.id, kind="plan")} == {"running"}
        assert store.get_run(other).status == "queued"
