"""OpenFisca-style YAML rule cases: `official` (+ `history`) on `reference_date` → expected needs.

Each file under tests/cases/rules/ (except catalog.yaml) is a list of cases:
  name, reference_date, [term], official (profile fields; required ones defaulted), [history],
  needs: expected needs (need id, rule, and any of target/reference/overdue/deadline/basis/
         current/reason_contains), absent: need ids that must not appear,
  priority_order: need ids from the most to the least urgent,
  subsumed: eligibility rules that apply but are folded into an unmet standard on the same field
         (`rule`, `by`: the standard's rule, optional `reference`): without the standard's rule
         the eligibility need appears; with it, only the standard's need does.
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
from planner.law.framework import Framework
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


def _run(case: dict[str, Any], framework: Framework = FRAMEWORK) -> dict[str, Any]:
    official = Official(**{**DEFAULT_OFFICIAL, **case["official"]})
    history = [
        TrainingRecord(official_id=official.id, **record) for record in case.get("history", [])
    ]
    term = case.get("term", {"start": 2026, "end": 2030})
    context = AssessmentContext(case["reference_date"], term["start"], term["end"])
    needs = Assessor(framework, CATALOG, context).assess_official(official, history)
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
    if "priority_order" in case:
        priorities = [needs[n].priority for n in case["priority_order"]]
        assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) == len(
            priorities
        ), f"{case['priority_order']}: {priorities}"
    for folded in case.get("subsumed", []):
        _check_subsumed(case, needs, folded)


def _check_subsumed(case: dict[str, Any], needs: dict[str, Any], folded: dict[str, Any]) -> None:
    standard = FRAMEWORK.rules[folded["by"]]
    assert standard.kind == "standard" and FRAMEWORK.rules[folded["rule"]].kind == "qualification"
    assert any(n.rule == standard.id for n in needs.values()), "the standard's need is missing"
    assert not any(n.rule == folded["rule"] for n in needs.values())
    without = FRAMEWORK.model_copy(
        update={"rules": {k: r for k, r in FRAMEWORK.rules.items() if k != standard.id}}
    )
    alone = {n.rule: n for n in _run(case, without).values()}
    assert folded["rule"] in alone, f"{folded['rule']} does not apply: {sorted(alone)}"
    if "reference" in folded:
        assert alone[folded["rule"]].reference.title == folded["reference"]["title"]
        if "article" in folded["reference"]:
            assert alone[folded["rule"]].reference.article == folded["reference"]["article"]


def test_every_rule_and_version_has_a_case() -> None:
    """At least one case per rule, and per version of a rule that changed on 1 July 2025."""
    covered: set[tuple[str, dt.date]] = set()
    for param in _cases():
        case = param.values[0]
        for expected in [*case.get("needs", []), *case.get("subsumed", [])]:
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


def test_a_course_meeting_standard_and_eligibility_closes_both_needs() -> None:
    """The advanced LLCT course closes the commune chair's unmet intermediate standard and the
    advanced eligibility; the intermediate course closes only the standard."""
    from planner.recommend.candidates import recommend

    official = Official(
        **{
            **DEFAULT_OFFICIAL,
            "position": "xa.chu_tich_ubnd",
            "political_theory": "so_cap",
            "appointed_on": dt.date(2025, 7, 1),
            "party_member": True,
            "ratings": ("good", "good"),
        }
    )
    on = dt.date(2026, 12, 1)
    catalog = load_catalog(bundled_dir("catalogs"), FRAMEWORK)
    needs = Assessor(FRAMEWORK, catalog, AssessmentContext(on, 2026, 2030)).assess_official(
        official, []
    )
    years = [2026, 2027, 2028, 2029, 2030]
    recs = recommend([official], needs, catalog, FRAMEWORK, [], years, on, (2026, 2030))
    closes: dict[str, set[str]] = {}
    for rec in recs.recommendations:
        for cand in rec.candidates:
            closes.setdefault(cand.course, set()).update(cand.closes or (rec.need,))
    both = {"standard:political_theory", "qualification:political_theory"}
    level = {c: catalog.courses[c].delivers.qualifications.get("political_theory") for c in closes}
    advanced = [c for c in closes if level[c] == "cao_cap"]
    intermediate = [c for c in closes if level[c] == "trung_cap"]
    assert advanced and intermediate, closes
    assert all(closes[c] >= both for c in advanced)
    assert all(both & closes[c] == {"standard:political_theory"} for c in intermediate)
