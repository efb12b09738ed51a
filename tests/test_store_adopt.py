"""Adopting a plan: its attendance, with the results and evaluation recorded afterwards, is next
year's history, so the next assessment sees those courses without anyone re-typing them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.store_support import BACKENDS, fresh_database

from planner import pipeline
from planner.cli import cli
from planner.io.case import Case
from planner.optimise.solve import SolveConfig
from planner.report.plan import plan_json
from planner.store import RunStateError, StaleCaseError, Store, open_store

ROOT = Path(__file__).resolve().parents[1]
THOI_BINH = ROOT / "examples" / "thoi-binh"
NEXT_REFERENCE = dt.date(2027, 1, 15)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with fresh_database(request.param, tmp_path) as url, open_store(url) as opened:
        yield opened


def _plan(loaded: Case) -> dict[str, Any]:
    prepared = pipeline.prepare(loaded)
    result = pipeline.plan(prepared, SolveConfig(engine="greedy", time_limit=10, seed=0))
    output: dict[str, Any] = json.loads(plan_json(result, "en"))
    return output


def test_adopted_plan_becomes_next_years_history(store: Store, tmp_path: Path) -> None:
    case = store.import_case(THOI_BINH)
    loaded = store.load(case.id)
    output = _plan(loaded)
    assert output["status"] in ("optimal", "feasible") and output["assignments"]
    run = store.save_run(case.id, "plan", settings={"engine": "greedy"}, status="finished",
                         output=output)  # fmt: skip
    attended = store.adopt_plan(run.id)
    assert len(attended) == len(output["assignments"])
    assert not any(a.recorded for a in attended)
    with pytest.raises(RunStateError, match="already"):
        store.adopt_plan(run.id)

    failed, evaluated = output["assignments"][0], output["assignments"][1]
    competency = next(n for n in evaluated["needs"] if n.startswith("competency:"))
    competency = competency.split(":", 1)[1]
    recorded = store.record_attendance(
        run.id,
        [
            {**_key(failed), "result": "failed"},
            {
                **_key(evaluated),
                "result": "passed",
                "feedback": 5,
                "score": 88,
                "competency_before": {competency: 1},
                "competency_after": {competency: 3},
            },
        ],
    )
    assert recorded == 2

    nxt = store.start_next_year(case.id)
    assert (nxt.reference_date, nxt.years, nxt.previous_case_id) == (NEXT_REFERENCE, (2027,), 1)
    assert nxt.name == "Thới Bình 2027"
    assert {year for year, _, _ in nxt.budget} == {2027}
    folder = tmp_path / "next"
    store.export_case(nxt.id, folder)
    following = pipeline.load(folder)  # a case folder like any other

    ended = [a for a in attended if a.completed_on < NEXT_REFERENCE]
    assert 0 < len(ended) < len(attended)  # the 2026-27 LLCT programme has not ended yet
    assert len(following.history) == len(loaded.history) + len(ended)
    records = {(r.official_id, r.course, r.session): r for r in following.history}
    for a in ended:
        assert (a.official_id, a.course, a.session) in records
    record = records[(evaluated["official_id"], evaluated["course"], evaluated["session"])]
    assert (record.result, record.feedback, record.score) == ("passed", 5, 88)
    assert (record.competency_before, record.competency_after) == ({competency: 1}, {competency: 3})
    assert records[(failed["official_id"], failed["course"], failed["session"])].result == (
        "failed"
    )

    # The assessment of next year's case sees the adopted courses: every need a passed course
    # closed is open in this year's case assessed on the same date, and gone next year — but
    # for the yearly training hours, which a new year asks for again.
    before = {(n.official_id, n.need) for n in pipeline.assess(loaded, NEXT_REFERENCE).needs}
    after = {(n.official_id, n.need): n for n in pipeline.assess(following).needs}
    ended_keys = {(a.official_id, a.course, a.session) for a in ended}
    closed = [
        (a["official_id"], need)
        for a in output["assignments"][1:]
        if (a["official_id"], a["course"], a["session"]) in ended_keys
        for need in a["needs"]
    ]
    assert len(closed) > 50
    assert all(need in before for need in closed)
    still_open = [need for need in closed if need in after]
    assert {getattr(after[need].target, "window", None) for need in still_open} <= {"year"}
    assert len(still_open) < len(closed) / 2
    # the failed course closes nothing
    assert all((failed["official_id"], need) in after for need in failed["needs"])


def test_only_a_finished_plan_of_the_current_case_is_adopted(store: Store) -> None:
    case = store.import_case(THOI_BINH)
    queued = store.save_run(case.id, "plan")
    with pytest.raises(RunStateError, match="not a finished plan"):
        store.adopt_plan(queued.id)
    assessment = store.save_run(case.id, "assessment", status="finished", output={"needs": []})
    with pytest.raises(RunStateError):
        store.adopt_plan(assessment.id)
    infeasible = store.save_run(case.id, "plan", status="finished",
                                output={"status": "infeasible", "assignments": []})  # fmt: skip
    with pytest.raises(RunStateError, match="infeasible"):
        store.adopt_plan(infeasible.id)
    with pytest.raises(RunStateError, match="no adopted plan"):
        store.start_next_year(case.id)
    plan = {"status": "feasible", "assignments": []}
    old = store.save_run(case.id, "plan", status="finished", output=plan)
    data = store.case_files(case.id)["case.yaml"].replace(b"Th\xe1\xbb\x9bi", b"Thoi")
    store.replace_case_files(case.id, {"case.yaml": data}, expected_version=case.version)
    with pytest.raises(StaleCaseError, match="plan again"):
        store.adopt_plan(old.id)  # planned on a case that has changed since


def _key(assignment: dict[str, Any]) -> dict[str, str]:
    return {k: assignment[k] for k in ("official_id", "course", "session")}


def test_store_cli_plan_adopt_next_year_assess(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--database", f"sqlite:///{tmp_path / 'p.db'}", "--lang", "en"]
    assert runner.invoke(cli, ["store", "import", str(THOI_BINH), *db]).exit_code == 0
    result = runner.invoke(cli, ["store", "plan", "1", "--engine", "greedy", *db])
    assert result.exit_code == 0, result.output
    assert "run 1, status feasible" in result.output or "run 1, status optimal" in result.output
    result = runner.invoke(cli, ["store", "adopt", "1", *db])
    assert result.exit_code == 0 and "attendances recorded" in result.output, result.output
    # the results come back as a table in the history format (e.g. from the LMS)
    with open_store(db[1]) as store:
        first, second = store.get_run(1).output["assignments"][:2]  # type: ignore[index]
    table = tmp_path / "ket-qua.csv"
    table.write_text(
        "official_id,course,session,completed_on,result,feedback,score\n"
        f"{first['official_id']},{first['course']},{first['session']},{first['end']},failed,2,\n"
        f"{second['official_id']},{second['course']},{second['session']},{second['end']},passed,5,91\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["store", "attendance", "1", str(table), *db])
    assert result.exit_code == 0 and "results of 2 attendances" in result.output, result.output
    wrong = tmp_path / "sai.csv"
    wrong.write_text(
        "official_id,course,session,completed_on,result\n"
        f"{first['official_id']},{first['course']},nope-2026,{first['end']},passed\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["store", "attendance", "1", str(wrong), *db])
    assert result.exit_code == 2 and "sai.csv: row 2" in result.output, result.output
    result = runner.invoke(cli, ["store", "next-year", "1", *db])
    assert result.exit_code == 0 and "Created next year's case 2" in result.output, result.output
    out = tmp_path / "next"
    assert runner.invoke(cli, ["store", "export", "2", str(out), *db]).exit_code == 0
    result = runner.invoke(cli, ["assess", str(out), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    needs = json.loads(result.output)
    assert needs["reference_date"] == "2027-01-15"
    history = (out / "history.csv").read_text(encoding="utf-8")
    assert (
        f"{first['official_id']},{first['course']},{first['session']},{first['end']},failed,2,"
        in history
    )
    assert (
        f"{second['official_id']},{second['course']},{second['session']},{second['end']},passed,5,91"
        in history
    )
    result = runner.invoke(cli, ["store", "adopt", "1", *db])
    assert result.exit_code == 2 and "already" in result.output
