"""What a need asks for: the framework's target types (`planner.law.framework`) with every
parameter resolved on the reference date, as one tagged union (`NeedTarget`).

`QualificationNeed`, `CompetencyNeed` and `ProgrammeNeed` mirror `QualificationTarget`,
`CompetencyTarget` and `ProgrammeTarget`, but hold numbers where the rule may name a parameter
(`count`, `periods`, `min_days`). Read them with `isinstance` or `match`; `to_dict` is the
`target` object of the Assessment JSON (DESIGN §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from planner.types import QUALIFICATION_SCALES

Window = Literal["ever", "term", "year"]


@dataclass(frozen=True, slots=True)
class QualificationNeed:
    """A qualification `field` (education, political theory, state management) at `level`.

    `standard`: the level is a title or grade standard the holder must already meet (need id
    `standard:<field>`); otherwise it is the level of a programme the official may be sent to
    (need id `qualification:<field>`). A course giving the level closes either; one giving a
    level that meets both closes both needs.
    """

    field: str
    level: str
    standard: bool = False

    @property
    def key(self) -> str:
        return f"{'standard' if self.standard else 'qualification'}:{self.field}"

    @property
    def rank(self) -> int:
        """Position of `level` on the field's scale (higher: more demanding)."""
        return QUALIFICATION_SCALES[self.field].index(self.level)

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "level": self.level}


@dataclass(frozen=True, slots=True)
class CompetencyNeed:
    """A competency at `level` (1-5)."""

    competency: str
    level: int

    @property
    def key(self) -> str:
        return f"competency:{self.competency}"

    def to_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "level": self.level}


@dataclass(frozen=True, slots=True)
class ProgrammeNeed:
    """A programme completed `count` times within `window` (only courses of at least `min_days`
    days count; 0: any), or, with `periods`, that many tiết of counted courses within it."""

    programme: str
    window: Window = "ever"
    count: int = 1
    periods: int | None = None
    min_days: int = 0
    # Required of everyone it applies to within the term (rules/: the programme's term_coverage),
    # a hard rule of the plan; not part of the Assessment JSON's target.
    term_coverage: bool = False

    @property
    def key(self) -> str:
        return f"programme:{self.programme}"

    @property
    def required(self) -> int:
        """The number the need asks for: periods for a periods target, else the count."""
        return self.periods if self.periods is not None else self.count

    def to_dict(self) -> dict[str, Any]:
        if self.periods is not None:
            return {"programme": self.programme, "periods": self.periods, "window": self.window}
        out: dict[str, Any] = {"programme": self.programme, "count": self.count}
        out["window"] = self.window
        if self.min_days:
            out["min_days"] = self.min_days
        return out


NeedTarget = QualificationNeed | CompetencyNeed | ProgrammeNeed


__all__ = ["CompetencyNeed", "NeedTarget", "ProgrammeNeed", "QualificationNeed", "Window"]
