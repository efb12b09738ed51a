"""The rescue of hard term needs (`greedy.rescue_forced`): a leader missing the term's knowledge
update takes the seat of a participant who closes no hard need; the rescue tries a bounded
number of participants per option (found through indexes, not by scanning the plan) and stops
at its deadline, keeping every other rule."""

from __future__ import annotations

import time

from tests.optimise.factory import make

from planner.optimise import greedy
from planner.optimise.constraints import RULES, term_coverage
from planner.optimise.instance import Limits
from planner.optimise.state import PlanState

KU = "programme:knowledge_update_g3"


def one_seat_taken(others: int = 1):  # type: ignore[no-untyped-def]
    """Leader L (hard term need, horizon at the term's end) and `others` officials wanting the
    same one-seat session for an ordinary need; the seat is taken by the first of them."""
    people = [("L", "u1")] + [(f"P{k}", "u1") for k in range(others)]
    return make(
        officials=people,
        years=(2030,),
        needs=[{"id": KU, "official": "L", "weight": 75, "kind": "mandatory", "term": True}]
        + [{"id": "skill", "official": p, "weight": 10} for p, _ in people[1:]],
        courses=[{"id": "ku", "kind": "knowledge_update"}],
        sessions=[{"id": "ku-1", "course": "ku", "start": "2030-03-02", "seats": 1}],
        options=[{"official": "L", "session": "ku-1", "needs": [KU]}]
        + [{"official": p, "session": "ku-1", "needs": ["skill"]} for p, _ in people[1:]],
    )


def taken(inst):  # type: ignore[no-untyped-def]
    state = PlanState(inst)
    state.add(1)  # P0's option holds the only seat
    return state


def test_the_leader_takes_the_seat_of_an_ordinary_participant() -> None:
    inst = one_seat_taken()
    forced = set(term_coverage.forced(inst))
    assert forced == {0}
    state = taken(inst)
    greedy.rescue_forced(inst, state, forced)
    assert state.met(0) and state.chosen == {0}


def test_past_its_deadline_the_rescue_leaves_the_plan_as_it_is() -> None:
    inst = one_seat_taken()
    state = taken(inst)
    greedy.rescue_forced(inst, state, set(term_coverage.forced(inst)), time.monotonic() - 1.0)
    assert state.chosen == {1} and not state.met(0)


def test_at_most_swap_tries_participants_are_tried_per_option() -> None:
    # many ordinary participants compete (same unit, same weeks, same budget line): the list of
    # candidates is capped, and the session's own participant comes first
    inst = one_seat_taken(others=3 * greedy.SWAP_TRIES)
    state = PlanState(inst)
    for o in range(2, len(inst.options)):
        state.add(o)  # ignoring the seat: many chosen rivals of the leader's option
    near = greedy._Neighbours.of(inst)
    candidates = greedy._swap_candidates(inst, state, 0, {0}, near)
    assert len(candidates) == greedy.SWAP_TRIES
    assert candidates == list(range(2, 2 + greedy.SWAP_TRIES))  # in index order: deterministic
    assert all(inst.options[p].session == inst.options[0].session for p in candidates)


def class_to_open_with_a_blocked_mover():  # type: ignore[no-untyped-def]
    """Leader L misses the term's update: the 2026 class (two seats) is full with M1 and M2,
    whose own update it meets, and the 2027 class needs two participants to open. M1 comes first
    among the 2027 candidates but cannot go: X, of M1's two-person unit, is away that week on
    another course, and the unit share lets one of two go at a time."""
    people = [("L", "u3"), ("M1", "u1"), ("X", "u1"), ("M2", "u2")]
    ku = {"kind": "mandatory", "weight": 75, "term": True}
    return make(
        officials=people,
        years=(2026, 2027),
        term=(2026, 2027),  # the horizon reaches the term's end: the update is a hard need
        limits=Limits(30, 0.3),
        needs=[{"id": KU, "official": p, **ku} for p in ("L", "M1", "M2")]
        + [{"id": "skill", "official": "X", "weight": 10}],
        courses=[{"id": "ku", "kind": "knowledge_update"}, {"id": "sk"}],
        sessions=[
            {"id": "ku-2026", "course": "ku", "start": "2026-03-02", "seats": 2},
            {"id": "ku-2027", "course": "ku", "start": "2027-03-01", "seats": 10, "min": 2},
            {"id": "sk-2027", "course": "sk", "start": "2027-03-01", "seats": 5},
        ],
        options=[
            {"official": "L", "session": "ku-2026", "needs": [KU]},  # 0
            {"official": "L", "session": "ku-2027", "needs": [KU]},  # 1
            {"official": "M1", "session": "ku-2026", "needs": [KU]},  # 2
            {"official": "M1", "session": "ku-2027", "needs": [KU]},  # 3
            {"official": "M2", "session": "ku-2026", "needs": [KU]},  # 4
            {"official": "M2", "session": "ku-2027", "needs": [KU]},  # 5
            {"official": "X", "session": "sk-2027", "needs": ["skill"]},  # 6
        ],
    )


def test_a_class_opened_for_a_leader_passes_over_a_mover_another_rule_blocks() -> None:
    inst = class_to_open_with_a_blocked_mover()
    forced = set(term_coverage.forced(inst))
    assert forced == {0, 1, 2}
    state = PlanState(inst, {2, 4, 6})  # M1 and M2 in the 2026 class, X on the 2027 course
    greedy.rescue_forced(inst, state, forced)
    assert all(state.met(n) for n in forced)
    assert state.chosen == {1, 2, 5, 6}  # M2 moved to 2027 with L; M1 stays in 2026
    assert not [v for rule in RULES for v in rule.check(inst, state)]
