"""Evaluation after training: did it work?

(issue #8; seeds 000 CIPO "đầu ra", 001 §IV, 003 "Năm là")

Pure functions from the validated training history, catalog, officials and unit indicators to an
`Evaluation`: per course and per session, the four Kirkpatrick levels where data exists.

- reaction: mean learner feedback (1-5) and response rate;
- learning: pass rate and mean score (0-100);
- behaviour: competence measured before → after, and the share of measured participants who
  reached the level the catalog says the course delivers (its *target*);
- results: unit indicators the year before vs. the year of training, in units whose staff took
  the course against units whose staff did not (a difference in differences). This is an
  association, not a proof: units are not assigned to training at random.

Missing data stays missing: a level without data is `None` ("no data"), never a zero. Every
participant record counts once (an official who took a course twice counts twice).

No text is made here: a course title, a flag reason and the note are facts (a `LocalizedText`, a
`Message`); `planner.report.evaluation.rendered(evaluation, lang)` makes the words, and only a
rendered evaluation serialises (its JSON is the Evaluation JSON of DESIGN §4).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from planner.domain.catalog import Catalog, Course
from planner.domain.message import Message
from planner.domain.profile import Official, TrainingRecord
from planner.io.indicators import IndicatorValue
from planner.law.reference import StrictModel

if TYPE_CHECKING:
    from planner.io.case import Case


class EvaluationSettings(StrictModel):
    """Thresholds of the evaluation. These are a training department's choices, not law."""

    # A course is flagged when fewer of its measured participants than this reach the level it
    # claims to deliver. 0.6 is a deliberately modest bar: most participants should get there.
    min_share_reaching_target: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Flag a course when the share of measured participants reaching its target "
        "level is below this",
    )
    # Too few measurements say little: below this many, a course is reported but never flagged.
    min_measured_to_flag: int = Field(
        default=3,
        ge=1,
        description="Fewest participants measured after training before a course can be flagged",
    )


class _Out(BaseModel):
    """Base of the result models: the JSON output is their dump, the JSON Schema their schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _words(value: Any) -> str | None:
    """Serialise a text field: only words, i.e. after `planner.report.evaluation.rendered`."""
    if value is None or isinstance(value, str):
        return value
    raise TypeError(
        "an Evaluation holds facts, not text: render it first "
        "(planner.report.evaluation.rendered(evaluation, lang))"
    )


# A text field: facts (a title's LocalizedText, a Message) in the core, words once rendered.
Text = Annotated[Any, PlainSerializer(_words, return_type=str)]
OptionalText = Annotated[Any, PlainSerializer(_words, return_type=str | None)]


class Reaction(_Out):
    """Kirkpatrick level 1: learners' feedback."""

    responses: int = Field(description="Participants who gave feedback")
    response_rate: float = Field(ge=0, le=1, description="responses / participants")
    mean_feedback: float = Field(ge=1, le=5, description="Mean feedback, 1 (poor) to 5 (excellent)")
    counts: list[int] = Field(
        min_length=5, max_length=5, description="Number of answers 1, 2, 3, 4 and 5"
    )


class Learning(_Out):
    """Kirkpatrick level 2: results of the course itself."""

    passed: int
    failed: int
    dropped: int
    pass_rate: float = Field(ge=0, le=1, description="passed / participants")
    scored: int = Field(description="Participants with a score")
    mean_score: float | None = Field(
        default=None, ge=0, le=100, description="Mean score 0-100; null: no scores"
    )


class CompetencyChange(_Out):
    """Kirkpatrick level 3 for one competency: measured before → after the course."""

    competency: str
    target: int | None = Field(
        description="Level the catalog says the course delivers; null: the "
        "course does not claim this competency"
    )
    measured: int = Field(description="Participants measured after training")
    paired: int = Field(description="Participants measured both before and after")
    mean_before: float | None = Field(description="Mean level before, over the paired")
    mean_after: float | None = Field(description="Mean level after, over the paired")
    mean_change: float | None = Field(description="Mean after − before, over the paired")
    reached: int | None = Field(description="Measured participants at or above the target")
    share_reaching: float | None = Field(ge=0, le=1, description="reached / measured")


class Behaviour(_Out):
    competencies: list[CompetencyChange]
    measured: int = Field(description="Participant × delivered competency measurements after")
    reached: int = Field(description="Of those, at or above the course's target level")
    share_reaching: float | None = Field(
        ge=0, le=1, description="reached / measured; null when no delivered competency was measured"
    )


class IndicatorEffect(_Out):
    """Kirkpatrick level 4 for one indicator: a difference in differences, an association only."""

    indicator: str
    better: Literal["higher", "lower"]
    before_year: int
    after_year: int
    trained_units: list[str] = Field(description="Units whose staff took the course")
    comparison_units: list[str] = Field(description="Units whose staff did not take it")
    trained_before: float
    trained_after: float
    comparison_before: float
    comparison_after: float
    trained_change: float
    comparison_change: float
    difference: float = Field(description="trained_change − comparison_change")
    favourable: bool | None = Field(
        description="Whether the difference points in the indicator's better direction; null if 0"
    )


class GroupEvaluation(_Out):
    """One session of a course (or, where the history names no session, one year of it)."""

    key: str = Field(description="Session id, or the year when the history names no session")
    session: str | None
    year: int | None = Field(description="Year of the group when grouped by year")
    first_day: dt.date
    last_day: dt.date
    participants: int
    has_data: bool = Field(description="Any feedback, score or competency measurement")
    reaction: Reaction | None
    learning: Learning
    behaviour: Behaviour | None
    results: list[IndicatorEffect]


class CourseEvaluation(_Out):
    course: str
    title: Text
    kind: str
    delivers: dict[str, int] = Field(description="Competency → level the catalog says it delivers")
    participants: int
    units: list[str] = Field(description="Units whose staff took the course")
    has_data: bool = Field(description="Any feedback, score or competency measurement")
    reaction: Reaction | None
    learning: Learning
    behaviour: Behaviour | None
    results: list[IndicatorEffect]
    flagged: bool = Field(description="Participants rarely reach the level the course claims")
    flag_reason: OptionalText
    sessions: list[GroupEvaluation]


class EvaluationSummary(_Out):
    courses: int
    courses_with_data: int
    courses_flagged: int
    participants: int
    responses: int
    mean_feedback: float | None
    pass_rate: float | None
    measured: int
    share_reaching: float | None
    units_trained: int
    units_with_indicators: int


class Evaluation(_Out):
    name: str = ""
    reference_date: dt.date
    first_day: dt.date | None = Field(description="Earliest training evaluated")
    last_day: dt.date | None = Field(description="Latest training evaluated")
    settings: EvaluationSettings
    summary: EvaluationSummary
    courses: list[CourseEvaluation]
    indicators: list[str] = Field(description="Names of the unit indicators given")
    note: Text = Field(description="How to read the results level (association, not proof)")


# ---------------------------------------------------------------------------------------------
# One level at a time, over a group of records


def reaction(records: Sequence[TrainingRecord]) -> Reaction | None:
    answers = [r.feedback for r in records if r.feedback is not None]
    if not answers:
        return None
    counts = [sum(1 for a in answers if a == value) for value in range(1, 6)]
    return Reaction(
        responses=len(answers),
        response_rate=len(answers) / len(records),
        mean_feedback=fmean(answers),
        counts=counts,
    )


def learning(records: Sequence[TrainingRecord]) -> Learning:
    by_result = {
        key: sum(1 for r in records if r.result == key) for key in ("passed", "failed", "dropped")
    }
    scores = [r.score for r in records if r.score is not None]
    return Learning(
        **by_result,
        pass_rate=by_result["passed"] / len(records),
        scored=len(scores),
        mean_score=fmean(scores) if scores else None,
    )


def behaviour(records: Sequence[TrainingRecord], delivers: Mapping[str, int]) -> Behaviour | None:
    """Competence before → after. Every record measured after counts, whatever its result: a
    participant who failed or dropped did not get the competence the course claims either."""
    measured_ids = sorted({c for r in records for c in (*r.competency_before, *r.competency_after)})
    if not measured_ids:
        return None
    changes = []
    for competency in measured_ids:
        target = delivers.get(competency)
        after = [
            r.competency_after[competency] for r in records if competency in r.competency_after
        ]
        pairs = [
            (r.competency_before[competency], r.competency_after[competency])
            for r in records
            if competency in r.competency_before and competency in r.competency_after
        ]
        reached = sum(1 for level in after if level >= target) if target is not None else None
        changes.append(
            CompetencyChange(
                competency=competency,
                target=target,
                measured=len(after),
                paired=len(pairs),
                mean_before=fmean(b for b, _ in pairs) if pairs else None,
                mean_after=fmean(a for _, a in pairs) if pairs else None,
                mean_change=fmean(a - b for b, a in pairs) if pairs else None,
                reached=reached,
                share_reaching=reached / len(after) if reached is not None and after else None,
            )
        )
    claimed = [c for c in changes if c.target is not None]
    measured = sum(c.measured for c in claimed)
    reached_total = sum(c.reached or 0 for c in claimed)
    return Behaviour(
        competencies=changes,
        measured=measured,
        reached=reached_total,
        share_reaching=reached_total / measured if measured else None,
    )


def results(
    trained: Mapping[str, int], never_trained: Iterable[str], indicators: Sequence[IndicatorValue]
) -> list[IndicatorEffect]:
    """Difference in differences per indicator. `trained` maps each unit whose staff took the
    course to the year they (first) did; each such unit is compared from the year before to that
    year with the units of `never_trained` over the same two years. Units lacking either value
    are left out; an indicator with no trained or no comparison unit left gives no effect."""
    value: dict[tuple[str, str, int], float] = {}
    better: dict[str, str] = {}
    for item in indicators:
        value[(item.indicator, item.unit, item.year)] = item.value
        better[item.indicator] = item.better
    controls = sorted(set(never_trained))
    effects = []
    for indicator in sorted(better):

        def pair(unit: str, year: int, indicator: str = indicator) -> tuple[float, float] | None:
            before = value.get((indicator, unit, year - 1))
            after = value.get((indicator, unit, year))
            return None if before is None or after is None else (before, after)

        treated: list[tuple[float, float]] = []
        treated_units: list[str] = []
        control_pairs: list[tuple[float, float]] = []  # one per treated unit, its cohort's mean
        control_units: set[str] = set()
        years: set[int] = set()
        for unit in sorted(trained):
            year = trained[unit]
            own = pair(unit, year)
            cohort = [(u, p) for u in controls if (p := pair(u, year)) is not None]
            if own is None or not cohort:
                continue
            treated.append(own)
            treated_units.append(unit)
            # Weighting each cohort's comparison by its trained units keeps a staggered history
            # (courses in several years) comparable to the single-year case.
            control_pairs.append((fmean(p[0] for _, p in cohort), fmean(p[1] for _, p in cohort)))
            control_units.update(u for u, _ in cohort)
            years.add(year)
        if not treated:
            continue
        t_before, t_after = fmean(b for b, _ in treated), fmean(a for _, a in treated)
        c_before, c_after = fmean(b for b, _ in control_pairs), fmean(a for _, a in control_pairs)
        difference = (t_after - t_before) - (c_after - c_before)
        sign = 1 if better[indicator] == "higher" else -1
        effects.append(
            IndicatorEffect(
                indicator=indicator,
                better=better[indicator],  # type: ignore[arg-type]
                before_year=min(years) - 1,
                after_year=max(years),
                trained_units=treated_units,
                comparison_units=sorted(control_units),
                trained_before=t_before,
                trained_after=t_after,
                comparison_before=c_before,
                comparison_after=c_after,
                trained_change=t_after - t_before,
                comparison_change=c_after - c_before,
                difference=difference,
                favourable=None if abs(difference) < 1e-9 else difference * sign > 0,
            )
        )
    return effects


def has_data(records: Iterable[TrainingRecord]) -> bool:
    return any(
        r.feedback is not None or r.score is not None or r.competency_before or r.competency_after
        for r in records
    )


# ---------------------------------------------------------------------------------------------
# Whole evaluation


def _trained_years(records: Iterable[TrainingRecord], unit_of: Mapping[str, str]) -> dict[str, int]:
    first: dict[str, int] = {}
    for record in records:
        unit = unit_of.get(record.official_id)
        if unit is not None:
            first[unit] = min(first.get(unit, record.completed_on.year), record.completed_on.year)
    return first


def _group_key(record: TrainingRecord) -> tuple[str, str | None, int | None]:
    if record.session:
        return record.session, record.session, None
    year = record.completed_on.year
    return str(year), None, year


def evaluate(
    history: Sequence[TrainingRecord],
    catalog: Catalog,
    officials: Sequence[Official],
    indicators: Sequence[IndicatorValue] = (),
    *,
    reference_date: dt.date,
    year: int | None = None,
    settings: EvaluationSettings | None = None,
    name: str = "",
) -> Evaluation:
    """Evaluate the training completed on or before `reference_date` (in `year` only, if given).

    Units are the officials' current units. A unit counts as a comparison unit for a course when
    none of its staff has any record of that course, in any year, so earlier cohorts never pose
    as untrained."""
    settings = settings or EvaluationSettings()
    unit_of = {o.id: o.unit for o in officials}
    all_units = sorted(set(unit_of.values()))
    past = [r for r in history if r.completed_on <= reference_date]
    chosen = [r for r in past if year is None or r.completed_on.year == year]
    by_course: dict[str, list[TrainingRecord]] = defaultdict(list)
    for record in chosen:
        by_course[record.course].append(record)
    ever: dict[str, set[str]] = defaultdict(set)  # course → units with any record of it
    for record in history:
        if record.official_id in unit_of:
            ever[record.course].add(unit_of[record.official_id])

    courses = []
    for cid in sorted(by_course):
        records = sorted(by_course[cid], key=lambda r: (r.completed_on, r.official_id))
        course = catalog.courses.get(cid)
        delivers = dict(course.delivers.competencies) if course else {}
        controls = [u for u in all_units if u not in ever[cid]]
        groups: dict[tuple[str, str | None, int | None], list[TrainingRecord]] = defaultdict(list)
        for record in records:
            groups[_group_key(record)].append(record)
        sessions = [
            _group(key, group, delivers, controls, unit_of, indicators)
            for key, group in groups.items()
        ]
        sessions.sort(key=lambda g: (g.first_day, g.key))
        courses.append(
            _course(
                cid, course, records, delivers, controls, unit_of, indicators, sessions, settings
            )
        )

    return Evaluation(
        name=name,
        reference_date=reference_date,
        first_day=min((r.completed_on for r in chosen), default=None),
        last_day=max((r.completed_on for r in chosen), default=None),
        settings=settings,
        summary=_summary(courses, chosen, indicators),
        courses=courses,
        indicators=sorted({i.indicator for i in indicators}),
        note=Message("evaluate.note.association"),
    )


def _group(
    key: tuple[str, str | None, int | None],
    records: list[TrainingRecord],
    delivers: Mapping[str, int],
    controls: Sequence[str],
    unit_of: Mapping[str, str],
    indicators: Sequence[IndicatorValue],
) -> GroupEvaluation:
    label, session, year = key
    return GroupEvaluation(
        key=label,
        session=session,
        year=year,
        first_day=min(r.completed_on for r in records),
        last_day=max(r.completed_on for r in records),
        participants=len(records),
        has_data=has_data(records),
        reaction=reaction(records),
        learning=learning(records),
        behaviour=behaviour(records, delivers),
        results=results(_trained_years(records, unit_of), controls, indicators),
    )


def _course(
    cid: str,
    course: Course | None,
    records: list[TrainingRecord],
    delivers: Mapping[str, int],
    controls: Sequence[str],
    unit_of: Mapping[str, str],
    indicators: Sequence[IndicatorValue],
    sessions: list[GroupEvaluation],
    settings: EvaluationSettings,
) -> CourseEvaluation:
    beh = behaviour(records, delivers)
    flagged = (
        beh is not None
        and beh.share_reaching is not None
        and beh.measured >= settings.min_measured_to_flag
        and beh.share_reaching < settings.min_share_reaching_target
    )
    reason: Message | None = None
    if flagged and beh is not None and beh.share_reaching is not None:
        reason = Message(
            "evaluate.flag.below_target",
            {
                "reached": beh.reached,
                "measured": beh.measured,
                "share": round(100 * beh.share_reaching),
                "threshold": round(100 * settings.min_share_reaching_target),
            },
        )
    trained = _trained_years(records, unit_of)
    return CourseEvaluation(
        course=cid,
        title=course.title if course else cid,
        kind=course.kind if course else "",
        delivers=dict(delivers),
        participants=len(records),
        units=sorted(trained),
        has_data=has_data(records),
        reaction=reaction(records),
        learning=learning(records),
        behaviour=beh,
        results=results(trained, controls, indicators),
        flagged=flagged,
        flag_reason=reason,
        sessions=sessions,
    )


def _summary(
    courses: Sequence[CourseEvaluation],
    records: Sequence[TrainingRecord],
    indicators: Sequence[IndicatorValue],
) -> EvaluationSummary:
    answers = [r.feedback for r in records if r.feedback is not None]
    measured = sum(c.behaviour.measured for c in courses if c.behaviour)
    reached = sum(c.behaviour.reached for c in courses if c.behaviour)
    return EvaluationSummary(
        courses=len(courses),
        courses_with_data=sum(1 for c in courses if c.has_data),
        courses_flagged=sum(1 for c in courses if c.flagged),
        participants=len(records),
        responses=len(answers),
        mean_feedback=fmean(answers) if answers else None,
        pass_rate=(
            sum(1 for r in records if r.result == "passed") / len(records) if records else None
        ),
        measured=measured,
        share_reaching=reached / measured if measured else None,
        units_trained=len({u for c in courses for u in c.units}),
        units_with_indicators=len({i.unit for i in indicators}),
    )


def course_effectiveness(evaluation: Evaluation) -> dict[str, float | None]:
    """Measured effectiveness per course: the share of measured participants who reached the
    level the course claims to deliver; None where nothing was measured. Feed the non-None
    values to `recommend(..., effectiveness=...)` to weight candidates by what worked."""
    return {
        c.course: c.behaviour.share_reaching if c.behaviour else None for c in evaluation.courses
    }


def case_effectiveness(case: Case) -> dict[str, float | None]:
    """Course → measured effectiveness (None: no data) from the case's evaluated history (the
    weights of `planner plan --weight-by-effectiveness`)."""
    return course_effectiveness(evaluate_case(case))


def evaluate_case(
    case: Case,
    *,
    year: int | None = None,
    settings: EvaluationSettings | None = None,
    on: dt.date | None = None,
) -> Evaluation:
    return evaluate(
        case.history,
        case.catalog,
        case.officials,
        case.indicators,
        reference_date=on or case.reference_date,
        year=year,
        settings=settings,
        name=case.config.name,
    )


__all__ = [
    "Behaviour",
    "CompetencyChange",
    "CourseEvaluation",
    "Evaluation",
    "EvaluationSettings",
    "EvaluationSummary",
    "GroupEvaluation",
    "IndicatorEffect",
    "Learning",
    "Reaction",
    "behaviour",
    "course_effectiveness",
    "evaluate",
    "evaluate_case",
    "learning",
    "reaction",
    "results",
]
