"""Reasons and causes, verified against the final plan (solver-free), as facts (`Message`s:
locale keys and numbers), rendered in the report layer (`planner.report.plan_text`).

- Every assignment says which needs it closes and why this session and year: it is the
  earliest session open to the official, or the earlier ones are blocked by a named rule
  (tested with the assignment taken out), or an earlier one was possible and the plan as a
  whole preferred this one.
- Every unmet need gets a cause. Without any option the cause comes from the build (the
  recommendation's exclusions, or the deadline). With options, each option is tested against
  the final plan with every rule's marginal test (`blocks`), exactly; the earliest session's
  blocking rule is the cause, the others are counted in the detail. `repair` has run before,
  so in coverage mode an option that no rule blocks does not exist.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from planner.domain.message import Message
from planner.optimise.greedy import first_block, marginal_value
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective
from planner.optimise.result import Assignment, Unmet
from planner.optimise.state import Block, PlanState

log = logging.getLogger("planner")

# The precise cause of an unmet need, from the fact (the locale key of the detail) a rule or
# the recommendation gave: several rules share a coarse cause (min_class said "seats" for a
# class that simply did not open, no_double_content "no_course" for content already held), and
# the reader must know which one it is. Keys not listed keep the rule's own cause.
_CAUSE_BY_KEY = {
    "plan.unmet.min_class": "not_opened",
    "plan.unmet.min_class_never": "below_minimum",
    "plan.unmet.min_class_budget": "budget",
    "plan.unmet.conflict_course": "content_held",
    "plan.unmet.conflict_content": "content_held",
    "plan.unmet.need_closed": "content_held",
    "plan.unmet.conflict_time": "time_clash",
    "plan.unmet.seats": "seats",
    "plan.unmet.budget": "budget",
    "plan.unmet.time_away": "time_limit_per_official",
    "recommend.excluded.passed": "already_passed",
    "recommend.excluded.holds": "content_held",
    "recommend.excluded.competent": "content_held",
}

# Causes that depend on how the plan shares seats, classes and money among officials: a plan
# the solver did not prove near-best may leave such a need unmet only because the search
# stopped. Causes of one official alone (eligibility, history, days away) stay true in any plan.
COUPLED_CAUSES = frozenset({"not_opened", "seats", "budget", "unit_share"})
# Above this gap the plan is not proved near-best: reports say so at the top.
GAP_WARNING = 0.01


def precise_cause(cause: str, detail: Message | None) -> str:
    """The cause the fact `detail` names, or `cause` when the fact is not a finer one."""
    if detail is None:
        return cause
    return _CAUSE_BY_KEY.get(detail.key, cause)


def stopped_early(unmet_needs: list[Unmet], gap: float | None) -> list[Unmet]:
    """When the solver stopped more than `GAP_WARNING` from its bound, needs left unmet by a
    shared resource (seats, a class, a budget line, the unit's share away) get the cause
    `solver_stopped`: a longer run may meet them. The fact the plan shows is kept after it."""
    if gap is None or gap <= GAP_WARNING:
        return unmet_needs
    out = []
    for u in unmet_needs:
        if u.cause in COUPLED_CAUSES:
            detail = Message("plan.unmet.solver_stopped", {"gap": round(100 * gap, 1)}).plus(
                u.detail
            )
            u = Unmet(u.official_id, u.need, "solver_stopped", detail, u.kind, u.priority)
        out.append(u)
    return out


def of_block(block: Block) -> Message:
    return Message(block.key, block.args)


# -- assignments --------------------------------------------------------------------------------


def assignments(inst: Instance, state: PlanState) -> list[Assignment]:
    out = []
    chosen = sorted(
        state.chosen,
        key=lambda o: (
            inst.sessions[inst.options[o].session].start,
            inst.sessions[inst.options[o].session].id,
            inst.officials[inst.options[o].official].id,
        ),
    )
    for o in chosen:
        option = inst.options[o]
        session = inst.sessions[option.session]
        needs = tuple(inst.needs[n].id for n in option.needs)
        out.append(
            Assignment(
                official_id=inst.officials[option.official].id,
                course=inst.courses[session.course].id,
                session=session.id,
                year=session.year,
                cost=option.cost,
                funding_source=session.source,
                needs=needs,
                reason=_reason(inst, state, o),
                start=session.start_date.isoformat(),
                end=session.end_date.isoformat(),
            )
        )
    return out


def _reason(inst: Instance, state: PlanState, o: int) -> Message:
    option = inst.options[o]
    session = inst.sessions[option.session]
    needs = ", ".join(inst.needs[n].id for n in option.needs)
    base: dict[str, Any] = {
        "session": session.id,
        "year": session.year,
        "start": session.start_date.isoformat(),
        "end": session.end_date.isoformat(),
    }
    earlier = sorted(
        (
            p
            for p in inst.options_by_official[option.official]
            if p != o
            and inst.sessions[inst.options[p].session].start < session.start
            and set(inst.options[p].needs) & set(option.needs)
        ),
        key=lambda p: (inst.sessions[inst.options[p].session].start, p),
    )
    if not earlier:
        why = Message("plan.why.earliest", base)
    else:
        state.remove(o)
        try:
            blocked = [(p, first_block(inst, state, p)) for p in earlier]
        finally:
            state.add(o)
        free = [p for p, block in blocked if block is None]
        if free:
            other = inst.sessions[inst.options[free[0]].session]
            why = Message("plan.why.chosen", {**base, "other": other.id})
        else:
            p, block = blocked[0]
            assert block is not None
            other = inst.sessions[inst.options[p].session]
            why = Message(
                "plan.why.earlier_blocked", {**base, "other": other.id, "block": of_block(block)}
            )
    return Message("plan.reason", {"needs": needs, "why": why})


# -- unmet needs ----------------------------------------------------------------------------------


def unmet(inst: Instance, objective: Objective, state: PlanState) -> list[Unmet]:
    out = []
    for n, need in enumerate(inst.needs):
        if state.met(n):
            continue
        cause, detail = explain_need(inst, objective, state, n)
        out.append(
            Unmet(
                inst.officials[need.official].id,
                need.id,
                cause,
                detail,
                kind=need.kind,
                priority=need.weight,
            )
        )
    return out


def explain_need(
    inst: Instance, objective: Objective, state: PlanState, n: int
) -> tuple[str, Message]:
    need = inst.needs[n]
    options = inst.options_by_need[n]
    if not options:
        if need.term and not inst.term_is_hard and need.cause in (None, "no_course"):
            return "term", Message(
                "plan.unmet.term_later",
                {"first": inst.years[0], "last": inst.years[-1], "term_end": inst.term[1]},
            )
        detail = need.detail or Message("plan.unmet.no_course")
        return precise_cause(need.cause or "no_course", detail), detail
    ordered = sorted(
        (o for o in options if o not in state.chosen),
        key=lambda o: (inst.sessions[inst.options[o].session].start, o),
    )
    blocks: list[tuple[int, Block]] = []
    unblocked: list[int] = []
    for o in ordered:
        block = first_block(inst, state, o)
        if block is None:
            unblocked.append(o)
        else:
            blocks.append((o, block))
    if unblocked and objective.mode == "cost":
        o = unblocked[0]
        cost = state.extra_cost(o)
        value = cost + marginal_value(objective, state, o) * 1000 // objective.D
        return "budget", Message(
            "plan.unmet.cost_first",
            {
                "session": inst.sessions[inst.options[o].session].id,
                "cost": cost,
                "value": max(0, value),
            },
        )
    if need.required > 1 and state.closed[n] > 0 and not blocks:
        return "term", Message(
            "plan.unmet.partial", {"done": state.closed[n], "required": need.required}
        )
    if not blocks:
        log.warning(
            "need %s of %s: no rule blocks any option (plan not maximal)",
            need.id,
            inst.officials[need.official].id,
        )
        return "no_course", Message("plan.unmet.unexplained")
    o, block = blocks[0]
    detail = of_block(block)
    others = Counter(precise_cause(b.cause, of_block(b)) for _, b in blocks[1:])
    if others:
        causes = tuple(
            Message(f"optimise.cause.{c}").plus(Message("", {"text": f" × {k}"}))
            for c, k in sorted(others.items())
        )
        detail = detail.plus(
            Message("plan.unmet.more", {"count": sum(others.values()), "causes": causes})
        )
    if need.required > 1 and state.closed[n]:
        detail = detail.plus(
            Message("plan.unmet.progress", {"done": state.closed[n], "required": need.required})
        )
    return precise_cause(block.cause, of_block(block)), detail


# -- totals ---------------------------------------------------------------------------------------


def totals(inst: Instance, state: PlanState) -> dict[str, Any]:
    cost: dict[str, dict[str, int]] = {}
    for (year, source), spent in sorted(state.spent.items()):
        if spent:
            cost.setdefault(str(year), {})[source] = spent
    budget: dict[str, dict[str, int]] = {}
    for (year, source), amount in sorted(inst.budgets.items()):
        budget.setdefault(str(year), {})[source] = int(amount)
    seats = {
        inst.sessions[s].id: state.count[s] for s in range(len(inst.sessions)) if state.count[s]
    }
    needs: dict[str, dict[str, int]] = {}
    for n, need in enumerate(inst.needs):
        for key in (need.kind, "all"):
            entry = needs.setdefault(key, {"met": 0, "total": 0})
            entry["total"] += 1
            entry["met"] += 1 if state.met(n) else 0
    return {
        "cost": cost,
        "budget": budget,
        "cost_total": sum(sum(v.values()) for v in cost.values()),
        "seats": seats,
        "sessions_running": len(seats),
        "needs": needs,
        "officials_trained": len({inst.options[o].official for o in state.chosen}),
    }
