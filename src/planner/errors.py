"""Errors that reach the user as one clear sentence (CLI exit 2 for input, 1 for infeasible)."""

from __future__ import annotations

from pathlib import Path


class PlannerError(Exception):
    """Base of every error `planner` raises on purpose."""


class InputError(PlannerError):
    """Bad input: names the file, the line (YAML) or row/column (tables), the field, what was
    found and what was expected, so a planner can fix the file without reading code."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
        found: object = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.row = row
        self.column = column
        self.field = field
        self.found = found
        self.expected = expected
        super().__init__(self.render())

    def render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.row is not None:
            where += f": row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        parts = [f"{where}: {self.message}"]
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        if self.found is not None:
            parts.append(f"found {self.found!r}")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        return "; ".join(parts)


class InfeasiblePlanError(PlannerError):
    """The hard rules cannot all hold; names the rule, whom it concerns and what would fix it."""

    def __init__(self, message: str, *, rule: str, officials: list[str], remedy: str) -> None:
        self.rule = rule
        self.officials = officials
        self.remedy = remedy
        super().__init__(message)
