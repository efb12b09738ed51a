"""The rescue of hard term needs (`greedy.rescue_forced`): a leader missing the term's knowledge
update takes the seat of a participant who closes no hard need; the rescue tries a bounded
number of participants per option (found through indexes, not by scanning the plan) and stops
at its deadline, keeping every other rule."""

from __future__ import annotations

import time

from tests.optimise.factory import make

from planner.optimise import greedy
from planner.optimise.constraints import term_coverage
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
