"""Does the catalog cover the rules? Warnings for `planner validate`, never refusals.

A requirement in force that no catalog course delivers is a gap the plan cannot close; a course
with no session in the horizon, an in-person session with no TT 36/2018 norms in force, a unit
whose distance band the norms do not know, a commune session longer than the session limits
allow (CV 4962/BNV-ĐT) and an `audience` naming no known position group are mistakes worth
reporting before planning. Each warning is a `Message` (key and facts): `planner validate`
words it (`planner.report.text.render`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.assess.targets import CompetencyNeed, NeedTarget, ProgrammeNeed, QualificationNeed
from planner.domain.catalog import Catalog
from planner.domain.message import Day, Joined, Level, Message
from planner.io.case import Case
from planner.law.framework import CompetencyTarget, Framework, QualificationTarget, Target
from planner.recommend.candidates import closes


def _need_target(target: Target, framework: Framework, on: dt.date) -> NeedTarget:
    """The target as assess puts it in a Need (what `recommend.closes` reads of it)."""
    if isinstance(target, QualificationTarget):
        return QualificationNeed(target.field, target.level)
    if isinstance(target, CompetencyTarget):
        return CompetencyNeed(target.competency, target.level)
    if target.periods is not None:
        return ProgrammeNeed(target.programme, periods=int(framework.parameter(target.periods, on)))
    if target.min_days is not None:
        return ProgrammeNeed(
            target.programme, min_days=int(framework.parameter(target.min_days, on))
        )
    return ProgrammeNeed(target.programme)


def _describe(target: NeedTarget, framework: Framework) -> Any:
    """What the target asks for, as a value `planner.report.text.render` words."""
    match target:
        case QualificationNeed(field=qfield, level=level):
            return Joined((Message(f"field.{qfield}"), Level(qfield, level)), " ")
        case CompetencyNeed(competency=cid, level=level):
            competency = framework.competencies.get(cid)
            return Joined((competency.name if competency else cid, level), " ≥ ")
    programme = framework.programmes.get(target.programme)
    return programme.name if programme else target.programme


def rule_gaps(
    catalog: Catalog, framework: Framework, years: list[int], on: dt.date
) -> list[Message]:
    """One warning per target of a rule in force that no course delivers, or delivers only in
    sessions outside the horizon (start in `years`, on or after `on`)."""
    warnings: list[Message] = []
    seen: set[NeedTarget] = set()
    for rule_id in sorted(framework.rules):
        rule = framework.rules[rule_id]
        version = rule.version_on(on)
        if version is None:
            continue
        target = _need_target(version.target, framework, on)
        if target in seen:
            continue
        seen.add(target)
        courses = [c for c in catalog.courses.values() if closes(c, target, framework, on)]
        values = {
            "rule": rule.title,
            "target": _describe(target, framework),
            "citation": version.reference.cite(),
            "years": ", ".join(str(y) for y in years),
        }
        if not courses:
            warnings.append(Message("coverage.no_course", values))
        elif not any(s.start.year in years and s.start >= on for c in courses for s in c.sessions):
            warnings.append(Message("coverage.no_session", values))
    return warnings


def catalog_warnings(catalog: Catalog, framework: Framework) -> list[Message]:
    """Norms missing for a session, sessions longer than a session limit, unknown audiences."""
    warnings: list[Message] = []
    groups = {g for p in framework.positions.values() for g in p.groups} | set(framework.positions)
    for cid in sorted(catalog.courses):
        course = catalog.courses[cid]
        title = course.title
        warnings.extend(
            Message("coverage.unknown_audience", {"course": title, "group": group})
            for group in course.audience
            if group not in groups
        )
        for session in sorted(course.sessions, key=lambda s: (s.start, s.id)):
            if (
                course.mode != "online"
                and course.cost.support
                and catalog.norms_on(session.start) is None
            ):
                warnings.append(
                    Message(
                        "coverage.no_norms",
                        {"course": title, "session": session.id, "date": Day(session.start)},
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
                        Message(
                            "coverage.session_too_long",
                            {
                                "session": session.id,
                                "course": title,
                                "days": days,
                                "limit": limit.max_working_days,
                                "citation": limit.reference.cite(),
                            },
                        )
                    )
    return warnings


def unit_warnings(case: Case) -> list[Message]:
    """Units whose distance band no cost norms in force in the horizon know."""
    warnings: list[Message] = []
    for unit_name in sorted(case.units):
        unit = case.units[unit_name]
        if unit.distance_band is None:
            continue
        for year in case.config.years:
            norms = case.catalog.norms_on(dt.date(year, 1, 1))
            if norms is not None and norms.band(unit.distance_band) is None:
                warnings.append(
                    Message(
                        "coverage.unknown_band",
                        {
                            "unit": unit.unit,
                            "band": unit.distance_band,
                            "bands": ", ".join(b.band for b in norms.bands),
                        },
                    )
                )
                break
    return warnings


def coverage_warnings(case: Case) -> list[Message]:
    """Every warning of this module for a loaded case, in a stable order."""
    return (
        rule_gaps(case.catalog, case.framework, case.config.years, case.reference_date)
        + catalog_warnings(case.catalog, case.framework)
        + unit_warnings(case)
    )
