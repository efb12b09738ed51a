"""The store's tables (SQLAlchemy 2 declarative models), one metadata for Alembic.

A case keeps its folder's files byte for byte (`CaseFile`: the source of truth, so an export is
byte-identical) and, parsed from them at import, the rows a service queries (`OfficialRow`,
`UnitRow`, `HistoryRow`, `BudgetLineRow`; limits as JSON on the case). The rules and catalog in
force are snapshotted by content hash (`LawSnapshot`, `LawFile`), shared between cases.
`Run` is one assessment, recommendation, plan, what-if or evaluation with its inputs' hash,
settings, status, progress, timings and output JSON (DESIGN §4). `Attendance` is what an adopted
plan's officials actually did, with their evaluation: it becomes next year's history.

Another package (the web service) adds its own tables to `Base.metadata` in its own migration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    reference_date: Mapped[dt.date] = mapped_column(Date)
    years: Mapped[list[Any]] = mapped_column(JSON)
    term_start: Mapped[int] = mapped_column(Integer)
    term_end: Mapped[int] = mapped_column(Integer)
    limits: Mapped[dict[str, Any]] = mapped_column(JSON)
    rules_ref: Mapped[str] = mapped_column(String(500))  # case.yaml `rules:` as written
    catalog_ref: Mapped[str] = mapped_column(String(500))  # case.yaml `catalog:` as written
    rules_hash: Mapped[str] = mapped_column(String(64), ForeignKey("law_snapshots.hash"))
    catalog_hash: Mapped[str] = mapped_column(String(64), ForeignKey("law_snapshots.hash"))
    files_hash: Mapped[str] = mapped_column(String(64))  # over every CaseFile (path, bytes)
    # Optimistic concurrency: every write to a case or its files bumps it; a write that read
    # an older version fails (StaleCaseError) instead of overwriting the other one's work.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The job that holds the case for writing (None: free). Taken with one atomic UPDATE.
    locked_by_run: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    previous_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True
    )  # the case whose adopted plan became this case's history
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseFile(Base):
    __tablename__ = "case_files"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(500), primary_key=True)  # POSIX, relative
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)


class LawSnapshot(Base):
    __tablename__ = "law_snapshots"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # rules | catalog
    source: Mapped[str] = mapped_column(String(500))  # bundled, or the path case.yaml named
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LawFile(Base):
    __tablename__ = "law_files"

    snapshot_hash: Mapped[str] = mapped_column(
        ForeignKey("law_snapshots.hash", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class OfficialRow(Base):
    __tablename__ = "officials"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    official_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300))
    position: Mapped[str] = mapped_column(String(100), index=True)
    unit: Mapped[str] = mapped_column(String(300), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole parsed profile


class UnitRow(Base):
    __tablename__ = "units"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(String(300), primary_key=True)
    distance_band: Mapped[str | None] = mapped_column(String(50), nullable=True)
    difficult_area: Mapped[bool] = mapped_column(Boolean, default=False)


class HistoryRow(Base):
    __tablename__ = "history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[str] = mapped_column(String(100))
    course: Mapped[str] = mapped_column(String(100))
    session: Mapped[str | None] = mapped_column(String(100), nullable=True)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20))
    feedback: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    competency_before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    competency_after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BudgetLineRow(Base):
    __tablename__ = "budget_lines"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(50), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # VND


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case_version: Mapped[int] = mapped_column(Integer)  # the case version it ran on
    kind: Mapped[str] = mapped_column(String(20))  # RUN_KINDS
    inputs_hash: Mapped[str] = mapped_column(String(64), index=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # RUN_STATUSES
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    time_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # DESIGN §4 JSON
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    adopted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Attendance(Base):
    """One official in one session of an adopted plan; result and evaluation once recorded."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("run_id", "official_id", "session", "course"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[str] = mapped_column(String(100))
    course: Mapped[str] = mapped_column(String(100))
    session: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    completed_on: Mapped[dt.date] = mapped_column(Date)  # the session's end, until recorded
    result: Mapped[str] = mapped_column(String(20), default="passed")
    recorded: Mapped[bool] = mapped_column(Boolean, default=False)  # False: as planned
    feedback: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    competency_before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    competency_after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
