"""Plain frozen records the store returns (no live ORM objects leak out of a session)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

RunKind = Literal["assessment", "recommendation", "plan", "whatif", "evaluation"]
RunStatus = Literal["queued", "running", "finished", "failed", "cancelled"]
RUN_KINDS: tuple[str, ...] = ("assessment", "recommendation", "plan", "whatif", "evaluation")
RUN_STATUSES: tuple[str, ...] = ("queued", "running", "finished", "failed", "cancelled")
FINAL_STATUSES: frozenset[str] = frozenset({"finished", "failed", "cancelled"})


@dataclass(frozen=True)
class CaseInfo:
    id: int
    name: str
    reference_date: dt.date
    years: tuple[int, ...]
    term: tuple[int, int]
    version: int
    files: tuple[str, ...]  # relative POSIX paths, sorted
    files_hash: str
    rules_ref: str
    catalog_ref: str
    rules_hash: str
    catalog_hash: str
    limits: dict[str, Any]
    budget: tuple[tuple[int, str, int], ...]  # (year, source, amount VND)
    officials: int
    history: int
    locked_by_run: int | None
    previous_case_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class RunInfo:
    id: int
    case_id: int
    case_version: int
    kind: str
    inputs_hash: str
    settings: dict[str, Any]
    status: str
    progress: float
    message: str | None
    cancel_requested: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    time_s: float | None
    adopted_at: dt.datetime | None
    output: dict[str, Any] | None = field(default=None, repr=False)
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class AttendanceInfo:
    id: int
    case_id: int
    run_id: int
    official_id: str
    course: str
    session: str
    year: int
    completed_on: dt.date
    result: str
    recorded: bool
    feedback: int | None
    score: float | None
    competency_before: dict[str, int]
    competency_after: dict[str, int]
