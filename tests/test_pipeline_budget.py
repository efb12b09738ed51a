"""The time limit as a promise: how `pipeline.budget` splits it (the wall times themselves are
measured in benchmarks/wall.py, not here)."""

from __future__ import annotations

from pathlib import Path

from planner import pipeline

MINI = Path(__file__).resolve().parent / "fixtures" / "cases" / "mini"


def test_the_solver_gets_what_loading_and_writing_leave() -> None:
    prepared = pipeline.prepare(pipeline.load(MINI))
    needs = len(prepared.instance.needs)
    share = pipeline.budget(10.0, 2.5, prepared, "json")
    assert share.writing == round(pipeline.WRITE_S_PER_NEED["json"] * needs, 3)
    assert share.solve == round(10.0 - 2.5 - share.writing, 3) and not share.over
    # loading took the whole limit: the solver still gets its floor, and the overrun is flagged
    late = pipeline.budget(10.0, 12.0, prepared, "html")
    assert late.over and late.solve == max(pipeline.MIN_SOLVE_S, 1.0)


def test_process_age_is_the_time_since_this_process_started() -> None:
    age = pipeline.process_age()
    assert age is None or age > 0
