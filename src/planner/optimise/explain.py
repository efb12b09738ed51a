"""Reasons and causes, verified against the final plan (solver-free).

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

import datetime as dt
import logging
from collections import Counter
from typing import Any

from planner.i18n import format_date, format_vnd, t
from planner.optimise.greedy import first_block, marginal_value
from planner.optimise.instance import Instance
from planner.optimise.objective import Objective
from planner.optimise.result import Assignment, Unmet
from planner.optimise.state import Block, PlanState

log = logging.getLogger("planner")

MONEY_KEYS = frozenset({"missing", "cost", "value", "spent", "budget", "extra"})
DATE_KEYS = frozenset({"start", "end", "deadline"})


def render(lang: str, key: str, args: dict[str, Any]) -> str:
    values = {}
    for name, value in args.items():
        if name in MONEY_KEYS and isinstance(value, int):
            values[name] = format_vnd(value, lang)
        elif name in DATE_KEYS and isinstance(value, str) and value:
            values[name] = format_date(dt.date.fromisoformat(value), lang)
        elif name == "source":
            values[name] = t(lang, f"source.{value}") if _has(lang, f"source.{value}") else value
        else:
            values[name] = value
    return t(lang, key, **values)


def _has(lang: str, key: str) -> bool:
    from planner.i18n import has

    return has(lang, key)


def render_block(lang: str, block: Block) -> str:
    return render(lang, block.key, block.args)


# -- assignments --------------------------------------------------------------------------------


def assignments(inst: Instance, state: PlanState, lang: str) -> list[Assignment]:
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
                reason=_reason(inst, state, o, lang),
                start=session.start_date.isoformat(),
                end=session.end_date.isoformat(),
            )
        )
    return out


def _reason(inst: Instance, state: PlanState, o: int, lang: str) -> str:
    option = inst.options[o]
    session = inst.sessions[option.session]
    needs = ", ".join(inst.needs[n].id for n in option.needs)
    base = {
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
        why = render(lang, "plan.why.earliest", base)
    else:
        state.remove(o)
        try:
            blocked = [(p, first_block(inst, state, p)) for p in earlier]
        finally:
            state.add(o)
        free = [p for p, block in blocked if block is None]
        if free:
            other = inst.sessions[inst.options[free[0]].session]
            why = render(lang, "plan.why.chosen", {**base, "other": other.id})
        else:
            p, block = blocked[0]
            assert block is not None
            other = inst.sessions[inst.options[p].session]
            why = render(
                lang,
                "plan.why.earlier_blocked",
                {**base, "other": other.id, "block": render_block(lang, block)},
            )
    return t(lang, "plan.reason", needs=needs, why=why)


# -- unmet needs ----------------------------------------------------------------------------------


def unmet(inst: Instance, objective: Objective, state: PlanState, lang: str) -> list[Unmet]:
    out = []
    for n, need in enumerate(inst.needs):
        if state.met(n):
            continue
        cause, detail = explain_need(inst, objective, state, n, lang)
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
    inst: Instance, objective: Objective, state: PlanState, n: int, lang: str
) -> tuple[str, str]:
    need = inst.needs[n]
    options = inst.options_by_need[n]
    if not options:
        if need.term and not inst.term_is_hard and need.cause in (None, "no_course"):
            return "term", render(
                lang,
                "plan.unmet.term_later",
                {"first": inst.years[0], "last": inst.years[-1], "term_end": inst.term[1]},
            )
        cause = need.cause or "no_course"
        detail = (
            render(lang, need.detail, dict(need.detail_args))
            if need.detail.startswith("plan.")
            else (need.detail or render(lang, "plan.unmet.no_course", {}))
        )
        return cause, detail
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
        return "budget", render(
            lang,
            "plan.unmet.cost_first",
            {
                "session": inst.sessions[inst.options[o].session].id,
                "cost": cost,
                "value": max(0, value),
            },
        )
    if need.required > 1 and state.closed[n] > 0 and not blocks:
        return "term", render(
            lang, "plan.unmet.partial", {"done": state.closed[n], "required": need.required}
        )
    if not blocks:
        log.warning(
            "need %s of %s: no rule blocks any option (plan not maximal)",
            need.id,
            inst.officials[need.official].id,
        )
        return "no_course", render(lang, "plan.unmet.unexplained", {})
    o, block = blocks[0]
    detail = render_block(lang, block)
    others = Counter(b.cause for _, b in blocks[1:])
    if others:
        causes = ", ".join(
            f"{t(lang, f'optimise.cause.{c}')} × {k}" for c, k in sorted(others.items())
        )
        detail += t(lang, "plan.unmet.more", count=sum(others.values()), causes=causes)
    if need.required > 1 and state.closed[n]:
        detail += t(lang, "plan.unmet.progress", done=state.closed[n], required=need.required)
    return block.cause, detail


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
