"""Profiles and histories: what rules/ and the catalog offer a post, and the draws of one
official's qualifications, competencies and past courses (history chosen by what the catalog's
courses deliver, never by hard-coded ids); exact quotas for the presets."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain.catalog import Catalog, Course
from planner.domain.profile import whole_years_between
from planner.errors import InputError
from planner.law.framework import CompetencyTarget, Framework, Position, ProgrammeTarget
from planner.recommend.eligibility import failed_eligibility
from planner.synthetic.draw import Picker, pick_int, pick_one, random_date, years_before
from planner.synthetic.options import GeneratorOptions, Quota
from planner.synthetic.profiles import NAMES, POST_PROFILES, STATS
from planner.synthetic.units import Unit
from planner.types import QUALIFICATION_SCALES, qualification_rank

log = logging.getLogger("planner")


@dataclass
class CourseIndex:
    """Catalog courses by what they deliver (sorted by id, so a choice among them is stable)."""

    by_programme: dict[str, list[Course]] = field(default_factory=dict)
    by_competency: dict[str, list[tuple[Course, int]]] = field(default_factory=dict)
    by_qualification: dict[tuple[str, str], list[Course]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog | None) -> CourseIndex:
        index = cls()
        if catalog is None:
            return index
        for course_id in sorted(catalog.courses):
            course = catalog.courses[course_id]
            delivers = course.delivers
            for programme in delivers.programmes:
                index.by_programme.setdefault(programme, []).append(course)
            for competency, level in delivers.competencies.items():
                index.by_competency.setdefault(competency, []).append((course, level))
            for qfield, level in delivers.qualifications.items():
                index.by_qualification.setdefault((qfield, level), []).append(course)
        return index

    def evaluated_competencies(self) -> list[str]:
        return sorted(self.by_competency)


def for_audience(courses: Sequence[Course], post: Position) -> list[Course]:
    """Courses designed for the post's groups (a course without audience is for anyone)."""
    return [c for c in courses if not c.audience or not set(c.audience).isdisjoint(post.groups)]


def eligible(courses: Sequence[Course], attrs: Any, on: dt.date) -> list[Course]:
    """Courses whose eligibility in force on `on` holds for `attrs`."""
    return [c for c in courses if not c.eligibility or not failed_eligibility(c, attrs, on)]


@dataclass(frozen=True)
class PostRules:
    """What rules in force ask of one post: its competencies and its programmes."""

    competencies: frozenset[str]
    programmes: tuple[tuple[str, str, Any, dt.date], ...]  # (programme, window, condition, from)


def post_rules(framework: Framework, position: Position, on: dt.date) -> PostRules:
    competencies: set[str] = set()
    programmes: list[tuple[str, str, Any, dt.date]] = []
    for rule in framework.rules.values():
        version = rule.version_on(on)
        if version is None or not rule.applies_to.matches(position):
            continue
        target = version.target
        if isinstance(target, CompetencyTarget):
            competencies.add(target.competency)
        elif isinstance(target, ProgrammeTarget) and target.periods is None:
            conditions = [c for c in (rule.when, version.when) if c is not None]
            programmes.append((target.programme, target.window, conditions, version.effective_from))
    return PostRules(frozenset(competencies), tuple(sorted(programmes, key=lambda p: p[0])))


def load_framework(path: Path | None) -> Framework:
    from planner.io.loading import bundled_dir, load_rules

    return load_rules(path or bundled_dir("rules"))


def load_catalog_or_none(path: Path | None, framework: Framework) -> Catalog | None:
    """The catalog history course ids come from; None when there is none yet (no history)."""
    from planner.io.loading import bundled_dir, load_catalog

    try:
        return load_catalog(path or bundled_dir("catalogs"), framework)
    except InputError as exc:
        if path is not None:
            raise
        log.warning("no bundled catalog (%s): the synthetic history stays empty", exc)
        return None


@dataclass(frozen=True)
class HistoryRow:
    course: str
    completed_on: dt.date
    result: str
    feedback: int | None = None
    score: int | None = None
    before: Mapping[str, int] = field(default_factory=dict)
    after: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Profile:
    """What an official's needs depend on (shared by a cohort in `role` mode)."""

    ethnic_minority: bool
    party_member: bool
    grade: str
    education: str
    education_field: str
    political_theory: str
    state_management: str
    it: str
    language: str
    planning_pool: str
    ratings: str
    leader_group: str
    competencies: dict[str, int | None]
    history: list[HistoryRow]


class Pickers:
    """Every weighted choice, built once."""

    def __init__(self, options: GeneratorOptions) -> None:
        def tiers(
            mixes: Mapping[str, Mapping[str, float]], override: Mapping[str, float] | None
        ) -> dict[str, Picker]:
            return {tier: Picker(override or mix) for tier, mix in mixes.items()}

        self.education = tiers(STATS.education_mix, options.education_mix)
        self.political_theory = tiers(STATS.political_theory_mix, options.political_theory_mix)
        self.state_management = tiers(STATS.state_management_mix, None)
        self.grade = tiers(STATS.grade_mix, None)
        self.rating = Picker(STATS.rating_mix)
        self.it = Picker(STATS.it_mix)
        self.language = Picker(STATS.language_mix)
        self.relevant = Picker(STATS.relevant_competency_mix)
        self.other = Picker(STATS.other_competency_mix)
        self.family = Picker(NAMES.family_names)
        self.result = Picker(STATS.history_result_mix)
        self.feedback = Picker(STATS.feedback_mix)


class ProfileFactory:
    """Draws profiles and histories for posts, given the rules and catalog in use."""

    def __init__(self, options: GeneratorOptions, framework: Framework, catalog: Catalog | None):
        self.options = options
        self.framework = framework
        self.catalog = catalog
        self.courses = CourseIndex.of(catalog)
        self.pick = Pickers(options)
        self.on = options.on
        self.competency_ids = sorted(framework.competencies)
        self._post_rules: dict[str, PostRules] = {}
        self._pickers_by_post: dict[str, list[tuple[str, Picker]]] = {}
        self._audience: dict[tuple[tuple[str, ...], str], list[Course]] = {}

    def _competency_pickers(self, position: str) -> list[tuple[str, Picker]]:
        if position not in self._pickers_by_post:
            relevant = self.rules_of(position).competencies
            self._pickers_by_post[position] = [
                (c, self.pick.relevant if c in relevant else self.pick.other)
                for c in self.competency_ids
            ]
        return self._pickers_by_post[position]

    def _for_post(self, courses: Sequence[Course] | None, post: Position) -> list[Course]:
        if not courses:
            return []
        key = (tuple(c.id for c in courses), post.id)
        if key not in self._audience:
            self._audience[key] = for_audience(courses, post)
        return self._audience[key]

    def rules_of(self, position: str) -> PostRules:
        if position not in self._post_rules:
            self._post_rules[position] = post_rules(
                self.framework, self.framework.positions[position], self.on
            )
        return self._post_rules[position]

    def draw(
        self,
        rng: random.Random,
        position: str,
        unit: Unit,
        person: Person,
        fixed: Mapping[str, str],
    ) -> Profile:
        """A profile for `position`; `fixed` holds quota-assigned qualification levels."""
        spec = POST_PROFILES[position]
        post = self.framework.positions[position]
        tier = spec.tier
        education = fixed.get("education") or self.pick.education[tier](rng)
        political_theory = fixed.get("political_theory") or self.pick.political_theory[tier](rng)
        party_member = rng.random() < spec.party_share or political_theory in ("cao_cap", "cu_nhan")
        grade = ""
        if post.category == "cong_chuc":
            grade = self.pick.grade[tier](rng)
            if position == "tinh.chuyen_vien_chinh":
                grade = "chuyen_vien_chinh"
            elif position == "tinh.chuyen_vien":
                grade = "chuyen_vien"
            if qualification_rank("education", education) < qualification_rank(
                "education", "dai_hoc"
            ):
                grade = "can_su"  # the grade below chuyên viên, for those without a degree
        state_management = self.pick.state_management[tier](rng)
        fields = post.education_fields
        if qualification_rank("education", education) < qualification_rank(
            "education", "trung_cap"
        ):
            education_field = ""
        elif fields and rng.random() < STATS.education_field_match_share:
            education_field = pick_one(rng, fields)
        else:
            education_field = pick_one(rng, [f for f in NAMES.general_fields if f not in fields])
        pool = ""
        if (
            spec.pool
            and spec.pool in self.framework.positions
            and rng.random() < STATS.planning_share
        ):
            pool = spec.pool
        leader_group = ""
        if post.leader_group is not None and rng.random() < STATS.leader_group_explicit_share:
            leader_group = str(post.leader_group)  # written out, same as the post's default
        competencies = {c: picker(rng) for c, picker in self._competency_pickers(position)}
        profile = Profile(
            ethnic_minority=rng.random() < self.options.ethnic_share,
            party_member=party_member,
            grade=grade,
            education=education,
            education_field=education_field,
            political_theory=political_theory,
            state_management=state_management,
            it=self.pick.it(rng),
            language=self.pick.language(rng),
            planning_pool=pool,
            ratings=";".join(self.pick.rating(rng) for _ in range(STATS.rating_years)),
            leader_group=leader_group,
            competencies=competencies,
            history=[],
        )
        profile.history = self._history(rng, post, profile, unit, person)
        return profile

    # -- history: chosen by what the catalog's courses deliver, never by hard-coded ids -------

    def _history(
        self, rng: random.Random, post: Position, profile: Profile, unit: Unit, person: Person
    ) -> list[HistoryRow]:
        if self.catalog is None:
            return []
        rows: list[HistoryRow] = []
        on = self.on
        started = person.started_on
        attrs = _draft_attributes(profile, post, unit, person)
        back = STATS.history_window_years  # how far back each kind of record goes

        def choose(
            courses: Sequence[Course] | None,
            earliest: dt.date,
            latest: dt.date,
            result: str = "passed",
        ) -> None:
            courses = self._for_post(courses, post)
            if not courses:
                return
            day = random_date(rng, earliest, latest)
            offered = eligible(courses, attrs(day), day)
            if offered:
                rows.append(HistoryRow(pick_one(rng, offered).id, day, result))

        for programme, window, conditions, effective_from in self.rules_of(post.id).programmes:
            if rng.random() >= STATS.history_programme_share.get(window, 0.0):
                continue
            if all(condition.holds(attrs(on)) for condition in conditions):
                choose(
                    self.courses.by_programme.get(programme),
                    max(effective_from, started, years_before(on, back["programme"])),
                    on,
                )
        for qfield in ("political_theory", "state_management"):
            held = getattr(profile, qfield)
            scale = QUALIFICATION_SCALES[qfield]
            if held != "none" and rng.random() < STATS.history_qualification_share:
                choose(
                    self.courses.by_qualification.get((qfield, held)),
                    max(started, years_before(on, back["qualification"])),
                    on - dt.timedelta(days=STATS.qualification_gap_days),
                )
            rank = scale.index(held)
            if rank + 1 < len(scale) and rng.random() < STATS.history_failed_attempt_share:
                choose(
                    self.courses.by_qualification.get((qfield, scale[rank + 1])),
                    max(started, years_before(on, back["failed_attempt"])),
                    on,
                    pick_one(rng, ("failed", "dropped")),
                )
        for competency in sorted(self.rules_of(post.id).competencies):
            offers = self.courses.by_competency.get(competency)
            if not offers or rng.random() >= STATS.history_competency_share:
                continue
            day = random_date(rng, max(started, years_before(on, back["competency"])), on)
            levels = {c.id: level for c, level in offers}
            offered = eligible(self._for_post([c for c, _ in offers], post), attrs(day), day)
            if offered:
                course = pick_one(rng, offered)
                rows.append(
                    self._competency_row(
                        rng, course.id, competency, levels[course.id], profile, day
                    )
                )
        rows.sort(key=lambda r: (r.completed_on, r.course))
        return rows

    def _competency_row(
        self,
        rng: random.Random,
        course: str,
        competency: str,
        delivered: int,
        profile: Profile,
        day: dt.date,
    ) -> HistoryRow:
        result = self.pick.result(rng)
        if result == "dropped" or rng.random() >= STATS.history_evaluated_share:
            return HistoryRow(course, day, result)
        current = profile.competencies.get(competency)
        if result == "passed":
            # The measurement after the course is today's level where one was assessed.
            after = (
                current
                if current is not None
                else min(5, delivered + pick_one(rng, STATS.after_level_change))
            )
            before = max(0, after - pick_one(rng, STATS.level_gain))
            score = pick_int(rng, *STATS.passed_score)
        else:
            before = current if current is not None else max(0, delivered - STATS.failed_level_gap)
            after = before
            score = pick_int(rng, *STATS.failed_score)
        return HistoryRow(
            course,
            day,
            result,
            feedback=self.pick.feedback(rng),
            score=score,
            before={competency: before},
            after={competency: after},
        )


@dataclass(frozen=True)
class Person:
    """What differs between members of a cohort: dates and gender."""

    birth: dt.date
    gender: str
    appointed_on: dt.date
    started_on: dt.date


def _draft_attributes(profile: Profile, post: Position, unit: Unit, person: Person) -> Any:
    """Attribute lookup (on a date) for rule conditions and eligibility on a profile being drawn."""
    values = {
        "position": post.id,
        "unit": unit.name,
        "gender": person.gender,
        "party_member": profile.party_member,
        "ethnic_minority": profile.ethnic_minority,
        "difficult_area": unit.difficult_area,
        "grade": profile.grade or None,
        "education": profile.education,
        "education_field": profile.education_field or None,
        "political_theory": profile.political_theory,
        "state_management": profile.state_management,
        "it": profile.it or None,
        "language": profile.language or None,
        "leader_group": int(profile.leader_group) if profile.leader_group else post.leader_group,
        "position_level": post.level,
        "position_category": post.category,
        "position_groups": post.groups,
        "planning_pool": profile.planning_pool or None,
        "education_field_matches": not post.education_fields
        or profile.education_field in post.education_fields,
    }
    ratings = profile.ratings.split(";")
    good = 0
    for rating in reversed(ratings):
        if rating not in ("good", "excellent"):
            break
        good += 1
    values["good_ratings_in_a_row"] = good

    since = {
        "age": person.birth,
        "years_of_service": person.started_on,
        "years_in_position": person.appointed_on,
    }

    def on(day: dt.date) -> Any:
        def lookup(name: str) -> Any:
            start = since.get(name)
            return values.get(name) if start is None else whole_years_between(start, day)

        return lookup

    return on


# ---------------------------------------------------------------------------------------------
# Quotas (presets): exact counts per level, higher levels more likely on key posts


def assign_quotas(
    quotas: Sequence[Quota], posts: Sequence[str], rng: random.Random
) -> list[dict[str, str]]:
    fixed: list[dict[str, str]] = [{} for _ in posts]
    for quota in quotas:
        # Weighted random order (Efraimidis-Spirakis keys): the heavier the tier, the earlier.
        keys = []
        for index, position in enumerate(posts):
            weight = STATS.quota_tier_weight[POST_PROFILES[position].tier]
            keys.append((-(rng.random() ** (1 / weight)), index))
        order = [index for _, index in sorted(keys)]
        start = 0
        for count, mix in quota.groups:
            picker = Picker(mix)
            for index in order[start : start + count]:
                fixed[index][quota.field] = picker(rng)
            start += count
    return fixed
