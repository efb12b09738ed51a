"""Hypothesis building blocks shared by the random-instance tests: options drawn for given
officials, needs and sessions, and the instance with a drawn budget and limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from tests.optimise.factory import make

from planner.optimise.instance import Instance, Limits


def finish(
    draw: Callable[[Any], Any],
    officials: list[tuple[str, str]],
    needs: list[dict],
    courses: list[dict],
    sessions: list[dict],
) -> Instance:
    """Draw options (each official × session, closing some of the official's needs), a budget
    and the days-away limit, and build the instance."""
    options = []
    for official, _ in officials:
        own = [n["id"] for n in needs if n["official"] == official]
        for session in sessions:
            if own and draw(st.booleans()):
                closes = draw(st.lists(st.sampled_from(own), min_size=1, unique=True))
                options.append(
                    {
                        "official": official,
                        "session": session["id"],
                        "needs": closes,
                        "cost": draw(st.sampled_from([0, 500_000, 2_000_000])),
                    }
                )
    budget = draw(st.sampled_from([0, 2_000_000, 5_000_000, 100_000_000]))
    return make(
        officials=officials,
        needs=needs,
        courses=courses,
        sessions=sessions,
        options=options,
        budgets={(2026, "ngan_sach_tinh"): budget},
        term=(2026, 2030),
        limits=Limits(max_days_away_per_year=draw(st.integers(2, 8)), max_share_away=0.5),
    )
