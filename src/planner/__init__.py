"""planner: training-needs assessment and optimised training plans for Vietnamese cadres and
civil servants (đào tạo, bồi dưỡng cán bộ, công chức).

Library use::

    from planner import pipeline
    from planner.report.text import need_reason
    case = pipeline.load("examples/thoi-binh")
    for need in pipeline.assess(case).needs[:3]:
        print(need.official_id, need.need, need_reason(need, "vi"))

`planner.pipeline` runs every step (load, assess, recommend, build, plan, check); results hold
facts (`planner.domain.message.Message`), which `planner.report` renders in Vietnamese or English.

The library logs to ``logging.getLogger("planner")`` and never configures handlers itself.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

logging.getLogger("planner").addHandler(logging.NullHandler())

# The public names are loaded on first use, so that importing one layer (e.g. `planner.optimise`)
# does not load the others (loading pulls in yaml, pydantic and networkx).
_PUBLIC = {
    "Assessment": "planner.assess.needs",
    "AssessmentContext": "planner.assess.needs",
    "Need": "planner.assess.needs",
    "assess": "planner.assess.needs",
    "assess_case": "planner.assess.needs",
    "Case": "planner.io.case",
    "CaseConfig": "planner.io.case",
    "Catalog": "planner.domain.catalog",
    "Course": "planner.domain.catalog",
    "Session": "planner.domain.catalog",
    "InfeasiblePlanError": "planner.errors",
    "InputError": "planner.errors",
    "PlannerError": "planner.errors",
    "Framework": "planner.law.framework",
    "Position": "planner.law.framework",
    "Rule": "planner.law.framework",
    "load_case": "planner.io.loading",
    "load_catalog": "planner.io.loading",
    "load_history": "planner.io.loading",
    "load_officials": "planner.io.loading",
    "load_rules": "planner.io.loading",
    "bundled_dir": "planner.io.loading",
    "Official": "planner.domain.profile",
    "TrainingRecord": "planner.domain.profile",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:
    # `name as name`: the re-export form, so that checkers see these names as public.
    from planner.assess.needs import (
        Assessment as Assessment,
        AssessmentContext as AssessmentContext,
        Need as Need,
        assess as assess,
        assess_case as assess_case,
    )
    from planner.domain.catalog import Catalog as Catalog, Course as Course, Session as Session
    from planner.domain.profile import Official as Official, TrainingRecord as TrainingRecord
    from planner.errors import (
        InfeasiblePlanError as InfeasiblePlanError,
        InputError as InputError,
        PlannerError as PlannerError,
    )
    from planner.io.case import Case as Case, CaseConfig as CaseConfig
    from planner.io.loading import (
        bundled_dir as bundled_dir,
        load_case as load_case,
        load_catalog as load_catalog,
        load_history as load_history,
        load_officials as load_officials,
        load_rules as load_rules,
    )
    from planner.law.framework import Framework as Framework, Position as Position, Rule as Rule


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
