"""The LP relaxation's prices (`optimise/duals.py`): on cases small enough to price by hand, one
more million on a binding budget line and one more seat in a full session are worth exactly
what the relaxation gains; a slack line or session is worth nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.optimise.factory import make

from planner import pipeline
from planner.optimise import duals
from planner.optimise.instance import Limits

LINE = (2026, "ngan_sach_tinh")
MILLION = 1_000_000
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"


def three_officials(*, budget: int, seats: int, weight: int = 10):  # type: ignore[no-untyped-def]
    """Three officials, one need each (priority `weight`), one course costing one million VND a
    participant, one session of `seats` seats, one budget line of `budget` VND; a second line
    (2026 co_quan) charged by nobody's binding cost."""
    people = [("A", "u1"), ("B", "u1"), ("C", "u1")]
    return make(
        officials=people,
        needs=[{"id": "n", "official": p, "weight": weight} for p, _ in people],
        courses=[{"id": "c"}],
        sessions=[{"id": "s1", "course": "c", "start": "2026-03-02", "seats": seats}],
        options=[
            {"official": p, "session": "s1", "needs": ["n"], "cost": MILLION} for p, _ in people
        ],
        budgets={LINE: budget, (2026, "co_quan"): 0},
        limits=Limits(30, 1.0),  # the whole unit may be away: only money and seats bind
    )


def test_a_binding_line_is_worth_the_points_its_next_million_buys() -> None:
    # 1.5 M funds one and a half participants in the relaxation: the next million funds one
    # more whole participant (10 points); the seats (3) are not the limit
    prices = duals.lp_prices(three_officials(budget=3 * MILLION // 2, seats=3), time_limit=10)
    assert prices.status == "optimal"
    (line,) = [p for p in prices.lines if (p.year, p.source) == LINE]
    assert line.per_million == pytest.approx(10.0, abs=0.01)
    assert line.budget == 3 * MILLION // 2
    assert prices.lp_value == pytest.approx(15.0, abs=0.5)
    assert [s.per_seat for s in prices.seats] == [0.0]


def test_a_full_session_is_worth_a_seat_and_ample_money_nothing() -> None:
    prices = duals.lp_prices(three_officials(budget=10 * MILLION, seats=2), time_limit=10)
    assert prices.status == "optimal"
    (seat,) = prices.seats
    assert (seat.session, seat.course, seat.seats) == ("s1", "c", 2)
    assert seat.per_seat == pytest.approx(10.0, abs=0.01)
    assert {(p.year, p.source): p.per_million for p in prices.lines}[LINE] == 0.0


def test_the_next_million_can_buy_less_than_the_last() -> None:
    # 2.5 M: the last half million bought half a participant, the next only the remaining half
    # (the relaxation is capped by three officials), so 5 points, not 10
    prices = duals.lp_prices(three_officials(budget=5 * MILLION // 2, seats=3), time_limit=10)
    line = {(p.year, p.source): p.per_million for p in prices.lines}[LINE]
    assert line == pytest.approx(5.0, abs=0.01)


def test_prices_of_an_example_match_the_relaxation_re_solved() -> None:
    inst = pipeline.prepare(pipeline.load(EXAMPLE)).instance
    prices = duals.lp_prices(inst, time_limit=30)
    assert prices.status == "optimal"
    assert {(p.year, p.source) for p in prices.lines} == {(s.year, s.source) for s in inst.sessions}
    # the dearest line: its price is the relaxation's gain from one more million, re-solved
    # here from scratch on a changed case (not from the basis the prices came from)
    top = max(prices.lines, key=lambda p: p.per_million)
    assert top.per_million > 0
    budgets = dict(inst.budgets)
    budgets[(top.year, top.source)] += MILLION
    richer = duals.lp_prices(dataclasses.replace(inst, budgets=budgets), time_limit=30)
    assert richer.lp_value is not None and prices.lp_value is not None
    assert richer.lp_value - prices.lp_value == pytest.approx(top.per_million, abs=0.01)


def test_a_model_too_large_is_said_not_priced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duals, "MAX_COLUMNS", 1)
    prices = duals.lp_prices(three_officials(budget=MILLION, seats=3), time_limit=10)
    assert (prices.status, prices.lines, prices.seats) == ("too_large", (), ())
