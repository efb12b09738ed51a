"""No double content: a need is closed at most once (a need taking several sessions, at most
that many; a need any course counts toward, such as annual training periods, is credited once
but may be touched by several courses), and an official attends neither the same course twice,
nor two courses that overlap in content, nor two sessions that overlap in time: that hold class
on a common day (`instance.class_days_meet`; an in-service programme holds class only in its
blocks, so a short course between two blocks is allowed)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from planner.optimise.instance import Instance, class_days_meet
from planner.optimise.state import Block, PlanState, Violation

if TYPE_CHECKING:
    from planner.optimise.view import View

NAME = "no_double_content"
CAUSE = "no_course"
CAUSE_TIME = "time_limit_per_official"
COUPLES = False


def need_limit(required: int, shared: bool, size: float) -> float | None:
    """How often the columns of one need may sum to over `size` members: `required` times each;
    no limit for a need any course counts toward (credited once, touched by several)."""
    return None if shared else required * size


def need_rows(v: View, c: int, n: int, cols: list[int]) -> None:
    """A need is closed at most `required` times per member (unless any course counts)."""
    need = v.inst.needs[n]
    limit = need_limit(need.required, need.shared, v.size(c))
    if limit is not None and v.cap(cols) > limit:
        v.rows.add(cols, 1.0, ub=limit, rule="need_once")


def rows(v: View, c: int, local: dict[int, int]) -> None:
    """Per member: a course at most once, two overlapping courses at most one of them, and one
    session among those holding class on any day (cliques, one per start of a run of class days:
    two sessions clash exactly when one holds class on the first day of a run of the other)."""
    inst = v.inst
    size = v.size(c)
    by_course: dict[int, list[int]] = defaultdict(list)
    for o, a in local.items():
        by_course[inst.sessions[inst.options[o].session].course].append(a)
    for course, cols in sorted(by_course.items()):
        if len(cols) > 1 and v.cap(cols) > size:
            v.rows.add(cols, 1.0, ub=size, rule="course_once")
        for other in inst.courses[course].overlaps:
            if other > course and other in by_course:
                both = cols + by_course[other]
                if v.cap(both) > size:
                    v.rows.add(both, 1.0, ub=size, rule="course_once")
    seen: set[tuple[int, ...]] = set()
    held = [(inst.options[o].session, a) for o, a in local.items()]
    holding = inst.holding_class
    for s, _ in held:
        for start, _ in inst.sessions[s].class_blocks:
            on = holding[start]
            clique = tuple(sorted(a for t, a in held if t in on))
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                if v.cap(list(clique)) > size:
                    v.rows.add(list(clique), 1.0, ub=size, rule="time_clique")


def _conflict(inst: Instance, o: int, p: int) -> str | None:
    """Why options o and p (same official) cannot both be chosen: 'course', 'content', 'time'."""
    a = inst.sessions[inst.options[o].session]
    b = inst.sessions[inst.options[p].session]
    if a.course == b.course:
        return "course"
    if b.course in inst.courses[a.course].overlaps:
        return "content"
    if class_days_meet(a, b):
        return "time"
    return None


def check(inst: Instance, state: PlanState) -> list[Violation]:
    violations = []
    for n, need in enumerate(inst.needs):
        if not need.shared and state.closed[n] > need.required:
            violations.append(
                Violation(
                    NAME,
                    inst.officials[need.official].id,
                    None,
                    "plan.check.need_twice",
                    {"need": need.id, "times": state.closed[n]},
                )
            )
    for official in sorted(state.by_official):
        chosen = sorted(state.by_official[official])
        for i, o in enumerate(chosen):
            for p in chosen[i + 1 :]:
                kind = _conflict(inst, o, p)
                if kind is not None:
                    violations.append(
                        Violation(
                            NAME,
                            inst.officials[official].id,
                            inst.sessions[inst.options[p].session].id,
                            f"plan.check.conflict_{kind}",
                            {"other": inst.sessions[inst.options[o].session].id},
                        )
                    )
    return violations


def blocks(inst: Instance, state: PlanState, o: int) -> Block | None:
    option = inst.options[o]
    session = inst.sessions[option.session]
    for p in sorted(state.by_official.get(option.official, ())):
        kind = _conflict(inst, o, p)
        if kind is not None:
            other = inst.sessions[inst.options[p].session]
            cause = CAUSE_TIME if kind == "time" else CAUSE
            return Block(
                NAME,
                cause,
                f"plan.unmet.conflict_{kind}",
                {"session": session.id, "other": other.id, "course": inst.courses[other.course].id},
                shortfall=1,
            )
    for n in option.needs:
        if not inst.needs[n].shared and state.closed[n] >= inst.needs[n].required:
            return Block(
                NAME,
                CAUSE,
                "plan.unmet.need_closed",
                {"session": session.id, "need": inst.needs[n].id},
                shortfall=1,
            )
    return None
