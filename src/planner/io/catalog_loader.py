"""Loading `catalogs/`: courses, sessions, cost norms, session limits and class-day patterns, with
the checks of the prerequisite graph, of the class-day patterns the courses name and of the ids
the courses name in `rules/`."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from planner.domain.catalog import Catalog, CatalogFile, ClassDayPattern, Course
from planner.errors import InputError
from planner.io.yamlio import duplicate_id, item_line, parsed_files
from planner.law.framework import Framework


def load_catalog(location: Path, framework: Framework | None = None) -> Catalog:
    """Load every catalog YAML below `location` (a folder or one file) and check its graph."""
    courses: dict[str, Course] = {}
    lines: dict[str, tuple[Path, int | None]] = {}
    norms = []
    limits = []
    patterns: dict[str, ClassDayPattern] = {}
    pattern_lines: dict[str, tuple[Path, int | None]] = {}
    session_owner: dict[str, str] = {}
    for path, raw, parsed in parsed_files(location, CatalogFile):
        for index, course in enumerate(parsed.courses):
            line = item_line(raw, "courses", index)
            if course.id in courses:
                raise duplicate_id("course", course.id, lines[course.id], path, line)
            courses[course.id] = course
            lines[course.id] = (path, line)
            for session in course.sessions:
                # Plans, histories and reports name a session by its id: it must be unique.
                if session.id in session_owner:
                    raise InputError(
                        f"duplicate session id (also in course {session_owner[session.id]})",
                        path=path,
                        line=line,
                        field=f"{course.id}.sessions.id",
                        found=session.id,
                        expected="session ids unique across the catalog",
                    )
                session_owner[session.id] = course.id
        norms.extend(parsed.cost_norms)
        limits.extend(parsed.session_limits)
        for index, pattern in enumerate(parsed.class_day_patterns):
            line = item_line(raw, "class_day_patterns", index)
            if pattern.id in patterns:
                first = pattern_lines[pattern.id]
                raise duplicate_id("class_day_patterns", pattern.id, first, path, line)
            patterns[pattern.id] = pattern
            pattern_lines[pattern.id] = (path, line)
    catalog = Catalog(
        courses=courses,
        cost_norms=norms,
        session_limits=limits,
        class_day_patterns=patterns,
        source=str(location),
    )
    check_catalog_graph(catalog, lines)
    check_class_day_patterns(catalog, lines)
    if framework is not None:
        check_catalog_against_rules(catalog, framework, lines)
    return catalog


def check_catalog_graph(catalog: Catalog, lines: dict[str, tuple[Path, int | None]]) -> None:
    """Prerequisites form a DAG of known course ids: a dangling id or a cycle is a load error."""
    graph = nx.DiGraph()
    graph.add_nodes_from(catalog.courses)
    for course in catalog.courses.values():
        for prerequisite in course.prerequisites:
            if prerequisite.course is None:
                continue
            if prerequisite.course not in catalog.courses:
                path, line = lines[course.id]
                raise InputError(
                    f"course {course.id}: prerequisite names an unknown course",
                    path=path,
                    line=line,
                    field="prerequisites.course",
                    found=prerequisite.course,
                    expected="a course id of the catalog",
                )
            graph.add_edge(prerequisite.course, course.id)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    first = cycle[0][0]
    path, line = lines[first]
    chain = " → ".join([edge[0] for edge in cycle] + [cycle[0][0]])
    raise InputError(
        "prerequisites form a cycle",
        path=path,
        line=line,
        field="prerequisites",
        found=chain,
        expected="no cycle",
    )


def check_class_day_patterns(catalog: Catalog, lines: dict[str, tuple[Path, int | None]]) -> None:
    """Every `class_days: {pattern: ID}` names a `class_day_patterns` entry of the catalog."""
    for course in catalog.courses.values():
        named = [(f"{course.id}.class_days.pattern", course.class_days)]
        named += [
            (f"{course.id}.sessions.{s.id}.class_days.pattern", s.class_days)
            for s in course.sessions
        ]
        for field, days in named:
            pattern = days.pattern if days is not None else None
            if pattern is not None and pattern not in catalog.class_day_patterns:
                path, line = lines[course.id]
                raise InputError(
                    "unknown class-day pattern",
                    path=path,
                    line=line,
                    field=field,
                    found=pattern,
                    expected="an id of the catalog's class_day_patterns",
                )


def check_catalog_against_rules(
    catalog: Catalog, framework: Framework, lines: dict[str, tuple[Path, int | None]]
) -> None:
    """Every competency and programme a course delivers is defined in `rules/`."""
    for course in catalog.courses.values():
        path, line = lines[course.id]
        for what, section, delivered, defined in (
            ("competency", "competencies", course.delivers.competencies, framework.competencies),
            ("programme", "programmes", course.delivers.programmes, framework.programmes),
        ):
            unknown = next((item for item in delivered if item not in defined), None)
            if unknown is not None:
                raise InputError(
                    f"course {course.id}: unknown {what}",
                    path=path,
                    line=line,
                    field=f"delivers.{section}",
                    found=unknown,
                    expected=f"a {what} defined in rules/",
                )
