"""Candidate courses per need (DESIGN §4 Recommendation JSON).

The data classes below are the contract between `recommend` and the optimiser; the function
`recommend(...)` fills them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

ExclusionCause = Literal["not_eligible", "prerequisite_missing", "already_completed", "no_session"]


@dataclass(frozen=True, slots=True)
class Candidate:
    course: str
    sessions: tuple[str, ...]  # ids of the course's sessions open in the horizon
    score: int  # higher is better; integer so the optimiser can reuse it
    reason: str
    closes: tuple[str, ...] = ()  # every need id of this official the course would close

    def to_dict(self) -> dict[str, Any]:
        return {"course": self.course, "sessions": list(self.sessions), "score": self.score,
                "reason": self.reason, "closes": list(self.closes)}


@dataclass(frozen=True, slots=True)
class Exclusion:
    course: str
    cause: ExclusionCause
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"course": self.course, "cause": self.cause, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Recommendation:
    official_id: str
    need: str
    candidates: tuple[Candidate, ...]
    excluded: tuple[Exclusion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"official_id": self.official_id, "need": self.need,
                "candidates": [c.to_dict() for c in self.candidates],
                "excluded": [e.to_dict() for e in self.excluded]}


@dataclass(frozen=True)
class Recommendations:
    reference_date: dt.date
    recommendations: list[Recommendation] = field(default_factory=list)
    overlaps: list[tuple[str, str]] = field(default_factory=list)  # catalog courses sharing content

    def to_dict(self) -> dict[str, Any]:
        return {"reference_date": self.reference_date.isoformat(),
                "recommendations": [r.to_dict() for r in self.recommendations],
                "overlapping_courses": [list(pair) for pair in self.overlaps]}
