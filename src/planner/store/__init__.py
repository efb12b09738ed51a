"""The planner store: cases, runs and adopted plans in a database (SQLAlchemy 2 + Alembic).

SQLite in a file is the embedded default; PostgreSQL by URL. The API below is stable (only
added to); see README.md beside this file for the tables and the guarantees.

    from planner.store import open_store

    store = open_store("sqlite:///planner.db")        # or postgresql://user@host/db; None: default
    case = store.import_case("examples/thoi-binh")    # validates, stores every file byte for byte
    store.export_case(case.id, "out/thoi-binh")        # the same bytes back
    run = store.save_run(case.id, "plan", settings={"seed": 0})
    store.start_run(run.id)
    keep_going = store.update_run_progress(run.id, 0.5, "solving")   # False: cancel requested
    store.finish_run(run.id, output=plan_json_dict)                 # DESIGN §4 Plan JSON
    store.adopt_plan(run.id)                          # assignments → attendance
    store.record_attendance(run.id, [{"official_id": ..., "course": ..., "session": ...,
                                      "result": "passed", "feedback": 5, "score": 90}])
    nxt = store.start_next_year(case.id)              # history grown by the attendance

Layer: above `pipeline` (it loads cases through `planner.io`), below `report` and `cli`.
"""

from __future__ import annotations

from planner.store.core import Store, create_store_engine, open_store, read_folder
from planner.store.errors import (
    CaseBusyError,
    NotFoundError,
    RunStateError,
    StaleCaseError,
    StoreError,
)
from planner.store.info import (
    RUN_KINDS,
    RUN_STATUSES,
    AttendanceInfo,
    CaseInfo,
    RunInfo,
    RunKind,
    RunStatus,
)
from planner.store.models import Base
from planner.store.urls import ENV_VAR, default_sqlite_path, resolve_url

__all__ = [
    "ENV_VAR",
    "RUN_KINDS",
    "RUN_STATUSES",
    "AttendanceInfo",
    "Base",
    "CaseBusyError",
    "CaseInfo",
    "NotFoundError",
    "RunInfo",
    "RunKind",
    "RunStateError",
    "RunStatus",
    "StaleCaseError",
    "Store",
    "StoreError",
    "create_store_engine",
    "default_sqlite_path",
    "open_store",
    "read_folder",
    "resolve_url",
]
