"""Every cause of an unmet need is true of the plan it explains: each cause is checked here
against the plan and the instance (seats used, classes run, money spent, days away, history),
never against the explanation code's own reasoning."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from planner import pipeline
from planner.optimise.explain import COUPLED_CAUSES, GAP_WARNING
from planner.optimise.solve import SolveConfig
from planner.report.plan import plan_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


def _solve(folder: Path, time_limit: float = 3):  # type: ignore[no-untyped-def]
    prepared = pipeline.prepare(pipeline.load(folder))
    return prepared, pipeline.plan(prepared, SolveConfig(time_limit=time_limit))


@pytest.fixture(scope="module")
def thoi_binh():  # type: ignore[no-untyped-def]
    return _solve(EXAMPLES / "thoi-binh")


@pytest.fixture(scope="module")
def thoi_binh_stopped():  # type: ignore[no-untyped-def]
    """Thới Bình stopped early on work, not on the clock (a 3 s limit proves it on an idle
    machine): one branch-and-bound node, so the plan is unproved on any machine."""
    prepared = pipeline.prepare(pipeline.load(EXAMPLES / "thoi-binh"))
    return prepared, pipeline.plan(prepared, SolveConfig(time_limit=60, work_limit=1))


@pytest.fixture(scope="module")
def danh_gia():  # type: ignore[no-untyped-def]
    return _solve(EXAMPLES / "danh-gia-2025")


@pytest.fixture(scope="module")
def tight_mini(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The mini case with one seat per session, three days away a year and money to spare:
    seats and time away become what blocks."""
    folder = tmp_path_factory.mktemp("tight") / "case"
    shutil.copytree(MINI, folder)
    catalog = yaml.safe_load((folder / "catalog.yaml").read_text(encoding="utf-8"))
    for course in catalog["courses"]:
        for session in course["sessions"]:
            session["seats"] = 1
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    case["limits"] = {"max_days_away_per_year": 3}
    for line in case["budget"]:
        line["amount"] = 10_000_000_000  # money never blocks here
    (folder / "case.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), "utf-8")
    return _solve(folder, 5)


def _of(plan, cause: str):  # type: ignore[no-untyped-def]
    found = [u for u in plan.unmet if u.cause == cause]
    assert found, f"no unmet need with cause {cause}: {Counter(u.cause for u in plan.unmet)}"
    return found


def _sessions(prepared):  # type: ignore[no-untyped-def]
    return {s.id: (i, s) for i, s in enumerate(prepared.instance.sessions)}


def _takers(prepared) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """session id → officials with an option on it (anyone the build found eligible)."""
    inst = prepared.instance
    out: dict[str, set[str]] = defaultdict(set)
    for option in inst.options:
        out[inst.sessions[option.session].id].add(inst.officials[option.official].id)
    return out


def _attending(plan) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(a.session for a in plan.assignments)


def test_below_minimum_means_fewer_can_attend_than_the_class_minimum(thoi_binh) -> None:
    prepared, plan = thoi_binh
    sessions, takers, running = _sessions(prepared), _takers(prepared), _attending(plan)
    for u in _of(plan, "below_minimum"):
        sid = u.detail.args["session"]
        session = sessions[sid][1]
        assert len(takers[sid]) < session.min_participants, (sid, len(takers[sid]))
        assert running[sid] == 0


def test_not_opened_means_enough_could_attend_but_the_plan_runs_no_class(thoi_binh) -> None:
    prepared, plan = thoi_binh
    sessions, takers, running = _sessions(prepared), _takers(prepared), _attending(plan)
    for u in _of(plan, "not_opened"):
        sid = u.detail.args["session"]
        assert running[sid] == 0, sid
        assert len(takers[sid]) >= sessions[sid][1].min_participants
        assert u.official_id in takers[sid]


def test_content_held_means_the_official_attends_a_course_with_that_content(danh_gia) -> None:
    prepared, plan = danh_gia
    attends = {(a.official_id, a.session): a for a in plan.assignments}
    for u in _of(plan, "content_held"):
        args = u.detail.args
        a = attends.get((u.official_id, args["other"]))
        assert a is not None, (u.official_id, args)
        assert a.course == args["course"]


def test_already_passed_matches_a_passed_course_in_the_history(thoi_binh) -> None:
    prepared, plan = thoi_binh
    case = prepared.case
    titles = {c.title.vi: c.id for c in case.catalog.courses.values()}
    passed = {
        (h.official_id, h.course, h.completed_on)
        for h in case.history
        if str(getattr(h.result, "value", h.result)) == "passed"
    }
    for u in _of(plan, "already_passed"):
        course = titles[u.detail.args["course"].vi]
        day = u.detail.args["date"].value
        assert (u.official_id, course, day) in passed


def test_time_clash_means_the_official_attends_an_overlapping_session(danh_gia) -> None:
    prepared, plan = danh_gia
    sessions = _sessions(prepared)
    attends = {(a.official_id, a.session) for a in plan.assignments}
    for u in _of(plan, "time_clash"):
        args = u.detail.args
        assert (u.official_id, args["other"]) in attends
        mine, other = sessions[args["session"]][1], sessions[args["other"]][1]
        assert mine.start <= other.end and other.start <= mine.end


def test_budget_means_the_line_cannot_pay_for_the_class(danh_gia) -> None:
    prepared, plan = danh_gia
    budgets = prepared.instance.budgets
    for u in _of(plan, "budget"):
        args = u.detail.args
        key = (int(args["year"]), args["source"])
        spent = plan.totals["cost"].get(str(key[0]), {}).get(key[1], 0)
        left = budgets.get(key, 0) - spent
        assert args["missing"] > 0 and args["cost"] - left == args["missing"], (args, left)


def test_seats_means_the_session_is_full(tight_mini) -> None:
    prepared, plan = tight_mini
    sessions, running = _sessions(prepared), _attending(plan)
    for u in _of(plan, "seats"):
        sid = u.detail.args["session"]
        assert running[sid] == sessions[sid][1].seats == 1


def test_time_away_means_the_days_of_that_year_are_used(tight_mini) -> None:
    prepared, plan = tight_mini
    sessions = _sessions(prepared)
    limit = prepared.case.config.limits.max_days_away_per_year
    for u in _of(plan, "time_limit_per_official"):
        args = u.detail.args
        used = sum(
            sessions[a.session][1].days
            for a in plan.assignments
            if a.official_id == u.official_id and a.year == int(args["year"])
        )
        assert used == args["used"] and used + args["days"] > limit == args["limit"]


def test_solver_stopped_replaces_shared_causes_only_when_the_gap_is_above_one_percent(
    thoi_binh_stopped,
) -> None:
    prepared, plan = thoi_binh_stopped
    assert plan.gap > GAP_WARNING  # one node is far too little for this case to be proved
    saved = json.loads(plan_json(plan, "vi"))
    raw = Counter(u.cause for u in plan.unmet)
    now = Counter(u["cause"] for u in saved["unmet"])
    assert now["solver_stopped"] == sum(raw[c] for c in COUPLED_CAUSES) > 0
    assert all(now[c] == 0 for c in COUPLED_CAUSES)
    stopped = next(u for u in saved["unmet"] if u["cause"] == "solver_stopped")
    assert "bộ giải dừng" in stopped["detail"] and "%" in stopped["detail"]
    # Causes of one official alone stay as they are.
    for cause in ("below_minimum", "already_passed", "time_clash"):
        assert now[cause] == raw[cause]


def test_a_proved_plan_keeps_every_cause(tight_mini) -> None:
    _, plan = tight_mini
    assert plan.gap <= GAP_WARNING
    saved = json.loads(plan_json(plan, "vi"))
    assert [u["cause"] for u in saved["unmet"]] == [u.cause for u in plan.unmet]
    assert "solver_stopped" not in {u["cause"] for u in saved["unmet"]}


def test_history_dates_are_dates() -> None:
    # the already_passed check compares dates: the history loader must give dates
    case = pipeline.load(EXAMPLES / "thoi-binh")
    assert all(isinstance(h.completed_on, dt.date) for h in case.history)


def test_no_warning_when_the_plan_is_proved(tight_mini) -> None:
    from planner.report.plan_report import gap_warning, suggested_time

    _, plan = tight_mini
    assert gap_warning(plan, "vi") == "" and suggested_time(plan) == 0
