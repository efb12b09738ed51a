"""Every report format the CLI writes, as bytes for a download: the same writers, into a
private temporary folder (never a path the client names)."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from planner.report.names import Names, using

_F = TypeVar("_F", bound=Callable[..., Any])


def _with_names(render: _F) -> _F:
    """Render with the case's names and titles instead of ids in every sentence, as the CLI
    does (its commands set them for their case): the same bytes over HTTP as from the CLI."""

    @functools.wraps(render)
    def named(case: Any, *args: Any, **kwargs: Any) -> Any:
        with using(Names.of(case)):
            return render(case, *args, **kwargs)

    return named  # type: ignore[return-value]


MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def rendered(writer: Callable[[Path], object], suffix: str) -> bytes:
    """What `writer(path)` writes to a fresh file named `report.<suffix>`."""
    with tempfile.TemporaryDirectory(prefix="planner-report-") as tmp:
        path = Path(tmp) / f"report.{suffix}"
        writer(path)
        return path.read_bytes()


@_with_names
def assessment_file(case, assessment, fmt: str, lang: str) -> bytes:  # type: ignore[no-untyped-def]
    from planner.report.assessment import (
        assessment_json,
        kinds_sheet,
        needs_sheet,
        totals,
        totals_sheet,
    )
    from planner.report.tabular import write_csv, write_xlsx

    if fmt == "json":
        return assessment_json(assessment, lang).encode("utf-8")
    sheet = needs_sheet(assessment, case.officials, case.framework, lang)
    if fmt == "csv":
        return rendered(lambda p: write_csv(p, sheet), "csv")
    if fmt == "xlsx":
        tot = totals(assessment, case.officials)
        return rendered(
            lambda p: write_xlsx(p, [totals_sheet(tot, lang), kinds_sheet(tot, lang), sheet]),
            "xlsx",
        )
    from planner.report.assessment_html import write_assessment_html

    return rendered(lambda p: write_assessment_html(p, case, assessment, lang), "html")


@_with_names
def recommendation_file(case, recs, fmt: str, lang: str) -> bytes:  # type: ignore[no-untyped-def]
    from planner.report.recommendation import (
        overlaps_sheet,
        recommendation_json,
        recommendations_sheet,
    )
    from planner.report.tabular import write_csv, write_xlsx

    if fmt == "json":
        return recommendation_json(recs, lang).encode("utf-8")
    sheet = recommendations_sheet(recs, case.officials, case.catalog, lang)
    if fmt == "csv":
        return rendered(lambda p: write_csv(p, sheet), "csv")
    return rendered(
        lambda p: write_xlsx(p, [sheet, overlaps_sheet(recs, case.catalog, lang)]), "xlsx"
    )


def evaluation_file(evaluation, fmt: str, lang: str) -> bytes:  # type: ignore[no-untyped-def]
    from planner.report.evaluation import (
        all_sheets,
        courses_sheet,
        evaluation_json,
        evaluation_page,
    )
    from planner.report.html import write_page
    from planner.report.tabular import write_csv, write_xlsx

    if fmt == "json":
        return evaluation_json(evaluation, lang).encode("utf-8")
    if fmt == "csv":
        return rendered(lambda p: write_csv(p, courses_sheet(evaluation, lang)), "csv")
    if fmt == "xlsx":
        return rendered(lambda p: write_xlsx(p, all_sheets(evaluation, lang)), "xlsx")
    return rendered(lambda p: write_page(p, evaluation_page(evaluation, lang)), "html")


@_with_names
def plan_files(case, plan, assessment, lang: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """plan.json, plan.xlsx and plan.html of a plan, as `planner plan --format …` writes them."""
    from planner.report.plan import plan_json
    from planner.report.plan_report import write_plan_html, write_plan_xlsx

    return {
        "plan.json": plan_json(plan, lang).encode("utf-8"),
        "plan.xlsx": rendered(lambda p: write_plan_xlsx(p, case, plan, assessment, lang), "xlsx"),
        "plan.html": rendered(lambda p: write_plan_html(p, case, plan, assessment, lang), "html"),
    }


def whatif_files(result, lang: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    from planner.report.whatif_report import whatif_json, write_whatif_html, write_whatif_xlsx

    return {
        "whatif.json": whatif_json(result, lang).encode("utf-8"),
        "whatif.xlsx": rendered(lambda p: write_whatif_xlsx(p, result, lang), "xlsx"),
        "whatif.html": rendered(lambda p: write_whatif_html(p, result, lang), "html"),
    }


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
