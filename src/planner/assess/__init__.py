"""Needs assessment: each official's profile against the rules in force on the reference date."""

from planner.assess.needs import Assessment, AssessmentContext, Need, assess, assess_case
from planner.assess.targets import CompetencyNeed, NeedTarget, ProgrammeNeed, QualificationNeed

__all__ = [
    "Assessment",
    "AssessmentContext",
    "CompetencyNeed",
    "Need",
    "NeedTarget",
    "ProgrammeNeed",
    "QualificationNeed",
    "assess",
    "assess_case",
]
