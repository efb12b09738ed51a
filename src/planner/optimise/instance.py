"""The optimiser's input: a typed, solver-free, compact description of one planning problem.

Everything is keyed by integer indices into tuples (officials, needs, courses, sessions,
options) so that engines, the greedy heuristic and the checker share one representation and the
build stays O(options). Dates are proleptic ordinals (`datetime.date.toordinal()`), money is
integer VND. Nothing here knows about YAML, the Case or any solver.

A session's *class days* (`Session.blocks`, in-service programmes) are the one place where the
rules that read a session's dates look: `class_days_meet` (two sessions clash), `session_weeks`
(the unit share) and `holding_class` (the no-overlap cliques); `Session.days` already counts
class days only (build).

An *option* is one official × one candidate session: its participant cost (tuition plus travel
and lodging support), the needs it would close (already filtered by the deadline rule) and the
courses that must be taken earlier in the plan because the history does not already give them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from planner.domain.message import Message


@dataclass(frozen=True, slots=True)
class Official:
    id: str
    unit: int  # index into Instance.units


@dataclass(frozen=True, slots=True)
class Need:
    id: str  # the assessment's need id, e.g. "qualification:political_theory"
    official: int
    kind: str  # qualification | competency | mandatory
    weight: int  # the assessment's priority (overdue bonus included)
    deadline: int | None = None  # date ordinal
    overdue: bool = False
    required: int = 1  # sessions needed to close it (term coverage: count - already done)
    term: bool = False  # a term-coverage need (QĐ 145-QĐ/TW knowledge updates)
    # Counted by any course of some kinds (annual training periods): closing it again is no
    # repeated content, so it is credited once but not limited to one session.
    shared: bool = False
    # When no option can close it: the cause and the facts behind it (from recommend/build).
    cause: str | None = None
    detail: Message | None = None


def by_variable(need: Need) -> bool:
    """Whether a need is credited through its own 'met' variable (not through options)."""
    return need.required > 1 or need.shared


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    kind: str
    overlaps: tuple[int, ...] = ()  # other courses sharing content (no double content)
    prerequisites: tuple[int, ...] = ()  # courses that must be passed before


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    course: int
    year: int
    start: int  # date ordinal
    end: int  # date ordinal
    seats: int
    min_participants: int = 0
    class_cost: int = 0  # fixed VND spent only if the session runs
    source: str = "ngan_sach_tinh"  # funding source charged, in `year`
    days: int = 1  # duration_days: days of working time it takes
    away: bool = True  # in person or blended: the official is away from the unit
    location: str = ""
    # Class days of an in-service programme: runs (first, last ordinal) in date order, without
    # overlap, within start..end; empty: class on every day of the span (a full-time session).
    blocks: tuple[tuple[int, int], ...] = ()

    @property
    def class_blocks(self) -> tuple[tuple[int, int], ...]:
        """The runs of class days (the whole span when no blocks are given)."""
        return self.blocks or ((self.start, self.end),)

    def holds_class(self, day: int) -> bool:
        """Whether the session holds class on `day` (a date ordinal)."""
        if not self.blocks:
            return self.start <= day <= self.end
        k = bisect_right(self.blocks, (day, _LAST_DAY)) - 1
        return k >= 0 and self.blocks[k][1] >= day

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromordinal(self.start)

    @property
    def end_date(self) -> dt.date:
        return dt.date.fromordinal(self.end)


_LAST_DAY = dt.date.max.toordinal()


def class_days_meet(a: Session, b: Session) -> bool:
    """Whether two sessions hold class on a common day: one official cannot attend both. Spans
    that do not meet never do; otherwise the runs of class days are compared (so a short course
    between two blocks of an in-service programme does not clash with it)."""
    if a.start > b.end or b.start > a.end:
        return False
    if not a.blocks and not b.blocks:
        return True
    x, y = a.class_blocks, b.class_blocks
    i = j = 0
    while i < len(x) and j < len(y):
        if x[i][0] <= y[j][1] and y[j][0] <= x[i][1]:
            return True
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return False


@dataclass(frozen=True, slots=True)
class Option:
    official: int
    session: int
    cost: int  # participant cost in VND, charged to the session's source and year
    needs: tuple[int, ...]  # needs it closes (deadline rule applied)
    # Prerequisites to plan earlier: each group is satisfied by any one of its courses.
    pending: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class Limits:
    """The case's limits (`planner.io.case.Limits`, where their defaults live)."""

    max_days_away_per_year: int
    max_share_away: float


@dataclass(frozen=True)
class Instance:
    """One planning problem. Build it with `planner.optimise.build.build_instance` from a case,
    or directly (tests, other systems)."""

    name: str
    years: tuple[int, ...]
    term: tuple[int, int]
    officials: tuple[Official, ...]
    units: tuple[str, ...]
    needs: tuple[Need, ...]
    courses: tuple[Course, ...]
    sessions: tuple[Session, ...]
    options: tuple[Option, ...]
    limits: Limits
    budgets: Mapping[tuple[int, str], int] = field(default_factory=dict)
    # History: (official, course) → ordinal of the last passed completion (prerequisites).
    passed: Mapping[tuple[int, int], int] = field(default_factory=dict)
    reference_day: int | None = None  # ordinal of the case's reference date

    # -- derived indices (computed once, O(options)) ---------------------------------------------

    @property
    def horizon(self) -> tuple[int, int]:
        """First and last day a deadline restricts: a deadline on or before the reference
        date (overdue, or due "immediately") or after the last year does not restrict."""
        first = dt.date(self.years[0], 1, 1).toordinal()
        if self.reference_day is not None:
            first = max(first, self.reference_day + 1)
        return first, dt.date(self.years[-1], 12, 31).toordinal()

    @property
    def term_is_hard(self) -> bool:
        """Term coverage is a hard rule when the horizon reaches the end of the term."""
        return self.years[-1] >= self.term[1]

    @cached_property
    def unit_staff(self) -> tuple[int, ...]:
        counts = [0] * len(self.units)
        for official in self.officials:
            counts[official.unit] += 1
        return tuple(counts)

    @cached_property
    def unit_cap(self) -> tuple[int, ...]:
        """Officials of a unit that may be away in the same week: floor(share × staff), at
        least 1 (otherwise a unit smaller than 1/share could never send anyone)."""
        share = self.limits.max_share_away
        return tuple(max(1, int(share * staff + 1e-9)) for staff in self.unit_staff)

    @cached_property
    def _option_ints(self) -> list[int]:
        # One int object per option index, shared by every index below (at 12.6 million
        # options a separate int per reference costs about 1 GB).
        return list(range(len(self.options)))

    @cached_property
    def options_by_session(self) -> tuple[tuple[int, ...], ...]:
        ints = self._option_ints
        return _group(
            len(self.sessions), ((o.session, ints[i]) for i, o in enumerate(self.options))
        )

    @cached_property
    def options_by_official(self) -> Sequence[Sequence[int]]:
        officials = [o.official for o in self.options]
        if all(a <= b for a, b in zip(officials, officials[1:], strict=False)):
            # built official by official (build_instance): a range per official, no int objects
            starts = [bisect_left(officials, k) for k in range(len(self.officials) + 1)]
            return tuple(range(starts[k], starts[k + 1]) for k in range(len(self.officials)))
        ints = self._option_ints
        return _group(len(self.officials), ((k, ints[i]) for i, k in enumerate(officials)))

    @cached_property
    def options_by_need(self) -> tuple[tuple[int, ...], ...]:
        ints = self._option_ints
        return _group(
            len(self.needs), ((n, ints[i]) for i, o in enumerate(self.options) for n in o.needs)
        )

    @cached_property
    def earlier_by_group(self) -> dict[tuple[int, tuple[int, ...]], tuple[int, ...]]:
        """(option, one of its pending prerequisite groups) → the official's options on a
        course of that group whose session ends before the option's starts. The prerequisites
        rule asks it of every option it checks, and the greedy checks options many times
        over (2,000 officials × 5 years: 85,793 scans of the official's options per greedy
        order)."""
        sessions, options = self.sessions, self.options
        out: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = {}
        for o, option in enumerate(options):
            if not option.pending:
                continue
            start = sessions[option.session].start
            mine = self.options_by_official[option.official]
            for group in option.pending:
                out[(o, group)] = tuple(
                    p
                    for p in mine
                    if sessions[options[p].session].course in group
                    and sessions[options[p].session].end < start
                )
        return out

    # -- compact pickling (the benchmark caches instances; other systems may too) ------------------

    def __getstate__(self) -> dict[str, object]:
        """Options as flat arrays: pickle writes every int by value, so 12.6 million Option
        objects came back as ~5 GB of separate ints; rebuilt with shared ones in __setstate__."""
        import numpy as np

        names = {f.name for f in dataclasses.fields(self)} - {"options"}  # not cached indices
        state = {k: v for k, v in self.__dict__.items() if k in names}
        options = self.options
        state["_options"] = {
            "official": np.fromiter(
                (o.official for o in options), dtype=np.int64, count=len(options)
            ),
            "session": np.fromiter(
                (o.session for o in options), dtype=np.int64, count=len(options)
            ),
            "cost": np.fromiter((o.cost for o in options), dtype=np.int64, count=len(options)),
            "needs_count": np.fromiter(
                (len(o.needs) for o in options), dtype=np.int64, count=len(options)
            ),
            "needs": np.fromiter((n for o in options for n in o.needs), dtype=np.int64),
            "pending": tuple(o.pending for o in options),  # mostly the one empty tuple
        }
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        if "_options" not in state:  # pickled before the compact form
            self.__dict__.update(state)
            return
        import numpy as np

        packed = state.pop("_options")
        shared: dict[object, object] = {}

        def one(value: object) -> object:
            return shared.setdefault(value, value)

        sized = [state[k] for k in ("officials", "sessions", "needs")]
        ints = list(range(max(len(x) for x in sized if isinstance(x, tuple)) + 1))
        official, session, cost = packed["official"], packed["session"], packed["cost"]  # type: ignore[index]
        needs, pending = packed["needs"], packed["pending"]  # type: ignore[index]
        ends = np.cumsum(packed["needs_count"])  # type: ignore[index]
        built: list[Option] = []
        for a in range(0, len(official), _CHUNK):  # in chunks: no full-length Python lists at once
            b = min(a + _CHUNK, len(official))
            first = int(ends[a - 1]) if a else 0
            flat = [ints[n] for n in needs[first : int(ends[b - 1])].tolist()]
            stops = (ends[a:b] - first).tolist()
            starts = [0] + stops[:-1]
            built.extend(
                Option(ints[k], ints[s], one(c), tuple(flat[x:y]), one(p))  # type: ignore[arg-type]
                for k, s, c, x, y, p in zip(  # noqa: B905 - equal lengths by construction
                    official[a:b].tolist(),
                    session[a:b].tolist(),
                    cost[a:b].tolist(),
                    starts,
                    stops,
                    pending[a:b],
                )
            )
        options = tuple(built)
        del built
        self.__dict__.update(state)
        self.__dict__["options"] = options

    @cached_property
    def option_index(self) -> dict[tuple[str, str, str], int]:
        """(official id, course id, session id) → option index (session ids are per course)."""
        return {
            (
                self.officials[o.official].id,
                self.courses[self.sessions[o.session].course].id,
                self.sessions[o.session].id,
            ): i
            for i, o in enumerate(self.options)
        }

    @cached_property
    def need_index(self) -> dict[tuple[str, str], int]:
        return {(self.officials[n.official].id, n.id): i for i, n in enumerate(self.needs)}

    @cached_property
    def session_weeks(self) -> tuple[tuple[int, ...], ...]:
        """ISO weeks (isoyear*100+week) in which each session holds class: every week of its
        span, or of its class blocks for an in-service programme (the unit share counts them)."""
        return tuple(
            iso_weeks(s.start, s.end)
            if not s.blocks
            else tuple(sorted({w for a, b in s.blocks for w in iso_weeks(a, b)}))
            for s in self.sessions
        )

    @cached_property
    def holding_class(self) -> dict[int, frozenset[int]]:
        """For the first day of every run of class days: the sessions holding class that day
        (the cliques of the no-overlap rule, computed once for all officials)."""
        import numpy as np

        sessions = self.sessions
        first = np.asarray([s.start for s in sessions], dtype=np.int64)
        last = np.asarray([s.end for s in sessions], dtype=np.int64)
        out: dict[int, frozenset[int]] = {}
        for day in sorted({start for s in sessions for start, _ in s.class_blocks}):
            spanning = np.flatnonzero((first <= day) & (last >= day)).tolist()
            out[day] = frozenset(k for k in spanning if sessions[k].holds_class(day))
        return out

    @cached_property
    def year_rank(self) -> dict[int, int]:
        return {year: k for k, year in enumerate(self.years)}

    def replace(self, **changes: object) -> Instance:
        """A changed copy (what-if scenarios, tests); derived indices are recomputed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def budget(self, year: int, source: str) -> int:
        """Budget of one year and source; a pair the case does not list has none (0)."""
        return int(self.budgets.get((year, source), 0))

    def summary(self) -> str:
        return (
            f"{self.name}: {len(self.officials)} officials, {len(self.needs)} needs, "
            f"{len(self.sessions)} sessions, {len(self.options)} options, years "
            f"{self.years[0]}-{self.years[-1]}"
        )


_CHUNK = 500_000  # options rebuilt at a time when unpickling


def _group(size: int, pairs: Iterable[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    buckets: list[list[int]] = [[] for _ in range(size)]
    for key, value in pairs:
        buckets[key].append(value)
    return tuple(tuple(b) for b in buckets)


def iso_weeks(start: int, end: int) -> tuple[int, ...]:
    """ISO weeks (isoyear*100+week) between two date ordinals, inclusive."""
    keys: list[int] = []
    day = start
    while day <= end:
        iso = dt.date.fromordinal(day).isocalendar()
        keys.append(iso[0] * 100 + iso[1])
        day += 7 - iso[2] + 1  # next Monday
    return tuple(keys)
