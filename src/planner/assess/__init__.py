"""Needs assessment: each official's profile against the rules in force on the reference date."""

from planner.assess.needs import Assessment, AssessmentContext, Need, assess, assess_case

__all__ = ["Assessment", "AssessmentContext", "Need", "assess", "assess_case"]
