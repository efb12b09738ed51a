"""Tiny hand-built instances for the optimiser tests (no YAML, no case)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from planner.optimise.constraints.deadlines import closable
from planner.optimise.instance import Course, Instance, Limits, Need, Official, Option, Session


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def make(
    *,
    officials: Sequence[tuple[str, str]] = (("A", "u1"),),
    needs: Sequence[dict[str, Any]] = (),
    courses: Sequence[dict[str, Any]] = (),
    sessions: Sequence[dict[str, Any]] = (),
    options: Sequence[dict[str, Any]] = (),
    years: Sequence[int] = (2026,),
    term: tuple[int, int] = (2026, 2030),
    budgets: dict[tuple[int, str], int] | None = None,
    limits: Limits | None = None,
) -> Instance:
    """Build an instance from plain dicts; ids are resolved to indices, needs of an option are
    given by need id (of that official) and filtered by the deadline rule."""
    units = tuple(sorted({u for _, u in officials}))
    offs = tuple(Official(i, units.index(u)) for i, u in officials)
    oidx = {o.id: k for k, o in enumerate(offs)}
    need_objs = tuple(
        Need(
            id=n["id"],
            official=oidx[n.get("official", offs[0].id)],
            kind=n.get("kind", "qualification"),
            weight=n.get("weight", 10),
            deadline=day(n["deadline"]) if n.get("deadline") else None,
            overdue=n.get("overdue", False),
            required=n.get("required", 1),
            term=n.get("term", False),
            shared=n.get("shared", False),
            cause=n.get("cause"),
        )
        for n in needs
    )
    cidx = {c["id"]: k for k, c in enumerate(courses)}
    course_objs = tuple(
        Course(
            c["id"],
            c.get("kind", "job_position"),
            overlaps=tuple(cidx[x] for x in c.get("overlaps", ())),
            prerequisites=tuple(cidx[x] for x in c.get("prerequisites", ())),
        )
        for c in courses
    )
    sess = []
    for s in sessions:
        start = day(s["start"])
        end = day(s.get("end", s["start"]))
        # class days of an in-service session: [(first, last), ...] ISO dates
        blocks = tuple((day(a), day(b)) for a, b in s.get("blocks", ()))
        sess.append(
            Session(
                id=s["id"],
                course=cidx[s["course"]],
                year=s.get("year", dt.date.fromordinal(start).year),
                start=start,
                end=end,
                seats=s.get("seats", 10),
                min_participants=s.get("min", 0),
                class_cost=s.get("class_cost", 0),
                source=s.get("source", "ngan_sach_tinh"),
                days=s.get("days", sum(b - a + 1 for a, b in blocks) or end - start + 1),
                away=s.get("away", True),
                blocks=blocks,
            )
        )
    sidx = {s.id: k for k, s in enumerate(sess)}
    horizon = (dt.date(years[0], 1, 1).toordinal(), dt.date(years[-1], 12, 31).toordinal())
    opts = []
    for o in options:
        official = oidx[o.get("official", offs[0].id)]
        session = sidx[o["session"]]
        need_ids = [
            k for k, n in enumerate(need_objs) if n.official == official and n.id in o["needs"]
        ]
        closes = tuple(k for k in need_ids if closable(need_objs[k], sess[session], horizon))
        pending = tuple((cidx[c],) for c in o.get("pending", ()))
        opts.append(Option(official, session, o.get("cost", 0), closes, pending))
    return Instance(
        name="test",
        years=tuple(years),
        term=term,
        officials=offs,
        units=units,
        needs=need_objs,
        courses=course_objs,
        sessions=tuple(sess),
        options=tuple(opts),
        budgets=budgets if budgets is not None else {(y, "ngan_sach_tinh"): 10**9 for y in years},
        limits=limits or Limits(30, 0.3),
    )
