"""Next year's case folder from this year's and its adopted plan's attendance.

The new case is this case one year on: `reference_date` and `years` shift by one year, a year
new to the horizon gets the budget lines of the last year (for the planner to edit), and the
history table gains every attendance of the adopted plan that ended before the new reference
date, with its result and evaluation (feedback, score, competency before/after), so the next
assessment counts those courses without anyone typing them in again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from planner.store.info import AttendanceInfo, CaseInfo

HISTORY_FILE = "history.csv"


def _one_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _level(value: int | None) -> str:
    return "" if value is None else str(value)


def _score(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def history_csv(history: Sequence[Mapping[str, Any]], attended: Sequence[AttendanceInfo]) -> bytes:
    """The case's history and the attendance as one history table (DESIGN §4 columns)."""
    rows: list[dict[str, Any]] = [
        {**r, "before": r["competency_before"], "after": r["competency_after"]} for r in history
    ]
    rows += [
        {
            "official_id": a.official_id,
            "course": a.course,
            "session": a.session,
            "completed_on": a.completed_on,
            "result": a.result,
            "feedback": a.feedback,
            "score": a.score,
            "before": a.competency_before,
            "after": a.competency_after,
        }
        for a in attended
    ]
    competencies = sorted({c for row in rows for c in (*row["before"], *row["after"])})
    header = ["official_id", "course", "session", "completed_on", "result", "feedback", "score"]
    for competency in competencies:
        header += [f"competency_before:{competency}", f"competency_after:{competency}"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        line = [
            row["official_id"],
            row["course"],
            row["session"] or "",
            row["completed_on"].isoformat(),
            row["result"],
            "" if row["feedback"] is None else str(row["feedback"]),
            _score(row["score"]),
        ]
        for competency in competencies:
            line += [_level(row["before"].get(competency)), _level(row["after"].get(competency))]
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def _next_name(name: str, old: int, new: int) -> str:
    """ "Thới Bình 2026" → "Thới Bình 2027"; a name without its year gets "→ 2027"."""
    head, found, tail = name.rpartition(str(old))
    return f"{head}{new}{tail}" if found else f"{name} → {new}"


def next_year_files(
    files: Mapping[str, bytes],
    info: CaseInfo,
    history: Sequence[Mapping[str, Any]],
    attendance: Sequence[AttendanceInfo],
    name: str | None = None,
) -> dict[str, bytes]:
    """The files of next year's case (see the module docstring)."""
    config = yaml.safe_load(files["case.yaml"].decode("utf-8"))
    new_reference = _one_year_on(info.reference_date)
    old_years = list(info.years)
    years = [year + 1 for year in old_years]
    budget = [dict(line) for line in config.get("budget") or [] if line["year"] in years]
    last = max(old_years)
    if years[-1] not in old_years:  # a year new to the horizon: last year's lines
        budget.extend(
            {**line, "year": years[-1]}
            for line in config.get("budget") or []
            if line["year"] == last
        )
    config["name"] = name or _next_name(info.name, old_years[0], years[0])
    config["reference_date"] = new_reference
    config["years"] = years
    config["budget"] = budget
    attended = [a for a in attendance if a.completed_on < new_reference]
    new_files = dict(files)
    if config.get("history"):
        new_files.pop(str(config["history"]), None)
    config["history"] = HISTORY_FILE
    new_files[HISTORY_FILE] = history_csv(history, attended)
    header = (
        f"# Next year's case, made by the store from {info.name!r} and its adopted "
        f"plan ({len(attended)} attendances added to {HISTORY_FILE}).\n"
    )
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    new_files["case.yaml"] = (header + body).encode("utf-8")
    return new_files
