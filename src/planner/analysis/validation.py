"""Checks of a loaded case that are worth a warning but not a refusal."""

from __future__ import annotations

from planner.domain.message import Message
from planner.io.case import Case


def case_warnings(case: Case) -> list[Message]:
    """Warnings about a loaded case (facts: `planner.report.text.render` words them); the catalog
    coverage checks are added by `planner.analysis.coverage`."""
    warnings: list[Message] = []
    try:
        from planner.analysis.coverage import coverage_warnings
    except ImportError:  # pragma: no cover - coverage arrives with the catalog work
        return warnings
    warnings.extend(coverage_warnings(case))
    return warnings
