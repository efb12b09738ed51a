"""No double content: a need is closed at most once (a need taking several sessions, at most
that many; a need any course counts toward, such as annual training periods, is credited once
but may be touched by several courses), and an official attends neither the same course twice, nor two courses that overlap
in content, nor two sessions that overlap in time."""

from __future__ import annotations

from collections import defaultdict

from planner.optimise.instance import Instance
from planner.optimise.model import LinearModel
from planner.optimise.state import Block, PlanState, Violation

NAME = "no_double_content"
CAUSE = "no_course"
CAUSE_TIME = "time_limit_per_official"


def add(inst: Instance, model: LinearModel, *, hard_term: bool = False) -> None:
    for n, need in enumerate(inst.needs):
        options = inst.options_by_need[n]
        if not need.shared and len(options) > need.required:
            model.add(NAME, [(o, 1) for o in options], ub=need.required)
    for official, options in enumerate(inst.options_by_official):
        by_course: dict[int, list[int]] = defaultdict(list)
        for o in options:
            by_course[inst.sessions[inst.options[o].session].course].append(o)
        for course, own in sorted(by_course.items()):
            if len(own) > 1:
                model.add(NAME, [(o, 1) for o in own], ub=1)
            for other in inst.courses[course].overlaps:
                if other > course and other in by_course:
                    model.add(NAME, [(o, 1) for o in own + by_course[other]], ub=1)
        # time: one row per session start, over the sessions running on that day (interval cliques)
        seen: set[tuple[int, ...]] = set()
        for o in options:
            day = inst.sessions[inst.options[o].session].start
            clique = tuple(
                sorted(
                    p
                    for p in options
                    if inst.sessions[inst.options[p].session].start
                    <= day
                    <= inst.sessions[inst.options[p].session].end
                )
            )
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                model.add(NAME, [(p, 1) for p in clique], ub=1)


def _conflict(inst: Instance, o: int, p: int) -> str | None:
    """Why options o and p (same official) cannot both be chosen: 'course', 'content', 'time'."""
    a = inst.sessions[inst.options[o].session]
    b = inst.sessions[inst.options[p].session]
    if a.course == b.course:
        return "course"
    if b.course in inst.courses[a.course].overlaps:
        return "content"
    if a.start <= b.end and b.start <= a.end:
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
