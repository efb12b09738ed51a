"""Facts for a sentence, not the sentence: what the core puts where a user will read text.

A `Message` is a locale key (`locales/<lang>.json`) and its arguments, like
`planner.optimise.state.Block`. Arguments are plain values (str, int, float) or the typed values
below, which only the report layer turns into words (`planner.report.text.render`):

- `Message`: a nested sentence or word (e.g. ``Message("field.political_theory")``);
- `Level`: a qualification level on its scale (or ``None``: not held);
- `Day`, `Money`: a date and an amount in VND, formatted per language;
- `Joined`: several values joined by a separator, itself a value (text or a `Message`);
- any object with ``in_lang(lang)`` (a `LocalizedText` title or name) or a mapping of language to
  text;
- a `planner.law.conditions.Condition`, described in words.

Nothing here imports the message catalogs: the core builds facts, the edge makes text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, eq=True)
class Message:
    """A locale key and its arguments (rendered by `planner.report.text.render`); `then` are
    messages appended to it. The key "" is a text already made elsewhere (`args["text"]`)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)
    then: tuple[Message, ...] = ()

    __hash__ = None  # type: ignore[assignment]  # args is a dict

    def plus(self, *more: Message) -> Message:
        return Message(self.key, self.args, self.then + more)


@dataclass(frozen=True, slots=True)
class Level:
    """A level of a qualification field (`types.QUALIFICATION_SCALES`); None: not held."""

    field: str
    level: str | None


@dataclass(frozen=True, slots=True)
class Day:
    """A date, written dd/mm/yyyy in Vietnamese and ISO in English."""

    value: dt.date


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in VND."""

    amount: int


@dataclass(frozen=True, slots=True)
class Joined:
    """`items` rendered and joined by `sep` (text, or a `Message` such as ``cond.and``)."""

    items: tuple[Any, ...]
    sep: Any = ", "


__all__ = ["Day", "Joined", "Level", "Message", "Money"]
