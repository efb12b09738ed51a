"""Case + Assessment + Recommendations → Instance (the only optimiser module that knows a Case).

One pass over the recommendations, O(options):
- every need of the assessment becomes a `Need` (weight = priority; a term-coverage need, i.e. a
  programme with `term_coverage` in rules/ such as the QĐ 145 knowledge updates, asked N times
  over the term with c done, needs N − c sessions; a periods need (annual training) is closed by
  one course giving at least the periods still missing: a conservative reading, courses are not
  summed);
- every candidate course × open session × official becomes an `Option` closing the needs the
  course closes for that official that the session may close by the deadline rule;
- a course excluded only for a missing prerequisite that another catalog course provides also
  gets options, conditional on that course being planned earlier (`Option.pending`), when the
  official has a candidate for the providing course;
- a need without any option keeps the recommendation's cause (prerequisite, not eligible, no
  course or session) and its detail, to be reported as unmet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from planner.domain.message import Message
from planner.optimise.constraints.deadlines import closable
from planner.optimise.instance import Course, Instance, Limits, Need, Official, Option, Session

if TYPE_CHECKING:
    from planner.assess.needs import Assessment
    from planner.io.case import Case
    from planner.recommend.candidates import Recommendations

# Exclusion causes of `recommend`, in the order they explain an unmet need (the most actionable
# first), and the Plan JSON cause each becomes.
_EXCLUSION_CAUSE = {
    "prerequisite_missing": "prerequisite",
    "no_session": "no_course",
    "not_eligible": "not_eligible",
    "already_completed": "no_course",
}
_EXCLUSION_ORDER = ("prerequisite_missing", "no_session", "not_eligible", "already_completed")


def build_instance(
    case: Case, assessment: Assessment, recommendations: Recommendations
) -> Instance:
    from planner.assess.needs import course_periods
    from planner.assess.targets import ProgrammeNeed
    from planner.domain.catalog import working_days
    from planner.recommend.candidates import closes
    from planner.recommend.cost import class_cost, participant_cost

    config = case.config
    years = tuple(config.years)
    year_set = set(years)
    on = assessment.reference_date
    catalog = case.catalog
    horizon = (
        max(dt.date(years[0], 1, 1), on + dt.timedelta(days=1)).toordinal(),
        dt.date(years[-1], 12, 31).toordinal(),
    )

    # A national case's province groups (case.yaml `regions`): session id → provinces.
    grouped = {s: frozenset(g.provinces) for g in case.config.regions for s in g.sessions}
    units = tuple(sorted({o.unit for o in case.officials}))
    unit_index = {u: k for k, u in enumerate(units)}
    officials = tuple(Official(o.id, unit_index[o.unit]) for o in case.officials)
    official_index = {o.id: k for k, o in enumerate(officials)}
    profiles = {o.id: o for o in case.officials}

    course_ids = sorted(catalog.courses)
    course_index = {c: k for k, c in enumerate(course_ids)}
    overlaps: dict[str, set[str]] = defaultdict(set)
    for a, b in recommendations.overlaps:
        overlaps[a].add(b)
        overlaps[b].add(a)
    courses = tuple(
        Course(
            cid,
            catalog.courses[cid].kind,
            overlaps=tuple(sorted(course_index[x] for x in overlaps[cid] if x in course_index)),
            prerequisites=tuple(
                sorted(
                    course_index[p.course]
                    for p in catalog.courses[cid].prerequisites
                    if p.course in course_index
                )
            ),
        )
        for cid in course_ids
    )

    # Sessions open in the horizon (on or after the reference date), in course order.
    sessions: list[Session] = []
    session_index: dict[tuple[str, str], int] = {}  # (course id, session id): ids are per course
    exempt_kinds = set(config.limits.days_away_exempt_kinds)
    for cid in course_ids:
        course = catalog.courses[cid]
        for s in sorted(course.sessions, key=lambda s: (s.start, s.id)):
            if s.start.year not in year_set or s.start < on:
                continue
            # In-service programmes hold class in blocks: the rules count those days only.
            blocks = catalog.class_blocks(course, s)
            days = course.duration_days
            if blocks is not None:
                days = sum(working_days(b.start, b.end) for b in blocks)
            session_index[(cid, s.id)] = len(sessions)
            sessions.append(
                Session(
                    id=s.id,
                    course=course_index[cid],
                    year=s.start.year,
                    start=s.start.toordinal(),
                    end=s.end.toordinal(),
                    seats=s.seats,
                    min_participants=s.min_participants,
                    class_cost=int(class_cost(course, s)),
                    source=course.funding_source,
                    # Long programmes sent by their own decision (LLCT, degrees) do not count
                    # against the yearly cap on days away, which is meant for short courses.
                    # Days away are the class days when the session gives them.
                    days=0 if course.kind in exempt_kinds else days,
                    away=course.mode != "online",
                    location=s.location,
                    blocks=tuple((b.start.toordinal(), b.end.toordinal()) for b in blocks or ()),
                )
            )

    needs: list[Need] = []
    need_index: dict[tuple[str, str], int] = {}
    for need in assessment.needs:
        if need.official_id not in official_index:
            continue
        target = need.target
        term = (
            isinstance(target, ProgrammeNeed)
            and target.term_coverage
            and target.window == "term"
            and target.periods is None
        )
        required = max(1, target.count - int(need.current or 0)) if term else 1  # type: ignore[union-attr]
        need_index[(need.official_id, need.need)] = len(needs)
        needs.append(
            Need(
                id=need.need,
                official=official_index[need.official_id],
                kind=need.kind,
                weight=int(need.priority),
                deadline=need.deadline.toordinal() if need.deadline else None,
                overdue=need.overdue,
                required=required,
                term=term,
                shared=isinstance(target, ProgrammeNeed) and target.periods is not None,
            )
        )
    periods_missing = {
        i: n.target.periods - int(n.current or 0)
        for i, n in enumerate(assessment.needs)
        if isinstance(n.target, ProgrammeNeed) and n.target.periods is not None
    }
    assessed = {(n.official_id, n.need): n for n in assessment.needs}

    # Candidates per official: course → (sessions, needs closed)
    candidates: dict[str, dict[str, tuple[tuple[str, ...], set[str]]]] = defaultdict(dict)
    prerequisite_only: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    exclusions: dict[tuple[str, str], list[Any]] = {}
    exclusions_of: dict[str, dict[str, list[Any]]] = defaultdict(dict)  # per official (no scan)
    for rec in recommendations.recommendations:
        for cand in rec.candidates:
            sessions_, closed = candidates[rec.official_id].get(cand.course, ((), set()))
            candidates[rec.official_id][cand.course] = (
                tuple(cand.sessions) or sessions_,
                closed | set(cand.closes or (rec.need,)),
            )
        for exc in rec.excluded:
            if exc.cause == "prerequisite_missing" and getattr(exc, "requires", None):
                prerequisite_only[rec.official_id][exc.course] = tuple(exc.requires)
        exclusions[(rec.official_id, rec.need)] = list(rec.excluded)
        exclusions_of[rec.official_id][rec.need] = exclusions[(rec.official_id, rec.need)]

    # Memos: a participant's cost reads only the session, the unit and the difficult-area flag,
    # and a course's periods only its start date; at 300,000 officials these are 12 million calls.
    cost_memo: dict[tuple[str, str, bool, str], int] = {}
    periods_memo: dict[tuple[str, int], int] = {}

    def cost_of(course: Any, session: Any, profile: Any, unit_info: Any) -> int:
        key = (course.id, session.id, bool(profile.difficult_area), profile.unit)
        cost = cost_memo.get(key)
        if cost is None:
            cost = cost_memo[key] = int(
                participant_cost(course, session, profile, unit_info, catalog)
            )
        return cost

    def periods_of(course: Any, start: dt.date) -> int:
        key = (course.id, start.toordinal())
        periods = periods_memo.get(key)
        if periods is None:
            periods = periods_memo[key] = course_periods(course, case.framework, start)
        return periods

    options: list[Option] = []
    periods_index = {
        need_index[(n.official_id, n.need)]: periods_missing[i]
        for i, n in enumerate(assessment.needs)
        if i in periods_missing and (n.official_id, n.need) in need_index
    }
    for oid in sorted(candidates, key=lambda x: official_index.get(x, -1)):
        if oid not in official_index:
            continue
        k = official_index[oid]
        profile = profiles[oid]
        unit_info = case.units.get(profile.unit)
        province = unit_info.province if unit_info is not None else None
        own = candidates[oid]
        for cid in sorted(own):
            session_ids, closed = own[cid]
            if grouped:  # a province group's sessions are open to its provinces only
                session_ids = _open_to(session_ids, grouped, province)
            _add_options(
                options,
                k,
                cid,
                session_ids,
                closed,
                (),
                catalog,
                session_index,
                sessions,
                need_index,
                needs,
                periods_index,
                horizon,
                profile,
                unit_info,
                oid,
                cost_of,
                periods_of,
            )
        # Courses excluded only for a prerequisite another course of the plan can give.
        position = case.framework.positions.get(profile.position)
        for cid, requires in sorted(prerequisite_only.get(oid, {}).items()):
            course = catalog.courses[cid]
            groups = _pending_groups(course, requires, own, catalog, case, on, closes)
            if groups is None:
                continue
            closed = {
                rec_need
                for rec_need, excs in exclusions_of.get(oid, {}).items()
                if any(e.course == cid for e in excs)
            }
            open_ids = tuple(
                s.id
                for s in sorted(course.sessions, key=lambda s: (s.start, s.id))
                if (cid, s.id) in session_index and _eligible(course, s, profile, position, on)
            )
            if grouped:
                open_ids = _open_to(open_ids, grouped, province)
            _add_options(
                options,
                k,
                cid,
                open_ids,
                closed,
                tuple(tuple(course_index[c] for c in g) for g in groups),
                catalog,
                session_index,
                sessions,
                need_index,
                needs,
                periods_index,
                horizon,
                profile,
                unit_info,
                oid,
                cost_of,
                periods_of,
            )

    # Needs no option can close keep the recommendation's cause.
    reachable: set[int] = set()
    for option in options:
        reachable.update(option.needs)
    for n, wanted in enumerate(needs):
        if n in reachable:
            continue
        official_id = officials[wanted.official].id
        cause, detail = _cause_without_option(
            official_id,
            wanted,
            exclusions.get((official_id, wanted.id), []),
            bool(
                candidates.get(official_id, {})
                and any(wanted.id in closed for _, closed in candidates[official_id].values())
            ),
            years,
            assessed.get((official_id, wanted.id)),
        )
        needs[n] = replace(wanted, cause=cause, detail=detail)

    budgets: dict[tuple[int, str], int] = {
        (line.year, line.source): int(line.amount) for line in config.budget
    }
    # An omitted limit takes its rules/ parameter (load_case fills it; a Case made in code may not).
    resolved = config.limits.with_defaults(case.framework, on)
    days_away, share_away = resolved.max_days_away_per_year, resolved.max_share_away
    assert days_away is not None and share_away is not None  # with_defaults fills both or raises
    limits = Limits(days_away, float(share_away))
    return Instance(
        name=config.name,
        years=years,
        term=(config.term.start, config.term.end),
        officials=officials,
        units=units,
        needs=tuple(needs),
        courses=courses,
        sessions=tuple(sessions),
        options=tuple(options),
        budgets=budgets,
        limits=limits,
        reference_day=on.toordinal(),
    )


def _add_options(
    options: list[Option],
    k: int,
    cid: str,
    session_ids: tuple[str, ...],
    closed: set[str],
    pending: tuple[tuple[int, ...], ...],
    catalog: Any,
    session_index: dict[tuple[str, str], int],
    sessions: list[Session],
    need_index: dict[tuple[str, str], int],
    needs: list[Need],
    periods_index: dict[int, int],
    horizon: tuple[int, int],
    profile: Any,
    unit_info: Any,
    oid: str,
    cost_of: Any,
    periods_of: Any,
) -> None:
    course = catalog.courses[cid]
    need_ids = sorted(need_index[(oid, n)] for n in closed if (oid, n) in need_index)
    by_id = {s.id: s for s in course.sessions}
    for sid in session_ids:
        s = session_index.get((cid, sid))
        if s is None:
            continue
        session = sessions[s]
        closes = []
        for n in need_ids:
            if not closable(needs[n], session, horizon):
                continue
            missing = periods_index.get(n)
            if missing is not None and periods_of(course, session.start_date) < missing:
                continue
            closes.append(n)
        if not closes:
            continue
        options.append(
            Option(k, s, cost_of(course, by_id[sid], profile, unit_info), tuple(closes), pending)
        )


def _open_to(
    session_ids: tuple[str, ...], grouped: dict[str, frozenset[str]], province: str | None
) -> tuple[str, ...]:
    """The sessions an official of `province` may attend: those of no group, or of a group
    that lists the province."""
    return tuple(s for s in session_ids if s not in grouped or province in grouped[s])


def _pending_groups(
    course: Any,
    requires: tuple[str, ...],
    own: dict[str, Any],
    catalog: Any,
    case: Any,
    on: dt.date,
    closes: Any,
) -> list[tuple[str, ...]] | None:
    """Any-of groups of prerequisite courses to plan first; None if one cannot be planned
    (the official has no candidate session of any course providing it)."""
    groups: list[tuple[str, ...]] = []
    group: tuple[str, ...]
    for prerequisite in course.prerequisites:
        if prerequisite.course is not None:
            group = (prerequisite.course,) if prerequisite.course in requires else ()
        else:
            from planner.assess.targets import QualificationNeed

            target = QualificationNeed(prerequisite.qualification, prerequisite.level)
            group = tuple(
                c for c in requires if closes(catalog.courses[c], target, case.framework, on)
            )
        if not group:
            continue
        plannable = tuple(c for c in group if c in own)
        if not plannable:
            return None
        groups.append(plannable)
    return groups or None


def _eligible(course: Any, session: Any, profile: Any, position: Any, on: dt.date) -> bool:
    if not course.eligibility:
        return True
    from planner.domain.attributes import official_attributes
    from planner.recommend.eligibility import failed_eligibility

    return not failed_eligibility(course, official_attributes(profile, position, session.start), on)


def _cause_without_option(
    official_id: str,
    need: Need,
    excluded: list[Any],
    had_candidate: bool,
    years: tuple[int, ...],
    assessed: Any,
) -> tuple[str, Message]:
    if had_candidate and need.deadline is not None:
        day = dt.date.fromordinal(need.deadline).isoformat()
        return "no_course", Message("plan.unmet.deadline", {"deadline": day})
    if had_candidate:
        return (
            "no_course",
            Message("plan.unmet.no_session", {"first": str(years[0]), "last": str(years[-1])}),
        )
    for cause in _EXCLUSION_ORDER:
        found = [e for e in excluded if e.cause == cause]
        if found:
            return _EXCLUSION_CAUSE[cause], found[0].detail
    return "no_course", Message("plan.unmet.no_course")
