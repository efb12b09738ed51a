"""Text at the edge: the facts of the core (`planner.domain.message`) made into Vietnamese or
English from the message catalogs (`locales/<lang>.json`).

`render(value, lang)` renders one message (or any argument value); `need_reason(need, lang)` is
the reason sentence of an assessed need; `Renderer(lang)` renders many, reusing the text of a
message object shared by many results (assess and recommend share one object per cohort).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from planner.domain.message import Day, Joined, Level, Message, Money
from planner.i18n import format_date, format_vnd, has, level_label, t
from planner.law.conditions import Condition
from planner.report import names as naming
from planner.types import QUALIFICATION_SCALES

if TYPE_CHECKING:
    from planner.assess.needs import Need


# Arguments that may hold need, course or position ids: worded as titles when the case's names
# are set (`planner.report.names`).
ID_ARGS = frozenset({"course", "need", "needs", "missing", "position", "other_course"})


def _variant(message: Message) -> str:
    """The locale key that words `message`: its own, or a variant for facts that its sentence
    would word badly ("hiện mới có chưa có chứng chỉ", "khoảng 0 đ/người")."""
    args = message.args
    if message.key == "recommend.candidate":
        cost = args.get("cost")
        if isinstance(cost, Money) and cost.amount == 0:
            return "recommend.candidate_free"
    if message.key == "reason.qualification":
        current = args.get("current")
        if isinstance(current, Level) and current.level in (None, "none"):
            return "reason.qualification_none"
    return message.key


def render(value: Any, lang: str) -> str:
    """`value` in words of `lang`: a `Message`, or any argument value a message may hold."""
    if isinstance(value, Message):
        if value.key:
            key = _variant(value)
            names = naming.current()
            args = {
                k: names.words(v, lang) if names and k in ID_ARGS and isinstance(v, str) else v
                for k, v in value.args.items()
            }
            text = t(lang, key, **{k: _argument(v, lang) for k, v in args.items()})
        else:
            text = str(value.args.get("text", ""))
        return text + "".join(render(m, lang) for m in value.then)
    if isinstance(value, str):
        return value
    if isinstance(value, Level):
        return level_label(lang, value.field, value.level)
    if isinstance(value, Day):
        return format_date(value.value, lang)
    if isinstance(value, Money):
        return format_vnd(value.amount, lang)
    if isinstance(value, Joined):
        return render(value.sep, lang).join(render(item, lang) for item in value.items)
    if isinstance(value, Condition):
        return describe_condition(value, lang)
    if hasattr(value, "in_lang"):
        return str(value.in_lang(lang))
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("vi", ""))
    return str(value)


def _argument(value: Any, lang: str) -> Any:
    """Numbers stay numbers (a catalog template may format them); the rest becomes text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return render(value, lang)


def need_reason(need: Need, lang: str) -> str:
    """Why `need` was found, in `lang` (the `reason` of the Assessment JSON)."""
    return render(need.reason, lang)


class Renderer:
    """`render` for one language, remembering the text of each message object it has seen."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._done: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str:
        if value is None or isinstance(value, str):
            return value  # type: ignore[return-value]
        found = self._done.get(id(value))
        if found is None or found[0] is not value:
            found = (value, render(value, self.lang))  # holding the value keeps its id unique
            self._done[id(value)] = found
        return found[1]


# -- conditions (rules' `when:`, catalog eligibility) ----------------------------------------------


def _value(field: str, value: Any, lang: str) -> str:
    if field in QUALIFICATION_SCALES and isinstance(value, str):
        return level_label(lang, field, value)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if field == "gender":
        return t(lang, f"gender.{value}")
    names = naming.current()
    if field in ("position", "planning_pool") and names is not None:
        return names.position(str(value), lang)
    return str(value)


def describe_condition(condition: Condition, lang: str) -> str:
    """The condition in words of `lang` (attribute names and levels from the locale files)."""
    if condition.all is not None:
        return t(lang, "cond.and").join(describe_condition(c, lang) for c in condition.all)
    if condition.any is not None:
        return (
            "(" + t(lang, "cond.or").join(describe_condition(c, lang) for c in condition.any) + ")"
        )
    if condition.not_ is not None:
        return t(lang, "cond.not", condition=describe_condition(condition.not_, lang))
    field = condition.field or ""
    attr = t(lang, f"attr.{field}") if has(lang, f"attr.{field}") else field
    if condition.one_of is not None:
        values = ", ".join(_value(field, v, lang) for v in condition.one_of)
        return t(lang, "cond.one_of", attr=attr, values=values)
    for op, bound in (
        ("=", condition.equals),
        ("∋", condition.contains),
        ("≥", condition.at_least),
        ("≤", condition.at_most),
    ):
        if bound is not None:
            return f"{attr} {op} {_value(field, bound, lang)}"
    return attr


# -- input errors ---------------------------------------------------------------------------------
#
# `InputError` keeps its message in English for logs and library users; the CLI words it in the
# report language here. A fixed message is looked up as `error.msg.<message>`; a message with a
# detail in it (an exception's text, an id) matches one of these patterns, whose groups fill the
# locale template. What was expected is translated the same way (`error.expected.*`).

_MESSAGE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("error.pattern.not_json", r"^not valid JSON: (?P<detail>.*)$"),
        ("error.pattern.yaml", r"^YAML syntax error: (?P<detail>.*)$"),
        ("error.pattern.csv", r"^CSV syntax error: (?P<detail>.*)$"),
        ("error.pattern.workbook", r"^cannot read the workbook: (?P<detail>.*)$"),
        ("error.pattern.date", r"^invalid date: (?P<detail>.*)$"),
        ("error.pattern.duplicate_value", r"^duplicate value \(first on row (?P<row>\d+)\)$"),
        (
            "error.pattern.duplicate_session",
            r"^duplicate session id \(also in course (?P<course>.+)\)$",
        ),
        (
            "error.pattern.unknown_prerequisite",
            r"^course (?P<course>\S+): prerequisite names an unknown course$",
        ),
        ("error.pattern.course_unknown", r"^course (?P<course>\S+): unknown (?P<what>.+)$"),
        ("error.pattern.direction", r"^direction differs from row (?P<row>\d+)$"),
        (
            "error.pattern.duplicate_id",
            r"^duplicate (?P<what>\S+) id \(first defined at (?P<where>.+)\)$",
        ),
        ("error.pattern.unknown_band", r"^unit (?P<unit>.+): unknown distance band$"),
        (
            "error.pattern.no_limit",
            r"^limits\.(?P<name>\S+) is not given and rules/ has no value for it on (?P<on>.+)$",
        ),
        ("error.pattern.ambiguous", r"^ambiguous (?P<what>\S+) title$"),
        ("error.pattern.unknown_title", r"^unknown (?P<what>\S+) title$"),
        ("error.pattern.input_should", r"^Input should be (?P<what>.+)$"),
        ("error.pattern.value_error", r"^Value error, (?P<detail>.+)$"),
    )
)
_EXPECTED_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("error.expected.one_of", r"^one of (?P<values>.+)$"),
        ("error.expected.columns", r"^columns (?P<columns>.+)$"),
        ("error.expected.cells", r"^(?P<count>\d+) cells$"),
        ("error.expected.defined", r"^an? (?P<what>\S+) defined in rules/$"),
        ("error.expected.number_range", r"^a number (?P<low>-?\d+)-(?P<high>-?\d+)$"),
        (
            "error.expected.limit",
            r"^limits\.(?P<name>\S+) in case\.yaml or a parameter \S+ in rules/$",
        ),
        ("error.expected.titles", r"^a code or title; close: (?P<close>.+)$"),
        ("error.expected.mapping", r"^key: value lines, with the keys (?P<keys>.+)$"),
    )
)


def _localised(text: str, lang: str, prefix: str, patterns: Any) -> str:
    if has(lang, f"{prefix}{text}"):
        return t(lang, f"{prefix}{text}")
    for key, pattern in patterns:
        match = pattern.match(text)
        if match and has(lang, key):
            return t(lang, key, **match.groupdict())
    return text


def error_text(error: Exception, lang: str) -> str:
    """An input error in `lang`: where (file, line, row, column), what, the field (with its
    Vietnamese label when it has one), what was found and what was expected."""
    from planner.errors import InputError

    if not isinstance(error, InputError):
        return str(error)
    where = error.path or t(lang, "error.input")
    if error.line is not None:
        where += f":{error.line}"
    if error.row is not None:
        where += t(lang, "error.row", row=error.row)
    if error.column is not None:
        where += t(lang, "error.column", column=repr(error.column))
    parts = [f"{where}: {_localised(error.message, lang, 'error.msg.', _MESSAGE_PATTERNS)}"]
    if error.field is not None:
        label = repr(error.field)
        base = error.field.split(".")[-1]
        if has(lang, f"attr.{base}") and lang != "en":
            label = f"«{t(lang, f'attr.{base}')}» ({error.field})"
        parts.append(t(lang, "error.field", field=label))
    if error.found is not None:
        parts.append(t(lang, "error.found", found=repr(error.found)))
    if error.expected is not None:
        expected = _localised(error.expected, lang, "error.expected.", _EXPECTED_PATTERNS)
        parts.append(t(lang, "error.expected", expected=expected))
    return "; ".join(parts)


__all__ = ["Renderer", "describe_condition", "error_text", "need_reason", "render"]
