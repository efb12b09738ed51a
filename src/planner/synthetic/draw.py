"""Small deterministic helpers: weighted and uniform draws from one `random()` each, exact
apportioning, filling a block of posts, dates."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any

from planner.synthetic.profiles import Block


class Picker:
    """Weighted choice by bisecting cumulative weights: one `random()` per draw, and faster than
    `random.choices` for millions of draws."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, weights: Mapping[Any, float]) -> None:
        items = [(value, weight) for value, weight in weights.items() if weight > 0]
        if not items:
            raise ValueError("a weighted choice needs a positive weight")
        self.values = [value for value, _ in items]
        self.cumulative: list[float] = []
        total = 0.0
        for _, weight in items:
            total += weight
            self.cumulative.append(total)
        self.total = total
        # The last bound is infinite so float rounding can never index past the end.
        self.cumulative[-1] = float("inf")

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def pick_one(rng: random.Random, items: Sequence[Any]) -> Any:
    """Uniform choice from one `random()` (cheaper than `Random.choice` for millions of rows)."""
    return items[int(rng.random() * len(items))]


def pick_int(rng: random.Random, low: int, high: int) -> int:
    """Uniform integer in [low, high] from one `random()`."""
    return low + int(rng.random() * (high - low + 1))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` by `weights` into integers summing exactly to `total` (largest remainder)."""
    mass = sum(weights)
    raw = [total * w / mass for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - sizes[i]), i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def fill_block(block: Block, size: int, rng: random.Random) -> list[str]:
    """`size` posts: the core in order, then extras by weight while under their caps; when every
    cap is reached the uncapped extras (or the core again) take the rest."""
    posts = list(block.core[:size])
    counts: dict[str, int] = {}
    while len(posts) < size:
        open_extras = {p: w for p, w, cap in block.extras if cap is None or counts.get(p, 0) < cap}
        if not open_extras:
            posts.append(block.core[(len(posts) - len(block.core)) % len(block.core)])
            continue
        post = Picker(open_extras)(rng)
        counts[post] = counts.get(post, 0) + 1
        posts.append(post)
    return posts


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return dt.date.fromordinal(
        start.toordinal() + int(rng.random() * (end.toordinal() - start.toordinal()))
    )


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
