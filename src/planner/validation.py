"""Checks of a loaded case that are worth a warning but not a refusal."""

from __future__ import annotations

from planner.case import Case


def case_warnings(case: Case, lang: str = "vi") -> list[str]:
    """Warnings about a loaded case; the catalog coverage checks are added by `planner.coverage`."""
    warnings: list[str] = []
    try:
        from planner.coverage import coverage_warnings
    except ImportError:  # pragma: no cover - coverage arrives with the catalog work
        return warnings
    warnings.extend(coverage_warnings(case, lang))
    return warnings
