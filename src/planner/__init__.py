"""planner: training-needs assessment and optimised training plans for Vietnamese cadres and
civil servants (đào tạo, bồi dưỡng cán bộ, công chức).

Library use::

    import planner
    case = planner.load_case("examples/thoi-binh")
    needs = planner.assess_case(case)
    for need in needs.needs[:3]:
        print(need.official_id, need.need, need.reason)

The library logs to ``logging.getLogger("planner")`` and never configures handlers itself.
"""

from __future__ import annotations

import logging

from planner.assess import Assessment, AssessmentContext, Need, assess, assess_case
from planner.case import Case, CaseConfig
from planner.catalog import Catalog, Course, Session
from planner.errors import InfeasiblePlanError, InputError, PlannerError
from planner.framework import Framework, Position, Rule
from planner.loading import (
    load_case, load_catalog, load_history, load_officials, load_rules, bundled_dir,
)
from planner.profile import Official, TrainingRecord

logging.getLogger("planner").addHandler(logging.NullHandler())

__all__ = [
    "Assessment", "AssessmentContext", "Case", "CaseConfig", "Catalog", "Course", "Framework",
    "InfeasiblePlanError", "InputError", "Need", "Official", "PlannerError", "Position", "Rule",
    "Session", "TrainingRecord", "assess", "assess_case", "bundled_dir", "load_case",
    "load_catalog", "load_history", "load_officials", "load_rules",
]
