"""Results hold facts; text is made at the edge (issue 12, item 2).

The core (assess, recommend, coverage, evaluate, validation) neither imports the message catalogs
nor takes a language; the report layer renders its messages, and the JSON it writes is the same
as the sentences the core used to write.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.assess.needs import assess_case
from planner.assess.targets import CompetencyNeed, ProgrammeNeed, QualificationNeed
from planner.domain.message import Day, Joined, Level, Message, Money
from planner.io.loading import load_case
from planner.recommend.candidates import recommend_case
from planner.report.assessment import assessment_dict
from planner.report.text import Renderer, need_reason, render

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"

CORE = (
    "planner.assess",
    "planner.assess.needs",
    "planner.assess.targets",
    "planner.recommend.candidates",
    "planner.recommend.eligibility",
    "planner.analysis.coverage",
    "planner.analysis.evaluate",
    "planner.analysis.validation",
)


def test_core_modules_do_not_import_the_message_catalogs() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "print(sorted(m for m in sys.modules if m in ('planner.i18n', 'babel') "
        "or m.startswith('planner.report')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module", CORE)
def test_core_functions_take_no_language(module: str) -> None:
    found = __import__(module, fromlist=["_"])
    for name, member in vars(found).items():
        if getattr(member, "__module__", None) != module:
            continue
        targets = [member]
        if inspect.isclass(member):
            targets = [m for m in vars(member).values() if inspect.isfunction(m)]
            fields = getattr(member, "__dataclass_fields__", None) or getattr(
                member, "model_fields", {}
            )
            assert "lang" not in fields, f"{module}.{name} stores a language"
        for target in targets:
            if inspect.isfunction(target):
                assert "lang" not in inspect.signature(target).parameters, f"{module}.{name}"


def test_render_words_every_kind_of_fact() -> None:
    message = Message(
        "recommend.candidate",
        {
            "course": {"vi": "Khóa A", "en": "Course A"},
            "mode": Message("mode.online"),
            "days": 3,
            "count": 1,
            "cost": Money(14_000_000),
            "first": Day(dt.date(2026, 3, 9)),
            "sessions": 2,
        },
    )
    vi, en = render(message, "vi"), render(message, "en")
    assert "Khóa A" in vi and "14.000.000 đ" in vi and "09/03/2026" in vi
    assert "Course A" in en and "14,000,000 VND" in en and "2026-03-09" in en
    assert render(Level("political_theory", "trung_cap"), "en") == "intermediate"
    assert render(Level("political_theory", None), "en") == "unknown"
    assert render(Joined((Message("field.education"), "x"), " "), "en") == "a degree of x"


def test_needs_carry_keys_and_typed_targets_and_json_renders_them() -> None:
    case = load_case(EXAMPLE)
    assessment = assess_case(case)
    kinds = {type(n.target) for n in assessment.needs}
    assert kinds <= {QualificationNeed, CompetencyNeed, ProgrammeNeed} and len(kinds) == 3
    need = assessment.needs[0]
    assert need.reason.key.startswith("reason.") and "citation" in need.reason.args
    data = assessment_dict(assessment, "en")
    assert data["needs"][0]["reason"] == need_reason(need, "en")
    assert data["needs"][0]["target"] == need.target.to_dict()
    json.dumps(data)  # plain JSON: no fact objects left
    # One language does not leak into another: the same result renders both.
    assert assessment_dict(assessment, "vi")["needs"][0]["reason"] == need_reason(need, "vi")


def test_recommendation_details_are_messages() -> None:
    case = load_case(EXAMPLE)
    recs = recommend_case(case, assess_case(case))
    text = Renderer("en")
    excluded = [e for r in recs.recommendations for e in r.excluded]
    assert excluded and all(isinstance(e.detail, Message) for e in excluded)
    assert all(isinstance(text(e.detail), str) and text(e.detail) for e in excluded)
    causes = {e.cause: e.detail.key for e in excluded}
    assert causes.get("not_eligible", "recommend.excluded.").startswith("recommend.excluded.")
