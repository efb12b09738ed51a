"""The optimiser's facts as text: reasons, causes, check findings and the infeasibility remedy
(`planner.optimise.result.Message`) rendered in Vietnamese or English from the message
catalogs, and the Plan JSON with them rendered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from planner.i18n import format_date, format_vnd, has, t
from planner.optimise.result import Message, Money, PlanResult

if TYPE_CHECKING:
    from planner.errors import InfeasiblePlanError
    from planner.optimise.check import CheckedViolation

MONEY_KEYS = frozenset({"missing", "cost", "value", "spent", "budget"})
DATE_KEYS = frozenset({"start", "end", "deadline"})


def render(lang: str, message: Message) -> str:
    """A message in `lang`: money in VND, ISO dates as dates, funding sources by their name,
    nested messages rendered (tuples of them joined by commas), then the appended ones."""
    if not message.key:
        text = str(message.args.get("text", ""))
    else:
        values: dict[str, Any] = {}
        for name, value in message.args.items():
            if isinstance(value, Message):
                values[name] = render(lang, value)
            elif isinstance(value, tuple) and all(isinstance(v, Message) for v in value):
                values[name] = ", ".join(render(lang, v) for v in value)
            elif isinstance(value, Money) or (name in MONEY_KEYS and isinstance(value, int)):
                values[name] = format_vnd(value, lang)
            elif name in DATE_KEYS and isinstance(value, str) and value:
                values[name] = format_date(dt.date.fromisoformat(value), lang)
            elif name == "source" and has(lang, f"source.{value}"):
                values[name] = t(lang, f"source.{value}")
            else:
                values[name] = value
        text = t(lang, message.key, **values)
    return text + "".join(render(lang, m) for m in message.then)


def plan_dict(plan: PlanResult, lang: str) -> dict[str, Any]:
    """The Plan JSON (DESIGN §4), reasons and details in `lang`."""
    return plan.to_dict(lambda m: render(lang, m))


def violation_text(lang: str, violation: CheckedViolation) -> str:
    who = " · ".join(x for x in (violation.official_id, violation.session) if x)
    rule = t(lang, f"optimise.rule.{violation.rule}")
    return f"[{rule}] {who + ': ' if who else ''}{render(lang, violation.message)}"


def remedy_text(lang: str, error: InfeasiblePlanError) -> str:
    """The remedy of an infeasible plan in `lang` (changes joined by semicolons)."""
    facts: Message | None = getattr(error, "facts", None)
    if facts is None:
        return error.remedy
    if not facts.key:
        return render(lang, facts)
    changes = facts.args.get("changes", ())
    parts = [
        t(
            lang,
            c.key,
            **{k: format_vnd(v, lang) if isinstance(v, Money) else v for k, v in c.args.items()},
        )
        for c in changes
    ]
    return t(lang, facts.key, changes="; ".join(parts) or "-")


def infeasible_text(lang: str, error: InfeasiblePlanError) -> str:
    """The whole infeasibility message in `lang`: the rule, whom, and the remedy."""
    facts: Message | None = getattr(error, "facts", None)
    if facts is None:
        return str(error)
    if not facts.key:
        return render(lang, facts)
    officials = error.officials
    return t(
        lang,
        "plan.infeasible",
        rule=t(lang, f"optimise.rule.{error.rule}"),
        count=len(officials),
        officials=", ".join(officials[:20]) + (" …" if len(officials) > 20 else ""),
        remedy=remedy_text(lang, error),
    )
