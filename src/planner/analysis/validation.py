"""Checks of a loaded case that are worth a warning but not a refusal.

Besides the catalog coverage checks (`planner.analysis.coverage`), four things make part of a
case dead weight that the plan silently leaves aside (issue 14): a budget line no course can
draw on (no course funded from that source has a session that year), a course that cannot run
within any budget line (opening one class of it costs more than its source holds that year),
a session that no official is offered (nobody both needs it and may attend), and a need that no
course can close for the official who has it. Each warning is a `Message` naming the ids, worded
by `planner.report.text.render` at the edge.

Input text read in another form than written (issue 18: NFD unit names, a trailing NUL, spaces
around a key) is matched by the loader and warned of here, file, row, column and both spellings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from planner.domain.message import Joined, Message, Money
from planner.errors import InputError
from planner.io.case import Case
from planner.io.tables import note_message
from planner.recommend.cost import breakdown

if TYPE_CHECKING:
    from planner.assess.needs import Assessment
    from planner.domain.catalog import Course, Session
    from planner.recommend.candidates import Recommendations

# How many ids a warning lists before it says "and N more": enough to find them, short enough
# to read.
SHOWN = 5


def case_warnings(case: Case, deep: bool = True) -> list[Message]:
    """Warnings about a loaded case, in a stable order; `deep` also assesses and recommends to
    find sessions nobody is offered and needs no course closes."""
    from planner.analysis.coverage import coverage_warnings

    warnings = text_warnings(case)
    warnings += coverage_warnings(case)
    warnings += unit_warnings(case)
    warnings += budget_warnings(case)
    if deep:
        from planner import pipeline

        assessment = pipeline.assess(case)
        recommendations = pipeline.recommend(case, assessment)
        warnings += offer_warnings(case, assessment, recommendations)
    return warnings


def text_warnings(case: Case) -> list[Message]:
    """One warning per table with cells that match only after NFC normalisation or removing
    spaces or NULs: the first such cell, both spellings, and how many cells in all."""
    return [note_message(note) for note in case.notes]


def unit_warnings(case: Case) -> list[Message]:
    """Rows of the units table no official belongs to (a misspelt unit name, most often), and
    officials whose unit has no row there (their distance band is the default one)."""
    if not case.units:
        return []
    staffed = {o.unit for o in case.officials}
    warnings: list[Message] = []
    empty = sorted(set(case.units) - staffed)
    if empty:
        warnings.append(Message("validate.unit_without_officials", {"units": _listed(empty)}))
    missing = sorted(staffed - set(case.units))
    if missing:
        count = sum(1 for o in case.officials if o.unit not in case.units)
        warnings.append(
            Message("validate.unit_not_listed", {"units": _listed(missing), "count": count})
        )
    return warnings


def _sessions(case: Case, course: Course) -> list[Session]:
    """The course's sessions a plan of this case may use (in its years, from its date on)."""
    years = set(case.config.years)
    return [
        s
        for s in sorted(course.sessions, key=lambda s: (s.start, s.id))
        if s.start.year in years and s.start >= case.reference_date
    ]


def opening_cost(case: Case, course: Course, session: Session) -> int | None:
    """The least a class of `session` can cost: the per-class cost and the minimum number of
    participants (at least one) at the default band's rate; None when the norms do not say."""
    try:
        one = breakdown(course, session, None, False, case.catalog).total
    except InputError:
        return None
    return course.cost.per_class + max(1, session.min_participants) * one


def _listed(items: list[str]) -> Joined:
    shown = items[:SHOWN]
    more = len(items) - len(shown)
    return Joined(tuple(shown) + ((Message("validate.more", {"count": more}),) if more else ()))


def budget_warnings(case: Case) -> list[Message]:
    """Budget lines no course can draw on; courses no budget line can pay one class of."""
    warnings: list[Message] = []
    courses = [case.catalog.courses[c] for c in sorted(case.catalog.courses)]
    lines = {(b.year, b.source): b.amount for b in case.config.budget}
    drawn: dict[tuple[int, str], list[str]] = defaultdict(list)
    for course in courses:
        for session in _sessions(case, course):
            key = (session.start.year, course.funding_source)
            if course.id not in drawn[key]:
                drawn[key].append(course.id)
    for (year, source), amount in sorted(lines.items()):
        if amount > 0 and not drawn.get((year, source)):
            warnings.append(
                Message(
                    "validate.line_unused",
                    {
                        "year": str(year),
                        "source": Message(f"funding.{source}"),
                        "source_id": source,
                        "amount": Money(amount),
                    },
                )
            )
    for course in courses:
        sessions = _sessions(case, course)
        if not sessions:
            continue  # coverage.no_session already says so
        costs = [(s, opening_cost(case, course, s)) for s in sessions]
        if any(cost is None for _, cost in costs):
            continue  # coverage.no_norms already says so
        source = course.funding_source
        if any((cost or 0) <= lines.get((s.start.year, source), 0) for s, cost in costs):
            continue
        session, cost = min(costs, key=lambda sc: (sc[1] or 0, sc[0].start))
        year = session.start.year
        amount = lines.get((year, source), 0)
        warnings.append(
            Message(
                "validate.course_unaffordable" if amount else "validate.course_no_line",
                {
                    "course": course.title,
                    "course_id": course.id,
                    "session": session.id,
                    "cost": Money(cost or 0),
                    "source": Message(f"funding.{course.funding_source}"),
                    "source_id": course.funding_source,
                    "year": str(year),
                    "amount": Money(amount),
                },
            )
        )
    return warnings


def need_title(need_id: str, case: Case) -> object:
    """What a need id names, as a value `render` words (competency or programme name, or the
    qualification field's label)."""
    kind, _, target = need_id.partition(":")
    framework = case.framework
    if kind == "competency" and target in framework.competencies:
        return framework.competencies[target].name
    if kind == "programme" and target in framework.programmes:
        return framework.programmes[target].name
    if kind == "qualification":
        return Message(f"need.{target}")
    return need_id


def offer_warnings(
    case: Case, assessment: Assessment, recommendations: Recommendations
) -> list[Message]:
    """Sessions in the horizon no official is offered; needs no course closes, per need."""
    warnings: list[Message] = []
    offered: set[str] = set()
    stuck: dict[str, list[str]] = defaultdict(list)
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    for rec in recommendations.recommendations:
        for candidate in rec.candidates:
            offered.update(candidate.sessions)
        if not rec.candidates:
            stuck[rec.need].append(rec.official_id)
            causes[rec.need].update(e.cause for e in rec.excluded)
    for cid in sorted(case.catalog.courses):
        course = case.catalog.courses[cid]
        idle = [s.id for s in _sessions(case, course) if s.id not in offered]
        if idle:
            warnings.append(
                Message(
                    "validate.session_unoffered",
                    {"course": course.title, "course_id": course.id, "sessions": _listed(idle)},
                )
            )
    for need_id in sorted(stuck, key=lambda n: (-len(stuck[n]), n)):
        officials = stuck[need_id]
        top = causes[need_id].most_common(1)
        warnings.append(
            Message(
                "validate.need_unclosable",
                {
                    "need": need_title(need_id, case),
                    "need_id": need_id,
                    "count": len(officials),
                    "officials": _listed(officials),
                    "cause": Message(f"cause.{top[0][0]}")
                    if top
                    else Message("validate.no_candidate"),
                },
            )
        )
    return warnings
