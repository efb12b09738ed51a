"""Names instead of ids in sentences: need ids (`competency:digital_skills`), course ids and
position ids made into the titles a reader knows, from the case the output is about.

The optimiser's messages carry ids (facts); the report layer words them. Which names apply
depends on the case (its framework and catalog), so the edge that has the case sets them for
the outputs it writes — `with using(Names.of(case)):` — and `planner.report.plan_text.render`
reads them; without a case (a saved plan re-rendered alone) ids stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.i18n import has, t

if TYPE_CHECKING:
    from planner.io.case import Case

# An id as the core writes it: a need id `kind:target` or a snake/dotted code.
_TOKEN = re.compile(r"[a-z][a-z0-9_]*:[a-z0-9_.]+|[a-z][a-z0-9_.]*[_.][a-z0-9_.]*[a-z0-9]")


@dataclass(frozen=True)
class Names:
    """Title of each id of one case, per language (`{lang: {id: title}}` built lazily)."""

    courses: dict[str, dict[str, str]] = field(default_factory=dict)
    competencies: dict[str, dict[str, str]] = field(default_factory=dict)
    programmes: dict[str, dict[str, str]] = field(default_factory=dict)
    positions: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, case: Case) -> Names:
        framework, catalog = case.framework, case.catalog

        def texts(value: object) -> dict[str, str]:
            in_lang = getattr(value, "in_lang", None)
            if in_lang is None:
                return {"vi": str(value), "en": str(value)}
            return {"vi": str(in_lang("vi")), "en": str(in_lang("en"))}

        return cls(
            courses={cid: texts(c.title) for cid, c in catalog.courses.items()},
            competencies={cid: texts(c.name) for cid, c in framework.competencies.items()},
            programmes={pid: texts(p.name) for pid, p in framework.programmes.items()},
            positions={pid: texts(p.title) for pid, p in framework.positions.items()},
        )

    def need(self, need_id: str, lang: str) -> str:
        """`competency:digital_skills` → 'Kỹ năng số'; an unknown id stays as it is."""
        kind, _, target = need_id.partition(":")
        if kind == "competency" and target in self.competencies:
            return self.competencies[target].get(lang, need_id)
        if kind == "programme" and target in self.programmes:
            return self.programmes[target].get(lang, need_id)
        if kind == "qualification" and has(lang, f"need.{target}"):
            return t(lang, f"need.{target}")
        if kind == "standard" and has(lang, f"need.{target}"):  # a title's standard not met
            return t(lang, "need.standard", need=t(lang, f"need.{target}"))
        return need_id

    def course(self, course_id: str, lang: str) -> str:
        found = self.courses.get(course_id)
        return found.get(lang, course_id) if found else course_id

    def position(self, position_id: str, lang: str) -> str:
        found = self.positions.get(position_id)
        return found.get(lang, position_id) if found else position_id

    def words(self, text: str, lang: str) -> str:
        """Every id inside `text` (needs, courses, positions) replaced by its title."""

        def one(match: re.Match[str]) -> str:
            token = match.group(0)
            if ":" in token:
                return self.need(token, lang)
            if token in self.courses:
                return self.course(token, lang)
            return self.position(token, lang)

        return _TOKEN.sub(one, text)


_CURRENT: ContextVar[Names | None] = ContextVar("planner_names", default=None)


def current() -> Names | None:
    """The names set by the innermost `using`, if any."""
    return _CURRENT.get()


def set_case(case: Case) -> None:
    """Word the ids of `case` as names from now on in this context (a CLI command runs in a
    context of its own, `planner.cli.common.GuardedGroup`)."""
    _CURRENT.set(Names.of(case))


@contextmanager
def using(names: Names | None) -> Iterator[None]:
    """Render ids as names of `names` while the block runs (the CLI sets it per command)."""
    token = _CURRENT.set(names)
    try:
        yield
    finally:
        _CURRENT.reset(token)


__all__ = ["Names", "current", "set_case", "using"]
