"""Recommendation outputs: JSON (DESIGN §4 contract) and the rows of the CSV/Excel/table views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.domain.catalog import Catalog
from planner.domain.profile import Official
from planner.i18n import format_percent, t
from planner.recommend.candidates import Recommendations
from planner.report.assessment import official_columns
from planner.report.schemas import RecommendationsOut, to_json
from planner.report.tabular import Column, Sheet
from planner.report.text import Renderer


def recommendation_dict(recs: Recommendations, lang: str) -> dict[str, Any]:
    """The Recommendation JSON (DESIGN §4) in `lang`."""
    return recs.to_dict(Renderer(lang))


def recommendation_json(recs: Recommendations, lang: str) -> str:
    return to_json(RecommendationsOut, recommendation_dict(recs, lang))


def summary_line(recs: Recommendations, lang: str) -> str:
    total = len(recs.recommendations)
    with_candidates = sum(1 for r in recs.recommendations if r.candidates)
    share = format_percent(recs.share_with_candidates(), lang, 1)  # 96,4 % in Vietnamese
    return t(
        lang, "table.recommend.summary", with_candidates=with_candidates, needs=total, share=share
    )


def recommendations_sheet(
    recs: Recommendations, officials: Sequence[Official], catalog: Catalog, lang: str
) -> Sheet:
    """One row per (need, course): candidates first (best score first), then exclusions."""
    by_id = {o.id: o for o in officials}
    text = Renderer(lang)
    columns = [
        *official_columns(lang, "id"),
        Column(t(lang, "table.need")),
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "table.course"), width=50),
        Column(t(lang, "table.score"), "int"),
        Column(t(lang, "table.sessions"), width=30),
        Column(t(lang, "table.cause")),
        Column(t(lang, "table.detail"), width=90),
    ]
    rows: list[list[Any]] = []
    for rec in recs.recommendations:
        official = by_id.get(rec.official_id)
        head = [
            rec.official_id,
            official.full_name if official else "",
            official.unit if official else "",
            rec.need,
        ]
        rows.extend(
            [
                *head,
                cand.course,
                _title(catalog, cand.course, lang),
                cand.score,
                " ".join(cand.sessions),
                "",
                text(cand.reason),
            ]
            for cand in rec.candidates
        )
        rows.extend(
            [
                *head,
                exc.course,
                _title(catalog, exc.course, lang),
                None,
                "",
                t(lang, f"cause.{exc.cause}"),
                text(exc.detail),
            ]
            for exc in rec.excluded
        )
    return Sheet(t(lang, "table.candidates"), columns, rows)


def overlaps_sheet(recs: Recommendations, catalog: Catalog, lang: str) -> Sheet:
    columns = [
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "table.course"), width=50),
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "table.course"), width=50),
    ]
    rows = [[a, _title(catalog, a, lang), b, _title(catalog, b, lang)] for a, b in recs.overlaps]
    return Sheet(t(lang, "table.overlaps"), columns, rows)


def _title(catalog: Catalog, course_id: str, lang: str) -> str:
    course = catalog.courses.get(course_id)
    return course.title.in_lang(lang) if course else course_id
