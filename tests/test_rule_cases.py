"""OpenFisca-style YAML rule cases: `official` (+ `history`) on `reference_date` → expected needs.

Each file under tests/cases/rules/ (except catalog.yaml) is a list of cases:
  name, reference_date, [term], official (profile fields; required ones defaulted), [history],
  needs: expected needs (need id, rule, and any of target/reference/overdue/deadline/basis/
         current/reason_contains), absent: need ids that must not appear.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.assess.needs import AssessmentContext, Assessor
from planner.domain.profile import Official, TrainingRecord
from planner.io.loading import bundled_dir, load_catalog, load_rules
from planner.report.text import need_reason

CASES_DIR = Path(__file__).parent / "cases" / "rules"
FRAMEWORK = load_rules(bundled_dir("rules"))
CATALOG = load_catalog(CASES_DIR / "catalog.yaml", FRAMEWORK)
DEFAULT_OFFICIAL: dict[str, Any] = {
    "id": "T1",
    "full_name": "Nguyễn Văn Thử",
    "unit": "Xã Thử",
    "birth_date": dt.date(1985, 1, 1),
    "gender": "male",
    "education": "dai_hoc",
    "political_theory": "trung_cap",
}


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        if path.name == "catalog.yaml":
            continue
        params.extend(
            pytest.param(case, id=f"{path.stem}: {case['name']}")
            for case in yaml.safe_load(path.read_text(encoding="utf-8"))
        )
    return params


def _run(case: dict[str, Any]) -> dict[str, Any]:
    official = Official(**{**DEFAULT_OFFICIAL, **case["official"]})
    history = [
        TrainingRecord(official_id=official.id, **record) for record in case.get("history", [])
    ]
    term = case.get("term", {"start": 2026, "end": 2030})
    context = AssessmentContext(case["reference_date"], term["start"], term["end"])
    needs = Assessor(FRAMEWORK, CATALOG, context).assess_official(official, history)
    return {n.need: n for n in needs}


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict[str, Any]) -> None:
    needs = _run(case)
    for expected in case.get("needs", []):
        assert expected["need"] in needs, f"expected need {expected['need']}, got {sorted(needs)}"
        need = needs[expected["need"]]
        assert need.rule == expected["rule"]
        reason = need_reason(need, case.get("lang", "vi"))
        assert need.reference.title and reason and need.reason.key.startswith("reason.")
        if "reference" in expected:
            assert need.reference.title == expected["reference"]["title"]
            if "article" in expected["reference"]:
                assert need.reference.article == expected["reference"]["article"]
        if "target" in expected:
            assert need.target.to_dict() == expected["target"]
        for key in ("overdue", "deadline", "basis", "current"):
            if key in expected:
                assert getattr(need, key) == expected[key], key
        for fragment in expected.get("reason_contains", []):
            assert fragment in reason
    for absent in case.get("absent", []):
        assert absent not in needs, f"need {absent} should not arise: {needs.get(absent)}"


def test_every_rule_and_version_has_a_case() -> None:
    """At least one case per rule, and per version of a rule that changed on 1 July 2025."""
    covered: set[tuple[str, dt.date]] = set()
    for param in _cases():
        case = param.values[0]
        for expected in case.get("needs", []):
            rule = FRAMEWORK.rules[expected["rule"]]
            version = rule.version_on(case["reference_date"])
            assert version is not None
            covered.add((rule.id, version.effective_from))
    missing = [
        f"{rule.id}@{version.effective_from}"
        for rule in FRAMEWORK.rules.values()
        for version in rule.versions
        if (rule.id, version.effective_from) not in covered
    ]
    assert not missing, f"rule versions without a YAML case: {missing}"
