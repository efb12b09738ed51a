"""Candidate courses per need (DESIGN §4 Recommendation JSON).

The data classes below are the contract between `recommend` and the optimiser; the function
`recommend(...)` fills them.

For each need of each official, every catalog course that would close it is either a candidate
(with the sessions open in the horizon and an integer score) or excluded with one cause:

* `already_completed` — the official already holds what the course gives: the course was passed
  (for courses `renewed` each term or year: in the current one), a qualification it delivers
  is already held at that level or above, or every competency it delivers is already reached.
  This is what keeps a plan from sending someone twice over the same ground.
* `not_eligible` — the course is designed for other posts (`audience`), or a dated eligibility
  rule fails on every open session (version chosen on the reference date, the official's age and
  record computed on the session's first day).
* `prerequisite_missing` — a prerequisite course is not passed or a prerequisite qualification is
  not held; `requires` names the catalog courses that would provide it, so the optimiser may
  schedule them first.
* `no_session` — no session starts in one of the horizon years on or after the reference date.

Pure: no I/O, no click, no text. Reasons and details are `Message`s (key and facts), rendered in
the report layer (`planner.report.text`). Work shared by officials (which courses close which
need, open sessions, nominal costs, reason messages) is computed once per course or need signature
and cached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from planner.assess.needs import Need, course_periods
from planner.assess.targets import CompetencyNeed, NeedTarget, ProgrammeNeed, QualificationNeed
from planner.domain.attributes import (
    DATED_ATTRIBUTES,
    dated_start,
    hashable,
    official_attributes,
    years_signature,
)
from planner.domain.catalog import (
    Catalog,
    Course,
    Eligibility,
    EligibilityVersion,
    Prerequisite,
    Session,
)
from planner.domain.message import Day, Joined, Level, Message, Money
from planner.domain.profile import Official, TrainingRecord, whole_years_between
from planner.law.framework import Framework, Position
from planner.recommend.cost import nominal_cost
from planner.recommend.eligibility import EligibilityFailure
from planner.types import qualification_rank

if TYPE_CHECKING:
    from planner.assess.needs import Assessment
    from planner.io.case import Case

ExclusionCause = Literal["not_eligible", "prerequisite_missing", "already_completed", "no_session"]


@dataclass(frozen=True, slots=True)
class Candidate:
    course: str
    sessions: tuple[str, ...]  # ids of the course's sessions open in the horizon
    score: int  # higher is better; integer so the optimiser can reuse it
    reason: Message
    closes: tuple[str, ...] = ()  # every need id of this official the course would close

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        return {
            "course": self.course,
            "sessions": list(self.sessions),
            "score": self.score,
            "reason": text(self.reason),
            "closes": list(self.closes),
        }


@dataclass(frozen=True, slots=True)
class Exclusion:
    course: str
    cause: ExclusionCause
    detail: Message
    # For prerequisite_missing: catalog courses that would provide the missing prerequisites.
    requires: tuple[str, ...] = ()

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "course": self.course,
            "cause": self.cause,
            "detail": text(self.detail),
        }
        if self.requires:
            out["requires"] = list(self.requires)
        return out


@dataclass(frozen=True, slots=True)
class Recommendation:
    official_id: str
    need: str
    candidates: tuple[Candidate, ...]
    excluded: tuple[Exclusion, ...]

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        return {
            "official_id": self.official_id,
            "need": self.need,
            "candidates": [c.to_dict(text) for c in self.candidates],
            "excluded": [e.to_dict(text) for e in self.excluded],
        }


@dataclass(frozen=True)
class Recommendations:
    reference_date: dt.date
    recommendations: list[Recommendation] = field(default_factory=list)
    overlaps: list[tuple[str, str]] = field(default_factory=list)  # catalog courses sharing content

    def to_dict(self, text: Callable[[Message], str]) -> dict[str, Any]:
        """The Recommendation JSON (DESIGN §4), reasons and details rendered by `text`."""
        return {
            "reference_date": self.reference_date.isoformat(),
            "recommendations": [r.to_dict(text) for r in self.recommendations],
            "overlapping_courses": [list(pair) for pair in self.overlaps],
        }

    def share_with_candidates(self) -> float:
        """Share of needs with at least one candidate (1.0 when there are no needs)."""
        if not self.recommendations:
            return 1.0
        return sum(1 for r in self.recommendations if r.candidates) / len(self.recommendations)


# Ranking weights: a planning policy (seed 003: prefer short, practical, online, cheap courses),
# not law. Closing one more need outweighs any difference of length, mode or cost.
SCORE_PER_NEED_CLOSED = 1000
SCORE_MODE = {"online": 200, "blended": 100, "in_person": 0}
SCORE_PER_DAY = -2
SCORE_PER_100K_VND = -1
SCORE_CLOSED_MAX_WEIGHT = 1000  # cap of the length/cost penalty so closing needs stays first
# Annual training (a period need) is met by short courses: a course that closes nothing else is
# proposed for it only up to this length — nobody is sent to an 8-month political-theory class
# to make up 40 tiết (seed 003: short, practical courses). Policy, not law.
PERIOD_ONLY_MAX_DAYS = 10


def overlapping_courses(catalog: Catalog) -> list[tuple[str, str]]:
    """Pairs of catalog courses (sorted ids) that deliver some of the same content."""
    keys = {cid: course.delivers.content_keys() for cid, course in catalog.courses.items()}
    ids = sorted(keys)
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if keys[a] & keys[b]]


def need_signature(need: Need) -> tuple[str, NeedTarget]:
    return need.need, need.target


def closes(course: Course, target: NeedTarget, framework: Framework, on: dt.date) -> bool:
    """Whether passing `course` meets `target` (a Need's target), ignoring who takes it."""
    delivers = course.delivers
    match target:
        case QualificationNeed(field=qfield, level=wanted):
            level = delivers.qualifications.get(qfield)  # type: ignore[call-overload]
            return level is not None and (
                qualification_rank(qfield, level) >= qualification_rank(qfield, wanted)
            )
        case CompetencyNeed(competency=competency, level=wanted):
            return delivers.competencies.get(competency, -1) >= wanted
        case ProgrammeNeed(periods=periods) if periods is not None:
            # Period targets (annual training) count every course of the programme's kinds.
            programme = framework.programmes.get(target.programme)
            return (
                programme is not None
                and course.kind in programme.counts_course_kinds
                and course_periods(course, framework, on) > 0
            )
        case ProgrammeNeed(programme=programme_id, min_days=min_days):
            return programme_id in delivers.programmes and course.duration_days >= min_days
    raise TypeError(f"not a need target: {target!r}")


@dataclass(frozen=True)
class _CourseInfo:
    course: Course
    open_sessions: tuple[Session, ...]
    score_base: int  # everything but the needs closed
    qualifications: tuple[tuple[str, str], ...]  # what passing it gives, read once per record
    competencies: tuple[tuple[str, int], ...]


@dataclass
class _Held:
    """What one official already holds, from the profile and passed courses."""

    passed: dict[str, dt.date]
    qualifications: dict[str, str]
    competencies: dict[str, int]


class Recommender:
    """Holds the per-catalog work shared by every official (see module docstring)."""

    def __init__(
        self,
        catalog: Catalog,
        framework: Framework,
        years: Iterable[int],
        reference_date: dt.date,
        term: tuple[int, int] | None = None,
        *,
        effectiveness: Mapping[str, float] | None = None,
    ) -> None:
        self.catalog = catalog
        # Measured effectiveness per course (planner.analysis.evaluate.course_effectiveness), off
        # unless given: a course whose participants rarely reach its level ranks lower.
        self.effectiveness = {c: min(1.0, max(0.0, e)) for c, e in (effectiveness or {}).items()}
        self.framework = framework
        self.years = tuple(sorted(set(years)))
        if not self.years:
            raise ValueError("recommend needs at least one horizon year")
        self.on = reference_date
        # Without a congress term, the horizon stands for it (for `renewed: term` courses).
        self.term_start = term[0] if term else self.years[0]
        year_set = set(self.years)
        self.info: dict[str, _CourseInfo] = {}
        for cid in sorted(catalog.courses):
            course = catalog.courses[cid]
            sessions = tuple(
                sorted(
                    (
                        s
                        for s in course.sessions
                        if s.start.year in year_set and s.start >= reference_date
                    ),
                    key=lambda s: (s.start, s.id),
                )
            )
            self.info[cid] = _CourseInfo(
                course,
                sessions,
                self._score_base(course, sessions),
                tuple(course.delivers.qualifications.items()),
                tuple(course.delivers.competencies.items()),
            )
        # Eligibility versions in force on the reference date, resolved once per course.
        self._rules = {
            cid: [(e, v) for e in info.course.eligibility if (v := e.version_on(reference_date))]
            for cid, info in self.info.items()
        }
        self._closers: dict[tuple[str, NeedTarget], tuple[str, ...]] = {}
        self._audience_ok: dict[tuple[str, str, str | None], bool] = {}
        self._messages: dict[tuple[Any, ...], Message] = {}
        # Officials with the same needs share identical candidates: one frozen object each.
        self._candidates: dict[tuple[Any, ...], Candidate] = {}
        self._shared: dict[tuple[Any, ...], Candidate | Exclusion | None] = {}
        # Qualification fields a course's verdict looks at (delivered or prerequisite).
        self._fields = {
            cid: tuple(
                sorted(
                    set(info.course.delivers.qualifications)
                    | {p.qualification for p in info.course.prerequisites if p.qualification}
                )
            )
            for cid, info in self.info.items()
        }
        # What else a verdict reads, per course: the competencies it delivers, the courses it
        # requires, and the attributes its eligibility conditions test.
        self._competencies = {
            cid: _competencies_read(info.course) for cid, info in self.info.items()
        }
        self._required = {
            cid: tuple(p.course for p in info.course.prerequisites if p.course)
            for cid, info in self.info.items()
        }
        self._eligibility_reads = {cid: self._reads(rules) for cid, rules in self._rules.items()}
        # The days `_eligible_sessions` computes dated attributes on, as sorted (month, day).
        self._session_month_days = {
            cid: sorted(
                {
                    (d.month, d.day)
                    for d in [s.start for s in info.open_sessions] or [reference_date]
                }
            )
            for cid, info in self.info.items()
        }
        # Officials with the same needs judge the same courses for the same needs (a _Plan), and
        # officials with the same verdicts get the same sorted lists.
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._lists: dict[tuple[Any, ...], _Lists] = {}
        self._by_official_key: dict[tuple[Any, ...], _Lists] = {}

    @staticmethod
    def _reads(
        rules: list[tuple[Eligibility, EligibilityVersion]],
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Attributes the eligibility versions test: (fixed on any date, computed on a date)."""
        names: set[str] = set()
        for _, version in rules:
            names |= version.when.attributes()
        return (
            tuple(sorted(names - set(DATED_ATTRIBUTES))),
            tuple(n for n in DATED_ATTRIBUTES if n in names),
        )

    # -- per catalog / need signature (cached) --------------------------------------------------

    def _score_base(self, course: Course, sessions: tuple[Session, ...]) -> int:
        cost = nominal_cost(course, sessions[0], self.catalog) if sessions else course.cost.tuition
        penalty = SCORE_PER_DAY * course.duration_days + SCORE_PER_100K_VND * (cost // 100_000)
        return SCORE_MODE[course.mode] + max(penalty, -SCORE_CLOSED_MAX_WEIGHT + 1)

    @staticmethod
    def signature(need: Need) -> tuple[str, NeedTarget]:
        """`need_signature`: the need id and its (frozen, hashable) target."""
        return need.need, need.target

    def closers(self, need: Need) -> tuple[str, ...]:
        """Ids of the catalog courses whose delivery meets `need`'s target, sorted."""
        key = self.signature(need)
        found = self._closers.get(key)
        if found is None:
            found = tuple(
                cid
                for cid, info in self.info.items()
                if closes(info.course, need.target, self.framework, self.on)
            )
            self._closers[key] = found
        return found

    def _audience(self, course: Course, position: Position | None, pool: str | None) -> bool:
        """Whether the course is designed for the official's post or the post planned for."""
        if not course.audience or position is None:
            return True
        key = (course.id, position.id, pool)
        ok = self._audience_ok.get(key)
        if ok is None:
            posts = [position] + (
                [self.framework.positions[pool]] if pool in self.framework.positions else []
            )
            ok = any(set(course.audience) & set(p.groups) or p.id in course.audience for p in posts)
            self._audience_ok[key] = ok
        return ok

    def _cached(self, key: tuple[Any, ...], make: Callable[[], Message]) -> Message:
        """One message object per key, shared by every official it applies to."""
        message = self._messages.get(key)
        if message is None:
            message = self._messages[key] = make()
        return message

    # -- per official ---------------------------------------------------------------------------

    def held(self, official: Official, records: Sequence[TrainingRecord]) -> _Held:
        passed: dict[str, dt.date] = {}
        quals = {
            f: lv
            for f in ("education", "political_theory", "state_management")
            if (lv := official.qualification(f)) is not None
        }
        # Read-only unless a passed course raises a level: copy only then.
        comps = dict(official.competencies) if records else official.competencies
        for record in records:
            if record.result != "passed" or record.completed_on > self.on:
                continue
            passed[record.course] = max(
                passed.get(record.course, record.completed_on), record.completed_on
            )
            info = self.info.get(record.course)
            if info is None:
                continue
            for qfield, level in info.qualifications:
                if qualification_rank(qfield, level) > qualification_rank(
                    qfield, quals.get(qfield)
                ):
                    quals[qfield] = level
            for comp, delivered in info.competencies:
                reached = record.competency_after.get(comp, delivered)
                comps[comp] = max(comps.get(comp, 0), reached)
        return _Held(passed, quals, comps)

    def _completed(self, course: Course, held: _Held) -> Message | None:
        """Why the official already holds the content of `course`, or None."""
        title = course.title
        day = held.passed.get(course.id)
        if day is not None:
            since = {"term": self.term_start, "year": self.on.year}.get(course.renewed or "", 0)
            if day.year >= since:
                return Message("recommend.excluded.passed", {"course": title, "date": Day(day)})
        for qfield, level in sorted(course.delivers.qualifications.items()):
            have = held.qualifications.get(qfield)
            if qualification_rank(qfield, have) >= qualification_rank(qfield, level):
                key = ("holds", course.id, qfield, have)
                found = self._messages.get(key)
                if found is None:
                    found = self._messages[key] = Message(
                        "recommend.excluded.holds",
                        {
                            "course": title,
                            "field": Message(f"field.{qfield}"),
                            "held": Level(qfield, have),
                            "level": Level(qfield, level),
                        },
                    )
                return found
        comps = course.delivers.competencies
        if (
            comps
            and not course.delivers.qualifications
            and not course.delivers.programmes
            and all(held.competencies.get(c, 0) >= lv for c, lv in comps.items())
        ):
            return self._cached(
                ("competent", course.id),
                lambda: Message("recommend.excluded.competent", {"course": title}),
            )
        return None

    def _missing(self, prerequisite: Prerequisite, held: _Held) -> bool:
        if prerequisite.course is not None:
            return prerequisite.course not in held.passed
        assert prerequisite.qualification is not None and prerequisite.level is not None
        have = held.qualifications.get(prerequisite.qualification)
        return qualification_rank(prerequisite.qualification, have) < qualification_rank(
            prerequisite.qualification, prerequisite.level
        )

    def _providers(self, prerequisite: Prerequisite) -> tuple[str, ...]:
        if prerequisite.course is not None:
            return (prerequisite.course,)
        assert prerequisite.qualification is not None
        field_ = prerequisite.qualification
        assert prerequisite.level is not None
        target = QualificationNeed(field_, prerequisite.level)
        found = {
            cid: qualification_rank(field_, info.course.delivers.qualifications[field_])
            for cid, info in self.info.items()
            if closes(info.course, target, self.framework, self.on)
        }
        # The courses giving the lowest sufficient level: the step to take first, not the
        # higher programmes that would themselves need it.
        lowest = min(found.values(), default=None)
        return tuple(sorted(cid for cid, rank in found.items() if rank == lowest))

    def _describe_prerequisite(self, prerequisite: Prerequisite) -> Any:
        if prerequisite.course is not None:
            info = self.info.get(prerequisite.course)
            return info.course.title if info else prerequisite.course
        assert prerequisite.qualification is not None
        return Joined(
            (
                Message(f"field.{prerequisite.qualification}"),
                Level(prerequisite.qualification, prerequisite.level),
            ),
            " ",
        )

    def _eligible_sessions(
        self, cid: str, sessions: tuple[Session, ...], official: Official, position: Position | None
    ) -> tuple[tuple[Session, ...], list[EligibilityFailure]]:
        """Open sessions the official may attend; the failures on the first refused session."""
        rules = self._rules[cid]
        if not rules:
            return sessions, []
        # Only age, years of service and years in position change with the date, so sessions
        # whose start gives the same three numbers share one evaluation.
        memo: dict[tuple[int | None, ...], list[EligibilityFailure]] = {}
        kept: list[Session] = []
        first_failures: list[EligibilityFailure] = []
        for session in sessions or (None,):  # type: ignore[assignment]
            day = session.start if session is not None else self.on
            key = _date_key(official, day)
            failures = memo.get(key)
            if failures is None:
                attrs = official_attributes(official, position, day)
                failures = [EligibilityFailure(e, v) for e, v in rules if not v.when.holds(attrs)]
                memo[key] = failures
            if failures:
                first_failures = first_failures or failures
            elif session is not None:
                kept.append(session)
        if len(kept) == len(sessions):
            return sessions, []
        return tuple(kept), first_failures

    def recommend_official(
        self, official: Official, needs: Sequence[Need], records: Sequence[TrainingRecord]
    ) -> list[Recommendation]:
        if not needs:
            return []
        plan = self._plan(needs)
        position = self.framework.positions.get(official.position)
        held = self.held(official, records)
        # Everything any verdict of the plan reads, in one key: most officials hit it and skip
        # the verdicts altogether.
        passed = held.passed
        key = (
            plan,
            official.position,
            official.planning_pool,
            tuple(map(passed.get, plan.courses)),
            tuple(map(held.qualifications.get, plan.fields)),
            tuple(map(held.competencies.get, plan.competencies)),
            tuple(map(passed.__contains__, plan.required)),
            *[self._eligibility_key(cid, official, position) for cid in plan.eligibility],
        )
        lists = self._by_official_key.get(key)
        if lists is None:
            lists = self._by_official_key[key] = self._judge(plan, official, position, held)
        oid = official.id
        return [
            Recommendation(oid, need.need, candidates, excluded)
            for need, (candidates, excluded) in zip(needs, lists, strict=True)
        ]

    def _judge(
        self, plan: _Plan, official: Official, position: Position | None, held: _Held
    ) -> _Lists:
        """Each need's sorted candidates and exclusions for one official."""
        # One verdict per course for this official, shared by all the needs it closes.
        verdicts = tuple(
            self._shared_verdict(cid, official, position, held, closes_needs, period_need)
            for cid, closes_needs, period_need in plan.checks
        )
        key = (plan, *map(id, verdicts))  # verdicts are cached objects: their ids are stable
        lists = self._lists.get(key)
        if lists is None:
            lists = self._lists[key] = tuple(
                _sorted_verdicts([verdicts[i] for i in indices]) for indices in plan.per_need
            )
        return lists

    def _plan(self, needs: Sequence[Need]) -> _Plan:
        """Which courses to judge for which need: decided by the needs alone, so cached."""
        key = tuple(self.signature(need) for need in needs)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        closers = {need.need: self.closers(need) for need in needs}
        closed_by: dict[str, list[str]] = defaultdict(list)
        for need in needs:
            for cid in closers[need.need]:
                closed_by[cid].append(need.need)
        checks: dict[str, int] = {}
        check_list: list[tuple[str, tuple[str, ...], bool]] = []
        per_need: list[tuple[int, ...]] = []
        for need in needs:
            period_need = isinstance(need.target, ProgrammeNeed) and need.target.periods is not None
            indices = []
            for cid in closers[need.need]:
                if (
                    period_need
                    and len(closed_by[cid]) == 1
                    and self.info[cid].course.duration_days > PERIOD_ONLY_MAX_DAYS
                ):
                    continue
                if cid not in checks:
                    # The verdict is judged once, with the first need that reaches the course.
                    checks[cid] = len(check_list)
                    check_list.append((cid, tuple(sorted(closed_by[cid])), period_need))
                indices.append(checks[cid])
            per_need.append(tuple(indices))
        courses = tuple(cid for cid, _, _ in check_list)
        plan = self._plans[key] = _Plan(
            tuple(check_list),
            tuple(per_need),
            courses,
            fields=tuple(sorted({f for cid in courses for f in self._fields[cid]})),
            competencies=tuple(sorted({c for cid in courses for c in self._competencies[cid]})),
            required=tuple(sorted({r for cid in courses for r in self._required[cid]})),
            eligibility=tuple(cid for cid in courses if self._rules[cid]),
        )
        return plan

    def _shared_verdict(
        self,
        cid: str,
        official: Official,
        position: Position | None,
        held: _Held,
        closes_needs: tuple[str, ...],
        period_need: bool,
    ) -> Candidate | Exclusion | None:
        """The verdict, shared by officials who agree on everything it depends on.

        A verdict depends only on the post (audience), the needs the course closes, what the
        official holds of the course's own content and prerequisites, and the attributes its
        eligibility rules test on the dates of its open sessions — so officials of one cohort
        reuse one verdict.
        """
        passed = held.passed
        key = (
            cid,
            position.id if position else None,
            official.planning_pool,
            closes_needs,
            period_need,
            passed.get(cid),
            tuple(map(held.qualifications.get, self._fields[cid])),
            tuple([held.competencies.get(c, 0) for c in self._competencies[cid]]),
            tuple(map(passed.__contains__, self._required[cid])),
            self._eligibility_key(cid, official, position) if self._rules[cid] else None,
        )
        found = self._shared.get(key, _MISSING)
        if found is _MISSING:
            found = self._shared[key] = self._verdict(
                cid, official, position, held, closes_needs, period_need
            )
        return found  # type: ignore[return-value]

    def _eligibility_key(
        self, cid: str, official: Official, position: Position | None
    ) -> tuple[Any, ...]:
        """The values the course's eligibility rules read: fixed attributes, then the dated ones
        on the first day of each open session (the days `_eligible_sessions` tests)."""
        fixed, dated = self._eligibility_reads[cid]
        attrs = official_attributes(official, position, self.on)
        values = [hashable(attrs(name)) for name in fixed]
        month_days = self._session_month_days[cid]
        values += [years_signature(dated_start(official, name), month_days) for name in dated]
        return tuple(values)

    def _verdict(
        self,
        cid: str,
        official: Official,
        position: Position | None,
        held: _Held,
        closes_needs: tuple[str, ...],
        period_need: bool,
    ) -> Candidate | Exclusion | None:
        info = self.info[cid]
        course = info.course
        title = course.title
        # Many courses count toward annual training (period needs); for a course that closes
        # nothing else, only a repeat is worth reporting — why every other course of the catalog
        # is not offered would bury the answer.
        quiet = period_need and len(closes_needs) == 1
        if not self._audience(course, position, official.planning_pool):
            if quiet:
                return None
            assert position is not None
            return Exclusion(
                cid,
                "not_eligible",
                self._cached(
                    ("audience", cid, position.id),
                    lambda: Message(
                        "recommend.excluded.audience", {"course": title, "position": position.title}
                    ),
                ),
            )
        why = self._completed(course, held)
        if why is not None:
            return Exclusion(cid, "already_completed", why)
        sessions, failures = self._eligible_sessions(cid, info.open_sessions, official, position)
        if quiet and (not sessions or any(self._missing(p, held) for p in course.prerequisites)):
            return None
        if failures and not sessions:
            failed = Joined(tuple(f.message() for f in failures), " ")
            return Exclusion(
                cid, "not_eligible", Message("recommend.excluded.eligibility", {"failures": failed})
            )
        missing = [p for p in course.prerequisites if self._missing(p, held)]
        if missing:
            requires = tuple(sorted({c for p in missing for c in self._providers(p)}))
            detail = Message(
                "recommend.excluded.prerequisite",
                {
                    "course": title,
                    "missing": Joined(tuple(self._describe_prerequisite(p) for p in missing)),
                },
            )
            return Exclusion(cid, "prerequisite_missing", detail, requires)
        if not sessions:
            return Exclusion(
                cid,
                "no_session",
                self._cached(
                    ("no_session", cid),
                    lambda: Message(
                        "recommend.excluded.no_session",
                        {
                            "course": title,
                            "years": ", ".join(str(y) for y in self.years),
                            "date": Day(self.on),
                        },
                    ),
                ),
            )
        # Officials with the same needs share one frozen Candidate; the key avoids hashing the
        # session models when eligibility kept every open session (the common case).
        key = (
            cid,
            closes_needs,
            None if sessions is info.open_sessions else tuple(s.id for s in sessions),
        )
        candidate = self._candidates.get(key)
        if candidate is None:
            first = sessions[0]
            reason = Message(
                "recommend.candidate",
                {
                    "course": title,
                    "mode": Message(f"mode.{course.mode}"),
                    "days": course.duration_days,
                    "count": len(closes_needs),
                    "cost": Money(nominal_cost(course, first, self.catalog)),
                    "first": Day(first.start),
                    "sessions": len(sessions),
                },
            )
            score = info.score_base + SCORE_PER_NEED_CLOSED * len(closes_needs)
            if cid in self.effectiveness:
                score = round(score * self.effectiveness[cid])
            candidate = Candidate(cid, tuple(s.id for s in sessions), score, reason, closes_needs)
            self._candidates[key] = candidate
        return candidate


_MISSING = object()  # a cached verdict may be None (not worth reporting)


@dataclass(frozen=True, eq=False)
class _Plan:
    """For one list of needs: the courses to judge (id, needs it closes, judged for a period
    need) and, per need, the indices of its courses among them; then what the verdicts on those
    courses read of an official (see `Recommender._shared_verdict`). Hashed by identity."""

    checks: tuple[tuple[str, tuple[str, ...], bool], ...]
    per_need: tuple[tuple[int, ...], ...]
    courses: tuple[str, ...]  # the ids of `checks`: when the official passed each
    fields: tuple[str, ...]  # qualification fields delivered or required
    competencies: tuple[str, ...]  # competencies whose levels decide "already competent"
    required: tuple[str, ...]  # prerequisite courses: passed or not
    eligibility: tuple[str, ...]  # courses with eligibility rules


_Lists = tuple[tuple[tuple[Candidate, ...], tuple[Exclusion, ...]], ...]  # per need


def _competencies_read(course: Course) -> tuple[str, ...]:
    """The competencies whose held levels `Recommender._completed` reads for `course`: only a
    course that delivers competencies and nothing else is judged on them."""
    delivers = course.delivers
    if delivers.qualifications or delivers.programmes:
        return ()
    return tuple(delivers.competencies)


def _sorted_verdicts(
    verdicts: Iterable[Candidate | Exclusion | None],
) -> tuple[tuple[Candidate, ...], tuple[Exclusion, ...]]:
    """A need's candidates (best score first) and exclusions (by cause), each then by course."""
    candidates = [v for v in verdicts if isinstance(v, Candidate)]
    excluded = [v for v in verdicts if isinstance(v, Exclusion)]
    candidates.sort(key=lambda c: (-c.score, c.course))
    excluded.sort(key=lambda e: (e.cause, e.course))
    return tuple(candidates), tuple(excluded)


def _date_key(official: Official, day: dt.date) -> tuple[int | None, ...]:
    """The date-dependent attributes of planner.domain.attributes, on `day`."""
    return (
        whole_years_between(official.birth_date, day),
        whole_years_between(official.started_service_on, day)
        if official.started_service_on
        else None,
        whole_years_between(official.appointed_on, day) if official.appointed_on else None,
    )


def recommend(
    officials: Sequence[Official],
    needs: Sequence[Need],
    catalog: Catalog,
    framework: Framework,
    history: Sequence[TrainingRecord],
    years: Iterable[int],
    reference_date: dt.date,
    term: tuple[int, int] | None = None,
    *,
    effectiveness: Mapping[str, float] | None = None,
) -> Recommendations:
    """Candidate courses and exclusions for every need, sorted by official id then need order
    (priority first, as the assessment gives them). `term` (first, last year) is the congress
    term for courses renewed each term; without it the horizon years stand for it.
    `effectiveness` (course → share of participants reaching its level, from
    `planner.analysis.evaluate.course_effectiveness`) scales each candidate's score; off by
    default."""
    recommender = Recommender(
        catalog, framework, years, reference_date, term, effectiveness=effectiveness
    )
    by_official: dict[str, list[Need]] = defaultdict(list)
    for need in needs:
        by_official[need.official_id].append(need)
    records: dict[str, list[TrainingRecord]] = defaultdict(list)
    for record in history:
        records[record.official_id].append(record)
    known = {o.id: o for o in officials}
    unknown = sorted(set(by_official) - set(known))
    if unknown:
        raise ValueError(f"needs name officials that are not given: {unknown[:5]}")
    out: list[Recommendation] = []
    for oid in sorted(by_official):
        official_needs = sorted(by_official[oid], key=lambda n: (-n.priority, n.need))
        out.extend(recommender.recommend_official(known[oid], official_needs, records.get(oid, [])))
    return Recommendations(reference_date, out, overlapping_courses(catalog))


def recommend_case(case: Case, assessment: Assessment) -> Recommendations:
    """Recommendations for the needs of `assessment` on a loaded case."""
    return recommend(
        case.officials,
        assessment.needs,
        case.catalog,
        case.framework,
        case.history,
        case.config.years,
        assessment.reference_date,
        (case.config.term.start, case.config.term.end),
    )


__all__ = [
    "Candidate",
    "Exclusion",
    "ExclusionCause",
    "Recommendation",
    "Recommendations",
    "Recommender",
    "closes",
    "overlapping_courses",
    "recommend",
    "recommend_case",
]
