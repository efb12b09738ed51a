"""The optimiser's facts as text: reasons, causes, check findings and the infeasibility remedy
(`planner.optimise.result.Message`) rendered in Vietnamese or English from the message
catalogs, and the Plan JSON with them rendered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from planner.domain.message import Day, Joined, Message, Money
from planner.i18n import format_number, has, t
from planner.optimise.result import PlanResult
from planner.report import names as naming, text

if TYPE_CHECKING:
    from planner.optimise.check import CheckedViolation


class Infeasible(Protocol):
    """What an infeasible plan says: an `InfeasiblePlanError` or a what-if variant's copy."""

    rule: str
    remedy: str

    @property
    def officials(self) -> Sequence[str]: ...


MONEY_KEYS = frozenset({"missing", "cost", "value", "spent", "budget"})
# Arguments that hold need or course ids: worded as titles when the case's names are set.
ID_KEYS = frozenset({"needs", "need", "course"})
DATE_KEYS = frozenset({"start", "end", "deadline"})


def render(lang: str, message: Message) -> str:
    """A plan message in `lang`, through the one renderer (`report.text.render`): the
    optimiser names its amounts and ISO dates by argument name (`MONEY_KEYS`, `DATE_KEYS`) and
    funding sources by id, made typed here."""
    return text.render(_typed(lang, message), lang)


def _typed(lang: str, message: Message) -> Message:
    values: dict[str, Any] = {}
    names = naming.current()
    for name, value in message.args.items():
        if isinstance(value, Message):
            values[name] = _typed(lang, value)
        elif isinstance(value, tuple) and all(isinstance(v, Message) for v in value):
            values[name] = Joined(tuple(_typed(lang, v) for v in value))
        elif name in MONEY_KEYS and isinstance(value, int) and not isinstance(value, bool):
            values[name] = Money(value)
        elif name in DATE_KEYS and isinstance(value, str) and value:
            values[name] = Day(dt.date.fromisoformat(value))
        elif name == "source" and isinstance(value, str) and has(lang, f"funding.{value}"):
            values[name] = t(lang, f"funding.{value}")
        elif name in ID_KEYS and names is not None and isinstance(value, str):
            values[name] = names.words(value, lang)
        elif name in ID_KEYS and names is not None and isinstance(value, tuple):
            values[name] = ", ".join(names.words(str(v), lang) for v in value)
        elif name == "gap" and isinstance(value, float):
            # a percentage with one decimal, in the separators of `lang` (4,0 in Vietnamese)
            values[name] = format_number(value, lang, 1)
        else:
            values[name] = value
    return Message(message.key, values, tuple(_typed(lang, m) for m in message.then))


def plan_dict(plan: PlanResult, lang: str) -> dict[str, Any]:
    """The Plan JSON (DESIGN §4), reasons and details in `lang`; a plan of status
    `infeasible_rules` also carries the `infeasible` object of its first shortfall."""
    data = plan.to_dict(lambda m: render(lang, m))
    for entry, f in zip(data["shortfalls"], plan.shortfalls, strict=True):
        entry["remedy"] = remedy_text(
            lang, _Short(f.rule, f.remedy.key, list(f.officials), f.remedy)
        )
    if plan.shortfalls:
        first = plan.shortfalls[0]
        data["infeasible"] = infeasible_facts(
            lang, _Short(first.rule, first.remedy.key, list(first.officials), first.remedy)
        )
    return data


class _Short:
    """A shortfall seen as an `Infeasible` (rule, whom, remedy facts)."""

    def __init__(self, rule: str, remedy: str, officials: list[str], facts: Message) -> None:
        self.rule, self.remedy, self.officials, self.facts = rule, remedy, officials, facts


def shortfall_lines(lang: str, plan: PlanResult) -> list[str]:
    """The top of every report of an `infeasible_rules` plan: the title, then one line per rule
    (how many, of how many officials, by cause, and the remedy found)."""
    if not plan.shortfalls:
        return []
    lines = [t(lang, "plan.shortfall.title")]
    for f in plan.shortfalls:
        causes = ", ".join(
            f"{t(lang, f'optimise.cause.{c}')}: {n}" for c, n in sorted(f.causes.items())
        )
        lines.append(
            t(
                lang,
                "plan.shortfall.line",
                rule=t(lang, f"optimise.rule.{f.rule}"),
                count=f.count,
                officials=len(f.officials),
                causes=causes,
                remedy=remedy_text(lang, _Short(f.rule, f.remedy.key, list(f.officials), f.remedy)),
            )
        )
    return lines


def violation_text(lang: str, violation: CheckedViolation) -> str:
    who = " · ".join(x for x in (violation.official_id, violation.session) if x)
    rule = t(lang, f"optimise.rule.{violation.rule}")
    return f"[{rule}] {who + ': ' if who else ''}{render(lang, violation.message)}"


def remedy_text(lang: str, error: Infeasible) -> str:
    """The remedy of an infeasible plan in `lang` (changes joined by semicolons)."""
    facts: Message | None = getattr(error, "facts", None)
    if facts is None:
        return error.remedy
    if not facts.key:
        return render(lang, facts)
    changes = facts.args.get("changes", ())
    parts = [text.render(c, lang) for c in changes]
    return t(lang, facts.key, changes="; ".join(parts) or "-")


def infeasible_facts(lang: str, error: Infeasible) -> dict[str, Any]:
    """The `infeasible` object of the Plan and What-if JSON: rule, whom, remedy, message."""
    return {
        "rule": error.rule,
        "officials": list(error.officials),
        "remedy": remedy_text(lang, error),
        "message": infeasible_text(lang, error),
    }


def infeasible_text(lang: str, error: Infeasible) -> str:
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
