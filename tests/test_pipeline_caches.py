"""The caches of assess and recommend change nothing: assessing and recommending a whole
generated province at once (where officials share cached verdicts) gives, official by official,
what a fresh assessor and recommender give for that official alone."""

from __future__ import annotations

import dataclasses

import pytest

from planner.assess.needs import AssessmentContext, Assessor, assess_case
from planner.io.loading import load_case
from planner.recommend.candidates import Recommender, recommend_case
from planner.synthetic.generate import GeneratorOptions, generate_case


@pytest.fixture(scope="module", params=["role", "individual"])
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp(f"province-{request.param}")
    generate_case(
        GeneratorOptions(officials=400, years=(2026, 2027, 2028), seed=3, needs=request.param), out
    )
    return load_case(out)


def test_shared_caches_equal_one_official_at_a_time(case) -> None:  # type: ignore[no-untyped-def]
    assessment = assess_case(case)
    recommendations = recommend_case(case, assessment)
    context = AssessmentContext(case.reference_date, case.config.term.start, case.config.term.end)
    history: dict[str, list] = {}  # type: ignore[type-arg]
    for record in case.history:
        history.setdefault(record.official_id, []).append(record)
    by_official: dict[str, list] = {}  # type: ignore[type-arg]
    for need in assessment.needs:
        by_official.setdefault(need.official_id, []).append(need)
    recs_by_official: dict[str, list] = {}  # type: ignore[type-arg]
    for rec in recommendations.recommendations:
        recs_by_official.setdefault(rec.official_id, []).append(rec)
    term = (case.config.term.start, case.config.term.end)
    for official in case.officials:
        records = history.get(official.id, [])
        alone = Assessor(case.framework, case.catalog, context).assess_official(official, records)
        assert alone == by_official.get(official.id, [])
        recommender = Recommender(
            case.catalog, case.framework, case.config.years, case.reference_date, term
        )
        fresh = recommender.recommend_official(official, alone, records)
        assert [dataclasses.asdict(r) for r in fresh] == [
            dataclasses.asdict(r) for r in recs_by_official.get(official.id, [])
        ]
