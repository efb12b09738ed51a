"""Does the catalog cover the rules? Warnings for `planner validate`, never refusals.

A requirement in force that no catalog course delivers is a gap the plan cannot close; a course
with no session in the horizon, an in-person session with no TT 36/2018 norms in force, a unit
whose distance band the norms do not know, a commune session longer than the session limits
allow (CV 4962/BNV-ĐT) and an `audience` naming no known position group are mistakes worth
reporting before planning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.domain.catalog import Catalog
from planner.i18n import level_label, t
from planner.io.case import Case
from planner.law.framework import CompetencyTarget, Framework, QualificationTarget, Target
from planner.recommend.candidates import closes


def _target_dict(target: Target, framework: Framework, on: dt.date) -> dict[str, Any]:
    """The target as assess puts it in a Need, so `recommend.closes` can judge it."""
    if isinstance(target, QualificationTarget):
        return {"field": target.field, "level": target.level}
    if isinstance(target, CompetencyTarget):
        return {"competency": target.competency, "level": target.level}
    out: dict[str, Any] = {"programme": target.programme}
    if target.periods is not None:
        out["periods"] = int(framework.parameter(target.periods, on))
    elif target.min_days is not None:
        out["min_days"] = int(framework.parameter(target.min_days, on))
    return out


def _describe(target: dict[str, Any], framework: Framework, lang: str) -> str:
    if "field" in target:
        return f"{t(lang, 'field.' + target['field'])} {level_label(lang, target['field'], target['level'])}"
    if "competency" in target:
        competency = framework.competencies.get(target["competency"])
        name = competency.name.in_lang(lang) if competency else target["competency"]
        return f"{name} ≥ {target['level']}"
    programme = framework.programmes.get(target["programme"])
    return programme.name.in_lang(lang) if programme else target["programme"]


def rule_gaps(
    catalog: Catalog, framework: Framework, years: list[int], on: dt.date, lang: str = "vi"
) -> list[str]:
    """One warning per target of a rule in force that no course delivers, or delivers only in
    sessions outside the horizon (start in `years`, on or after `on`)."""
    warnings: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for rule_id in sorted(framework.rules):
        rule = framework.rules[rule_id]
        version = rule.version_on(on)
        if version is None:
            continue
        target = _target_dict(version.target, framework, on)
        key = tuple(f"{k}={v}" for k, v in sorted(target.items()))
        if key in seen:
            continue
        seen.add(key)
        courses = [c for c in catalog.courses.values() if closes(c, target, framework, on)]
        values = {
            "rule": rule.title.in_lang(lang),
            "target": _describe(target, framework, lang),
            "citation": version.reference.cite(),
            "years": ", ".join(str(y) for y in years),
        }
        if not courses:
            warnings.append(t(lang, "coverage.no_course", **values))
        elif not any(s.start.year in years and s.start >= on for c in courses for s in c.sessions):
            warnings.append(t(lang, "coverage.no_session", **values))
    return warnings


def catalog_warnings(catalog: Catalog, framework: Framework, lang: str = "vi") -> list[str]:
    """Norms missing for a session, sessions longer than a session limit, unknown audiences."""
    warnings: list[str] = []
    groups = {g for p in framework.positions.values() for g in p.groups} | set(framework.positions)
    for cid in sorted(catalog.courses):
        course = catalog.courses[cid]
        title = course.title.in_lang(lang)
        for group in course.audience:
            if group not in groups:
                warnings.append(t(lang, "coverage.unknown_audience", course=title, group=group))
        for session in sorted(course.sessions, key=lambda s: (s.start, s.id)):
            if (
                course.mode != "online"
                and course.cost.support
                and catalog.norms_on(session.start) is None
            ):
                warnings.append(
                    t(
                        lang,
                        "coverage.no_norms",
                        course=title,
                        session=session.id,
                        date=session.start.isoformat(),
                    )
                )
                break  # one per course is enough to point at the gap
        for limit in catalog.session_limits:
            if course.kind not in limit.kinds or limit.audience not in course.audience:
                continue
            for session in sorted(course.sessions, key=lambda s: (s.start, s.id)):
                days = session.working_days()
                if limit.in_force(session.start) and days > limit.max_working_days:
                    warnings.append(
                        t(
                            lang,
                            "coverage.session_too_long",
                            session=session.id,
                            course=title,
                            days=days,
                            limit=limit.max_working_days,
                            citation=limit.reference.cite(),
                        )
                    )
    return warnings


def unit_warnings(case: Case, lang: str = "vi") -> list[str]:
    """Units whose distance band no cost norms in force in the horizon know."""
    warnings: list[str] = []
    for unit_name in sorted(case.units):
        unit = case.units[unit_name]
        if unit.distance_band is None:
            continue
        for year in case.config.years:
            norms = case.catalog.norms_on(dt.date(year, 1, 1))
            if norms is not None and norms.band(unit.distance_band) is None:
                warnings.append(
                    t(
                        lang,
                        "coverage.unknown_band",
                        unit=unit.unit,
                        band=unit.distance_band,
                        bands=", ".join(b.band for b in norms.bands),
                    )
                )
                break
    return warnings


def coverage_warnings(case: Case, lang: str = "vi") -> list[str]:
    """Every warning of this module for a loaded case, in a stable order."""
    return (
        rule_gaps(case.catalog, case.framework, case.config.years, case.reference_date, lang)
        + catalog_warnings(case.catalog, case.framework, lang)
        + unit_warnings(case, lang)
    )
