"""The store: cases (their files byte for byte, and the rows parsed from them), runs, adoption.

Every method opens its own short transaction, so one `Store` may be shared by threads (a web
server's workers); writes that could race are guarded in the database itself (see `Store`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from planner.errors import InputError
from planner.io.atomic import write_atomic
from planner.io.boundary import read_bytes
from planner.io.bundled import bundled_dir
from planner.io.case import Case
from planner.io.case_loader import load_case, load_case_config
from planner.io.limits import limits
from planner.store import migrate
from planner.store.errors import (
    CaseBusyError,
    NotFoundError,
    RunStateError,
    StaleCaseError,
    StoreError,
)
from planner.store.info import (
    FINAL_STATUSES,
    RUN_KINDS,
    RUN_STATUSES,
    AttendanceInfo,
    CaseInfo,
    RunInfo,
)
from planner.store.models import (
    Attendance,
    BudgetLineRow,
    CaseFile,
    CaseRow,
    HistoryRow,
    LawFile,
    LawSnapshot,
    OfficialRow,
    Run,
    UnitRow,
)
from planner.store.urls import resolve_url

# Files of a case folder that are not the case: editor and OS litter, never exported.
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "__pycache__"})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree_hash(files: Mapping[str, bytes]) -> str:
    """One hash over (path, bytes) pairs in path order: equal iff every file is equal."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + _sha(files[path]).encode() + b"\n")
    return digest.hexdigest()


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative POSIX path (hidden files and litter skipped)."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part in _SKIP_NAMES for part in relative.parts):
            continue
        if path.is_file():  # through the input boundary: a regular file within its limit
            files[relative.as_posix()] = read_bytes(path, limits().table_bytes)
    return files


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` under `folder`, each atomically, refusing paths that leave the folder."""
    root = folder.resolve()
    for relative, content in sorted(files.items()):
        target = (root / relative).resolve()
        if root not in target.parents:
            raise StoreError(f"stored file {relative!r} would be written outside {folder}")
        write_atomic(target, content)


def _law_location(folder: Path, value: str, bundled: str) -> Path:
    if value == "bundled":
        return bundled_dir(bundled)
    path = Path(value)
    return path if path.is_absolute() else folder / path


def _law_files(location: Path) -> dict[str, bytes]:
    if location.is_file():
        return {location.name: read_bytes(location, limits().yaml_bytes, "YAML file")}
    return {
        path: content
        for path, content in read_folder(location).items()
        if path.endswith((".yaml", ".yml"))
    }


class Store:
    """A planner database. Open one with `open_store(url)`.

    Concurrency (two jobs on one case never write over each other):
    - every change to a case bumps `version`; `replace_case_files(..., expected_version=v)`
      is one `UPDATE ... WHERE version = v` and raises `StaleCaseError` when another writer
      changed the case in between (optimistic locking, works the same on SQLite and PostgreSQL);
    - a job that will write the case takes it first with `acquire_case(case_id, run_id)`, one
      atomic `UPDATE ... WHERE locked_by_run IS NULL`: exactly one of several racing jobs wins,
      the others get False (or `CaseBusyError` from `holding_case`).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    # -- plumbing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error."""
        with self._session() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- cases ------------------------------------------------------------------------------

    def import_case(self, folder: str | Path) -> CaseInfo:
        """Validate the case folder (as `planner validate` loads it) and store it: every file's
        bytes, the rows parsed from them and a snapshot of the rules and catalog in force."""
        folder = Path(folder)
        case = load_case(folder)  # InputError naming file/row/field on bad input
        _check_self_contained(case.folder)
        files = read_folder(case.folder)
        with self.session() as session:
            row = CaseRow(version=1)
            self._fill_case(session, row, case, files)
            session.add(row)
            session.flush()
            self._write_rows(session, row.id, case, files)
            case_id = row.id
        return self.get_case(case_id)

    def export_case(self, case_id: int, folder: str | Path) -> list[Path]:
        """Write the case's files into `folder` (created; must be empty), byte for byte."""
        folder = Path(folder)
        if folder.exists() and any(folder.iterdir()):
            raise StoreError(f"{folder} is not empty: export the case into a new folder")
        files = self.case_files(case_id)
        folder.mkdir(parents=True, exist_ok=True)
        write_folder(folder, files)
        return [folder / path for path in sorted(files)]

    def case_files(self, case_id: int) -> dict[str, bytes]:
        with self.session() as session:
            self._case_row(session, case_id)
            rows = session.scalars(select(CaseFile).where(CaseFile.case_id == case_id)).all()
            return {row.path: row.content for row in rows}

    def law_files(self, snapshot_hash: str) -> dict[str, bytes]:
        """The rules or catalog files a case was stored with (by its rules_/catalog_hash)."""
        with self.session() as session:
            rows = session.scalars(
                select(LawFile).where(LawFile.snapshot_hash == snapshot_hash)
            ).all()
            if not rows:
                raise NotFoundError(f"no rules or catalog snapshot {snapshot_hash} in the store")
            return {row.path: row.content for row in rows}

    def get_case(self, case_id: int) -> CaseInfo:
        with self.session() as session:
            return self._case_info(session, self._case_row(session, case_id))

    def list_cases(self) -> list[CaseInfo]:
        with self.session() as session:
            rows = session.scalars(select(CaseRow).order_by(CaseRow.id)).all()
            return [self._case_info(session, row) for row in rows]

    def delete_case(self, case_id: int) -> None:
        with self.session() as session:
            row = self._case_row(session, case_id)
            for table in (Attendance, Run, HistoryRow, OfficialRow, UnitRow, BudgetLineRow):
                session.execute(delete(table).where(table.case_id == case_id))
            session.execute(delete(CaseFile).where(CaseFile.case_id == case_id))
            session.execute(
                update(CaseRow)
                .where(CaseRow.previous_case_id == case_id)
                .values(previous_case_id=None)
            )
            session.delete(row)

    def replace_case_files(
        self,
        case_id: int,
        files: Mapping[str, bytes],
        *,
        expected_version: int,
        remove: Iterable[str] = (),
    ) -> CaseInfo:
        """Change some of a case's files (e.g. a new officials table), validate the whole case
        and re-derive its rows. `expected_version` is the version the caller read: if the case
        changed since, nothing is written and `StaleCaseError` is raised."""
        if self.get_case(case_id).version != expected_version:  # fail fast; re-checked below
            raise StaleCaseError(
                f"case {case_id} changed since version {expected_version} was read; "
                "read it again and retry"
            )
        current = self.case_files(case_id)
        merged = {path: data for path, data in current.items() if path not in set(remove)}
        merged.update(files)
        with tempfile.TemporaryDirectory(prefix="planner-case-") as tmp:
            write_folder(Path(tmp), merged)
            case = _load_as(Path(tmp), f"case {case_id}")
            with self.session() as session:
                bumped = session.execute(
                    update(CaseRow)
                    .where(CaseRow.id == case_id, CaseRow.version == expected_version)
                    .values(version=CaseRow.version + 1, updated_at=_now())
                )
                if bumped.rowcount != 1:  # type: ignore[attr-defined]
                    self._case_row(session, case_id)  # NotFoundError if it is gone
                    raise StaleCaseError(
                        f"case {case_id} changed since version {expected_version} was read; "
                        "read it again and retry"
                    )
                row = self._case_row(session, case_id)
                self._fill_case(session, row, case, merged)
                for table in (HistoryRow, OfficialRow, UnitRow, BudgetLineRow, CaseFile):
                    session.execute(delete(table).where(table.case_id == case_id))
                self._write_rows(session, case_id, case, merged)
        return self.get_case(case_id)

    @contextlib.contextmanager
    def materialise(self, case_id: int) -> Iterator[Path]:
        """The case's files in a temporary folder (removed afterwards), for the pipeline."""
        with tempfile.TemporaryDirectory(prefix=f"planner-case-{case_id}-") as tmp:
            write_folder(Path(tmp), self.case_files(case_id))
            yield Path(tmp)

    def load(self, case_id: int) -> Case:
        """The case as `planner.pipeline.load` would load its folder."""
        with self.materialise(case_id) as folder:
            return _load_as(folder, f"case {case_id}")

    # -- concurrency ------------------------------------------------------------------------

    def acquire_case(self, case_id: int, run_id: int) -> bool:
        """Take the case for the job `run_id`; False when another job holds it."""
        with self.session() as session:
            taken = session.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.locked_by_run.is_(None))
                .values(locked_by_run=run_id)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return True
            row = self._case_row(session, case_id)
            return row.locked_by_run == run_id  # re-entrant for the holder

    def release_case(self, case_id: int, run_id: int) -> None:
        with self.session() as session:
            session.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.locked_by_run == run_id)
                .values(locked_by_run=None)
            )

    @contextlib.contextmanager
    def holding_case(self, case_id: int, run_id: int) -> Iterator[None]:
        if not self.acquire_case(case_id, run_id):
            holder = self.get_case(case_id).locked_by_run
            raise CaseBusyError(f"case {case_id} is held by run {holder}; try again when it ends")
        try:
            yield
        finally:
            self.release_case(case_id, run_id)

    # -- runs -------------------------------------------------------------------------------

    def inputs_hash(self, case_id: int, kind: str, settings: Mapping[str, Any] | None) -> str:
        """Hash of everything a run's output depends on: the case files, the rules and catalog
        snapshots, the kind and the settings (canonical JSON). Same hash, same output."""
        info = self.get_case(case_id)
        # `bundled` law is the installed package's, which an upgrade may change: hash what a
        # run would load now, not the snapshot taken at import (a folder inside the case is
        # covered by files_hash already).
        rules = _tree_hash(_law_files(bundled_dir("rules"))) if info.rules_ref == "bundled" else ""
        catalog = (
            _tree_hash(_law_files(bundled_dir("catalogs"))) if info.catalog_ref == "bundled" else ""
        )
        payload = json.dumps(
            {
                "files": info.files_hash,
                "rules": rules or info.rules_hash,
                "catalog": catalog or info.catalog_hash,
                "kind": kind,
                "settings": dict(settings or {}),
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return _sha(payload.encode("utf-8"))

    def save_run(
        self,
        case_id: int,
        kind: str,
        *,
        settings: Mapping[str, Any] | None = None,
        status: str = "queued",
        output: Mapping[str, Any] | None = None,
        time_s: float | None = None,
    ) -> RunInfo:
        """Record a run of `kind` on the case as it is now (its version and inputs' hash).
        Pass `status="finished"` and `output` to store a run made elsewhere (the CLI)."""
        if kind not in RUN_KINDS:
            raise StoreError(f"run kind {kind!r} is not one of {', '.join(RUN_KINDS)}")
        if status not in RUN_STATUSES:
            raise StoreError(f"run status {status!r} is not one of {', '.join(RUN_STATUSES)}")
        digest = self.inputs_hash(case_id, kind, settings)
        now = _now()
        with self.session() as session:
            case = self._case_row(session, case_id)
            run = Run(
                case_id=case_id,
                case_version=case.version,
                kind=kind,
                inputs_hash=digest,
                settings=json.loads(json.dumps(dict(settings or {}), default=str)),
                status=status,
                progress=1.0 if status == "finished" else 0.0,
                cancel_requested=False,
                created_at=now,
                started_at=now if status != "queued" else None,
                finished_at=now if status in FINAL_STATUSES else None,
                time_s=time_s,
                output=dict(output) if output is not None else None,
            )
            session.add(run)
            session.flush()
            return self._run_info(run, True)

    def start_run(self, run_id: int) -> RunInfo:
        with self.session() as session:
            run = self._run_row(session, run_id, lock=True)
            if run.status != "queued":
                raise RunStateError(f"run {run_id} is {run.status}, not queued")
            run.status, run.started_at = "running", _now()
            return self._run_info(run, False)

    def update_run_progress(self, run_id: int, progress: float, message: str | None = None) -> bool:
        """Record progress (0..1) of a running job; returns False when a cancel was requested
        (the job should stop and call `finish_run(..., status="cancelled")`)."""
        with self.session() as session:
            run = self._run_row(session, run_id, lock=True)
            if run.status in FINAL_STATUSES:
                raise RunStateError(f"run {run_id} is already {run.status}")
            run.progress = min(max(float(progress), 0.0), 1.0)
            if message is not None:
                run.message = message
            if run.status == "queued":
                run.status, run.started_at = "running", _now()
            return not run.cancel_requested

    def claim_next_run(self, kinds: Iterable[str] | None = None) -> RunInfo | None:
        """For a pool of workers: take the oldest queued run (of `kinds`) and mark it running,
        or None when none is queued. Each queued run goes to exactly one worker, however many
        call at once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time)."""
        query = select(Run).where(Run.status == "queued").order_by(Run.id).limit(1)
        if kinds is not None:
            query = query.where(Run.kind.in_(list(kinds)))
        with self.session() as session:
            run = session.scalars(query.with_for_update(skip_locked=True)).first()
            if run is None:
                return None
            run.status, run.started_at = "running", _now()
            return self._run_info(run, False)

    def request_cancel(self, run_id: int) -> RunInfo:
        with self.session() as session:
            run = self._run_row(session, run_id, lock=True)
            if run.status == "queued":
                run.status, run.finished_at = "cancelled", _now()
            elif run.status == "running":
                run.cancel_requested = True
            return self._run_info(run, False)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str = "finished",
        output: Mapping[str, Any] | None = None,
        error: Mapping[str, Any] | None = None,
        time_s: float | None = None,
    ) -> RunInfo:
        if status not in FINAL_STATUSES:
            raise StoreError(f"a run ends finished, failed or cancelled, not {status!r}")
        with self.session() as session:
            run = self._run_row(session, run_id, lock=True)
            if run.status in FINAL_STATUSES:
                raise RunStateError(f"run {run_id} is already {run.status}")
            now = _now()
            run.status, run.finished_at = status, now
            run.progress = 1.0 if status == "finished" else run.progress
            run.output = dict(output) if output is not None else None
            run.error = dict(error) if error is not None else None
            started = run.started_at or run.created_at
            if time_s is None and started is not None:
                if started.tzinfo is None:  # SQLite returns naive datetimes
                    started = started.replace(tzinfo=dt.timezone.utc)
                time_s = (now - started).total_seconds()
            run.time_s = time_s
            return self._run_info(run, True)

    def get_run(self, run_id: int, *, with_output: bool = True) -> RunInfo:
        with self.session() as session:
            return self._run_info(self._run_row(session, run_id), with_output)

    def list_runs(
        self, case_id: int | None = None, *, kind: str | None = None, status: str | None = None
    ) -> list[RunInfo]:
        """Runs, newest first, without their outputs (`get_run` for one with it)."""
        query = select(Run).order_by(Run.id.desc())
        if case_id is not None:
            query = query.where(Run.case_id == case_id)
        if kind is not None:
            query = query.where(Run.kind == kind)
        if status is not None:
            query = query.where(Run.status == status)
        with self.session() as session:
            return [self._run_info(run, False) for run in session.scalars(query)]

    def find_run(self, inputs_hash: str, *, status: str = "finished") -> RunInfo | None:
        """The newest run with these inputs (a cache hit), or None."""
        with self.session() as session:
            run = session.scalars(
                select(Run)
                .where(Run.inputs_hash == inputs_hash, Run.status == status)
                .order_by(Run.id.desc())
                .limit(1)
            ).first()
            return self._run_info(run, True) if run is not None else None

    # -- adoption ---------------------------------------------------------------------------

    def adopt_plan(self, run_id: int) -> list[AttendanceInfo]:
        """Adopt a finished plan: each assignment becomes an attendance record (result
        `passed`, completed on the session's last day, `recorded=False`) until
        `record_attendance` records what happened. One adopted plan per case."""
        run = self.get_run(run_id)
        if run.kind != "plan" or run.status != "finished" or not run.output:
            raise RunStateError(f"run {run_id} is not a finished plan ({run.kind}, {run.status})")
        if run.output.get("status") == "infeasible":
            raise RunStateError(f"run {run_id} is an infeasible plan; it cannot be adopted")
        info = self.get_case(run.case_id)
        if info.version != run.case_version:
            raise StaleCaseError(
                f"run {run_id} planned version {run.case_version} of case {run.case_id}, "
                f"which is now at version {info.version}: plan again before adopting"
            )
        assignments = run.output.get("assignments", [])
        # The Plan JSON names each session's last day; the catalog only when it does not.
        if all(item.get("end") for item in assignments):
            ends = {
                (str(i["course"]), str(i["session"])): dt.date.fromisoformat(str(i["end"]))
                for i in assignments
            }
        else:
            ends = self._session_ends(run.case_id)
        with self.session() as session:
            row = self._run_row(session, run_id, lock=True)
            other = session.scalars(
                select(Run).where(
                    Run.case_id == run.case_id, Run.adopted_at.is_not(None), Run.id != run_id
                )
            ).first()
            if other is not None:
                raise RunStateError(f"case {run.case_id} already adopted plan run {other.id}")
            if row.adopted_at is not None:
                raise RunStateError(f"run {run_id} is already adopted")
            row.adopted_at = _now()
            for item in assignments:
                key = (str(item["course"]), str(item["session"]))
                if key not in ends:
                    raise StoreError(
                        f"plan run {run_id}: session {key[1]} of course {key[0]} "
                        "is not in the case's catalog"
                    )
                session.add(
                    Attendance(
                        case_id=run.case_id,
                        run_id=run_id,
                        official_id=str(item["official_id"]),
                        course=key[0],
                        session=key[1],
                        year=int(item["year"]),
                        completed_on=ends[key],
                        result="passed",
                        recorded=False,
                        competency_before={},
                        competency_after={},
                    )
                )
        return self.attendance(run_id=run_id)

    def record_attendance(
        self, run_id: int, records: Iterable[Mapping[str, Any]], *, source: str | None = None
    ) -> int:
        """Record what happened: each record names `official_id`, `course`, `session` and may
        give `result` (passed/failed/dropped), `completed_on`, `feedback` (1-5), `score`
        (0-100), `competency_before` / `competency_after` ({id: level}). Returns the count."""
        count = 0
        with self.session() as session:
            for index, record in enumerate(records, start=1):
                number = int(record.get("row") or index)  # the table's row, when it has one
                row = session.scalars(
                    select(Attendance).where(
                        Attendance.run_id == run_id,
                        Attendance.official_id == str(record["official_id"]),
                        Attendance.course == str(record["course"]),
                        Attendance.session == str(record["session"]),
                    )
                ).first()
                if row is None:
                    raise InputError(
                        f"no such attendance in the adopted plan of run {run_id}",
                        path=source,
                        row=number,
                        field="official_id/course/session",
                        found=f"{record['official_id']}/{record['course']}/{record['session']}",
                    )
                result = record.get("result", row.result)
                if result not in ("passed", "failed", "dropped"):
                    raise InputError(
                        "unknown result",
                        path=source,
                        row=number,
                        field="result",
                        found=result,
                        expected="passed, failed or dropped",
                    )
                row.result, row.recorded = result, True
                if record.get("completed_on") is not None:
                    row.completed_on = dt.date.fromisoformat(str(record["completed_on"]))
                for name in ("feedback", "score", "competency_before", "competency_after"):
                    if record.get(name) is not None:
                        setattr(row, name, record[name])
                count += 1
        return count

    def attendance(
        self, *, run_id: int | None = None, case_id: int | None = None
    ) -> list[AttendanceInfo]:
        query = select(Attendance).order_by(Attendance.id)
        if run_id is not None:
            query = query.where(Attendance.run_id == run_id)
        if case_id is not None:
            query = query.where(Attendance.case_id == case_id)
        with self.session() as session:
            return [_attendance_info(row) for row in session.scalars(query)]

    def history(self, case_id: int) -> list[dict[str, Any]]:
        """The case's training history as parsed at import, in the table's order."""
        with self.session() as session:
            self._case_row(session, case_id)
            rows = session.scalars(
                select(HistoryRow).where(HistoryRow.case_id == case_id).order_by(HistoryRow.id)
            ).all()
            return [
                {
                    "official_id": r.official_id,
                    "course": r.course,
                    "session": r.session,
                    "completed_on": r.completed_on,
                    "result": r.result,
                    "feedback": r.feedback,
                    "score": r.score,
                    "competency_before": dict(r.competency_before or {}),
                    "competency_after": dict(r.competency_after or {}),
                }
                for r in rows
            ]

    def start_next_year(self, case_id: int, *, name: str | None = None) -> CaseInfo:
        """A new case one year on: reference date and years shifted by one year, the budget
        of a new year copied from the last year (edit it), and the history grown by the adopted
        plan's attendance that ended before the new reference date, with its evaluation."""
        from planner.store.nextyear import next_year_files  # noqa: PLC0415 - yaml/csv writer

        info = self.get_case(case_id)
        adopted = [r for r in self.list_runs(case_id, kind="plan") if r.adopted_at is not None]
        if not adopted:
            raise RunStateError(f"case {case_id} has no adopted plan; adopt one first")
        files = next_year_files(
            self.case_files(case_id),
            info,
            self.history(case_id),
            self.attendance(case_id=case_id),
            name,
        )
        with tempfile.TemporaryDirectory(prefix="planner-next-") as tmp:
            write_folder(Path(tmp), files)
            new = self.import_case(Path(tmp))
        with self.session() as session:
            row = self._case_row(session, new.id)
            row.previous_case_id = info.id
        return self.get_case(new.id)

    # -- internals --------------------------------------------------------------------------

    def _session_ends(self, case_id: int) -> dict[tuple[str, str], dt.date]:
        case = self.load(case_id)
        return {
            (course.id, session.id): session.end
            for course in case.catalog.courses.values()
            for session in course.sessions
        }

    def _case_row(self, session: Session, case_id: int) -> CaseRow:
        row = session.get(CaseRow, case_id)
        if row is None:
            raise NotFoundError(f"no case {case_id} in the store")
        return row

    def _run_row(self, session: Session, run_id: int, *, lock: bool = False) -> Run:
        query = select(Run).where(Run.id == run_id)
        if lock:
            query = query.with_for_update()  # PostgreSQL row lock; SQLite locks the database
        run = session.scalars(query).first()
        if run is None:
            raise NotFoundError(f"no run {run_id} in the store")
        return run

    def _snapshot(self, session: Session, kind: str, source: str, files: dict[str, bytes]) -> str:
        digest = _tree_hash(files)
        if session.get(LawSnapshot, digest) is None:
            session.add(LawSnapshot(hash=digest, kind=kind, source=source, created_at=_now()))
            session.flush()
            session.add_all(
                LawFile(snapshot_hash=digest, path=path, content=content)
                for path, content in files.items()
            )
        return digest

    def _fill_case(
        self, session: Session, row: CaseRow, case: Case, files: Mapping[str, bytes]
    ) -> None:
        config = load_case_config(case.folder)  # as written: limits without filled defaults
        row.name = config.name
        row.reference_date = config.reference_date
        row.years = list(config.years)
        row.term_start, row.term_end = config.term.start, config.term.end
        row.limits = config.limits.model_dump(mode="json")
        row.rules_ref, row.catalog_ref = config.rules, config.catalog
        row.rules_hash = self._snapshot(
            session,
            "rules",
            config.rules,
            _law_files(_law_location(case.folder, config.rules, "rules")),
        )
        row.catalog_hash = self._snapshot(
            session,
            "catalog",
            config.catalog,
            _law_files(_law_location(case.folder, config.catalog, "catalogs")),
        )
        row.files_hash = _tree_hash(files)
        row.updated_at = _now()

    def _write_rows(
        self, session: Session, case_id: int, case: Case, files: Mapping[str, bytes]
    ) -> None:
        session.add_all(
            CaseFile(case_id=case_id, path=path, content=data, sha256=_sha(data), size=len(data))
            for path, data in files.items()
        )
        session.add_all(
            OfficialRow(
                case_id=case_id,
                official_id=o.id,
                full_name=o.full_name,
                position=o.position,
                unit=o.unit,
                data=o.model_dump(mode="json"),
            )
            for o in case.officials
        )
        session.add_all(
            UnitRow(
                case_id=case_id,
                unit=u.unit,
                distance_band=u.distance_band,
                difficult_area=u.difficult_area,
            )
            for u in case.units.values()
        )
        session.add_all(
            HistoryRow(
                case_id=case_id,
                official_id=r.official_id,
                course=r.course,
                session=r.session,
                completed_on=r.completed_on,
                result=r.result,
                feedback=r.feedback,
                score=r.score,
                competency_before=dict(r.competency_before),
                competency_after=dict(r.competency_after),
            )
            for r in case.history
        )
        session.add_all(
            BudgetLineRow(case_id=case_id, year=b.year, source=b.source, amount=b.amount)
            for b in case.config.budget
        )

    def _case_info(self, session: Session, row: CaseRow) -> CaseInfo:
        paths = session.scalars(
            select(CaseFile.path).where(CaseFile.case_id == row.id).order_by(CaseFile.path)
        ).all()
        budget = session.execute(
            select(BudgetLineRow.year, BudgetLineRow.source, BudgetLineRow.amount)
            .where(BudgetLineRow.case_id == row.id)
            .order_by(BudgetLineRow.year, BudgetLineRow.source)
        ).all()
        officials = session.scalar(
            select(func.count()).select_from(OfficialRow).where(OfficialRow.case_id == row.id)
        )
        history = session.scalar(
            select(func.count()).select_from(HistoryRow).where(HistoryRow.case_id == row.id)
        )
        return CaseInfo(
            id=row.id,
            name=row.name,
            reference_date=row.reference_date,
            years=tuple(row.years),
            term=(row.term_start, row.term_end),
            version=row.version,
            files=tuple(paths),
            files_hash=row.files_hash,
            rules_ref=row.rules_ref,
            catalog_ref=row.catalog_ref,
            rules_hash=row.rules_hash,
            catalog_hash=row.catalog_hash,
            limits=dict(row.limits),
            budget=tuple((int(y), str(s), int(a)) for y, s, a in budget),
            officials=int(officials or 0),
            history=int(history or 0),
            locked_by_run=row.locked_by_run,
            previous_case_id=row.previous_case_id,
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )

    def _run_info(self, run: Run, with_output: bool) -> RunInfo:
        return RunInfo(
            id=run.id,
            case_id=run.case_id,
            case_version=run.case_version,
            kind=run.kind,
            inputs_hash=run.inputs_hash,
            settings=dict(run.settings or {}),
            status=run.status,
            progress=float(run.progress),
            message=run.message,
            cancel_requested=bool(run.cancel_requested),
            created_at=_utc(run.created_at),
            started_at=_utc_or_none(run.started_at),
            finished_at=_utc_or_none(run.finished_at),
            time_s=run.time_s,
            adopted_at=_utc_or_none(run.adopted_at),
            output=run.output if with_output else None,
            error=run.error,
        )


def _check_self_contained(folder: Path) -> None:
    """The store keeps a case whole: every file case.yaml names must be inside its folder
    (rules and catalog may also be `bundled`), or an export would not load."""
    config = load_case_config(folder)
    root = folder.resolve()
    named = {
        "officials": config.officials,
        "history": config.history,
        "units": config.units,
        "indicators": config.indicators,
        "rules": None if config.rules == "bundled" else config.rules,
        "catalog": None if config.catalog == "bundled" else config.catalog,
    }
    for name, value in named.items():
        if value is None:
            continue
        target = (root / value).resolve()
        if target != root and root not in target.parents:
            raise InputError(
                "the store keeps a case folder whole: this file is outside the folder",
                path=folder / "case.yaml",
                field=name,
                found=value,
                expected="a path inside the case folder"
                + (" or bundled" if name in ("rules", "catalog") else ""),
            )


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every time the store returns is UTC-aware."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment


def _utc_or_none(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _utc(moment)


def _load_as(folder: Path, label: str) -> Case:
    """`load_case` on a temporary copy, its errors naming the stored file (`case 3/officials.csv`)
    instead of the temporary folder nobody can open."""
    try:
        return load_case(folder)
    except InputError as exc:
        if exc.path is None or not exc.path.startswith(str(folder)):
            raise
        relative = Path(exc.path).relative_to(folder).as_posix()
        raise InputError(
            exc.message,
            path=f"{label}/{relative}",
            line=exc.line,
            row=exc.row,
            column=exc.column,
            field=exc.field,
            found=exc.found,
            expected=exc.expected,
        ) from None


def _attendance_info(row: Attendance) -> AttendanceInfo:
    return AttendanceInfo(
        id=row.id,
        case_id=row.case_id,
        run_id=row.run_id,
        official_id=row.official_id,
        course=row.course,
        session=row.session,
        year=row.year,
        completed_on=row.completed_on,
        result=row.result,
        recorded=row.recorded,
        feedback=row.feedback,
        score=row.score,
        competency_before=dict(row.competency_before or {}),
        competency_after=dict(row.competency_after or {}),
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own implicit BEGIN is turned off so that `_sqlite_begin` decides (see there).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # writers queue instead of failing at once
    cursor.execute("PRAGMA journal_mode=WAL")  # readers of other processes are not blocked
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes SQLite's write lock at the start of every transaction, so a
    # transaction that reads and then writes (progress, adopt) never meets SQLITE_BUSY midway:
    # racing writers queue on busy_timeout and each sees the others' commits.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_store_engine(url: str | None = None) -> Engine:
    """The SQLAlchemy engine for `url` (see `planner.store.urls.resolve_url`)."""
    resolved = resolve_url(url)
    if resolved.startswith("sqlite"):
        database = resolved.split("///", 1)[1] if "///" in resolved else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the store at `url` (default: PLANNER_DATABASE_URL or the user's SQLite file).
    With `upgrade` (default) the schema is brought to the newest migration first."""
    engine = create_store_engine(url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        if upgrade:
            migrate.upgrade(engine)
        else:
            with engine.connect() as connection:
                if migrate.current(connection) != migrate.head():
                    raise StoreError(
                        f"the database at {where} is not initialised or is out of date: run "
                        "`planner store init`"
                    )
    except OperationalError as exc:
        # A server that is down, a wrong host or password, a file that cannot be opened: the
        # user's setting, not a bug — say which database, without the password.
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0][:200] if exc.orig else type(exc).__name__
        raise StoreError(f"cannot open the database at {where}: {reason}") from None
    return Store(engine)
