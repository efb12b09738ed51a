"""Request and response bodies of the HTTP API that are the service's own (cases, runs,
problems, accounts); the pipeline's outputs use the CLI's models (`planner.report.schemas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every 4xx: what was wrong, where (file, line, row, column, field) and what is expected."""

    error: str
    message: str
    path: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    found: str | None = None
    expected: str | None = None
    problems: list[ProblemOut] | None = None


class ProblemOut(BaseModel):
    row: int | None
    column: str | None
    field: str | None
    message: str
    found: str | None
    expected: str | None
    text: str


class ProblemsOut(BaseModel):
    rows: int
    problems: list[ProblemOut]


class BudgetLineOut(BaseModel):
    year: int
    source: str
    amount: int


class CaseOut(BaseModel):
    id: int
    name: str
    province: str
    commune: str | None
    reference_date: dt.date
    years: list[int]
    term: list[int]
    version: int
    officials: int
    history: int
    budget: list[BudgetLineOut]
    files: list[str]
    updated_at: dt.datetime


class CaseSettingsIn(Strict):
    """Changes to case.yaml; `version` is the case version read (a stale one is a 409)."""

    version: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=300)
    reference_date: dt.date | None = None
    years: list[int] | None = Field(default=None, min_length=1, max_length=10)
    term: dict[str, int] | None = None
    budget: list[dict[str, Any]] | None = Field(default=None, max_length=200)
    limits: dict[str, Any] | None = None


class PlanIn(Strict):
    engine: Literal["auto", "colgen", "cpsat", "highs", "greedy"] = "auto"
    time_limit: float = Field(default=10.0, ge=0.1, le=600)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    mode: Literal["coverage", "cost"] = "coverage"
    years: list[int] | None = Field(default=None, min_length=1, max_length=10)
    weight_by_effectiveness: bool = False
    lang: Literal["vi", "en"] = "vi"


class WhatIfIn(Strict):
    scenarios: list[str | dict[str, Any]] = Field(default_factory=list, max_length=12)
    budget_scale: str | None = Field(default=None, max_length=40, examples=["0.5:1.5:0.5"])
    engine: Literal["auto", "colgen", "cpsat", "highs", "greedy"] = "auto"
    time_limit: float = Field(default=5.0, ge=0.1, le=600)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    probes: int = Field(default=0, ge=0, le=20)
    lang: Literal["vi", "en"] = "vi"


class RunOut(BaseModel):
    id: int
    case_id: int
    case_version: int
    kind: str
    status: str
    progress: float
    message: str | None
    settings: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    time_s: float | None
    adopted_at: dt.datetime | None
    error: dict[str, Any] | None
    files: list[str]


class ValidationOut(BaseModel):
    name: str
    officials: int
    rules: int
    courses: int
    history: int
    warnings: list[str]


class CheckOut(BaseModel):
    ok: bool
    objective: int
    violations: list[str]


class AccountIn(Strict):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["viewer", "planner", "admin"]
    province: str | None = Field(default=None, max_length=200)
    commune: str | None = Field(default=None, max_length=200)


class AccountOut(BaseModel):
    id: int
    username: str
    role: str
    province: str | None
    commune: str | None


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    token: str
    name: str


class MappingIn(Strict):
    headers: dict[str, str] = Field(default_factory=dict, max_length=200)
    values: dict[str, dict[str, str]] = Field(default_factory=dict, max_length=50)


class MappingOut(BaseModel):
    province: str
    name: str
    headers: dict[str, str]
    values: dict[str, dict[str, str]]


class AttendanceOut(BaseModel):
    adopted: int


ErrorOut.model_rebuild()
