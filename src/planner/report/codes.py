"""What the input tables accept: the codes of positions, degrees, courses, competencies,
programmes, funding sources, leader groups and units, each with its Vietnamese (or English)
title — `planner codes KIND` prints them, the officials template draws its drop-down lists from
them. The officials table accepts the code or the title (`planner.io.titles`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from planner.i18n import level_label, t
from planner.io.cells import parse_qualification
from planner.report.tabular import Column, Sheet
from planner.types import FUNDING_SOURCES, QUALIFICATION_SCALES

if TYPE_CHECKING:
    from planner.domain.catalog import Catalog
    from planner.io.case import Case
    from planner.law.framework import Framework

# `planner codes KIND`: the qualification scales under the names a user types.
SCALES = {"degrees": "education", "political-theory": "political_theory"}
SCALES["state-management"] = "state_management"
KINDS = (
    "positions",
    "degrees",
    "political-theory",
    "state-management",
    "courses",
    "competencies",
    "programmes",
    "sources",
    "leader-groups",
    "units",
)


def accepted_label(field: str, code: str) -> str:
    """A Vietnamese word for `code` of `field` that the officials table reads back as `code`
    (the label, or its short form, or the code itself)."""
    parse = parse_qualification(field)
    label = level_label("vi", field, code)
    for text in (label, label.removeprefix("ngạch "), "chưa có" if code == "none" else ""):
        if text:
            try:
                if parse(text) == code:
                    return text[:1].upper() + text[1:]
            except ValueError:
                continue
    return code


def _sheet(lang: str, title_key: str, rows: list[list[object]], extra: str | None = None) -> Sheet:
    columns = [Column(t(lang, "codes.code")), Column(t(lang, "codes.title"))]
    if extra:
        columns.append(Column(t(lang, extra)))
    return Sheet(t(lang, title_key), columns, rows)


def code_sheet(
    kind: str, lang: str, framework: Framework, catalog: Catalog, case: Case | None
) -> Sheet:
    """The codes of `kind` with their titles in `lang`."""
    builders: dict[str, Callable[[], Sheet]] = {
        "positions": lambda: _sheet(
            lang,
            "codes.kind.positions",
            [[p.id, p.title.in_lang(lang)] for p in framework.positions.values()],
        ),
        "courses": lambda: _sheet(
            lang,
            "codes.kind.courses",
            [
                [c.id, c.title.in_lang(lang), ", ".join(s.id for s in c.sessions)]
                for c in sorted(catalog.courses.values(), key=lambda c: c.id)
            ],
            "codes.sessions",
        ),
        "competencies": lambda: _sheet(
            lang,
            "codes.kind.competencies",
            [
                [c.id, c.name.in_lang(lang), f"Năng lực:{c.id}"]
                for c in framework.competencies.values()
            ],
            "codes.column",
        ),
        "programmes": lambda: _sheet(
            lang,
            "codes.kind.programmes",
            [[p.id, p.name.in_lang(lang)] for p in framework.programmes.values()],
        ),
        "sources": lambda: _sheet(
            lang, "codes.kind.sources", [[s, t(lang, f"funding.{s}")] for s in FUNDING_SOURCES]
        ),
        "leader-groups": lambda: _sheet(
            lang,
            "codes.kind.leader-groups",
            [[str(g.id), g.name.in_lang(lang)] for g in framework.leader_groups.values()],
        ),
        "units": lambda: _sheet(lang, "codes.kind.units", _unit_rows(case)),
    }
    if kind in SCALES:
        field = SCALES[kind]
        return _sheet(
            lang,
            f"codes.kind.{kind}",
            [
                [code, level_label(lang, field, code), accepted_label(field, code)]
                for code in QUALIFICATION_SCALES[field]
            ],
            "codes.accepted",
        )
    return builders[kind]()


def _unit_rows(case: Case | None) -> list[list[object]]:
    if case is None:
        return []
    names = sorted({o.unit for o in case.officials} | set(case.units))
    return [[name, name] for name in names]


__all__ = ["KINDS", "SCALES", "accepted_label", "code_sheet"]
