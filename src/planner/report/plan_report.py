"""The plan as a planner hands it on: a multi-sheet Excel workbook and a self-contained HTML
page, in the report language, from the plan and the case it was made for.

`report/plan.py` keeps the Plan JSON and the compact console tables; this module adds what a
meeting needs: names instead of ids, the needs with their reasons and references, the budget
used and left per year and source, one line per unit, and the seat use of every session.
The Plan JSON Schema published by `planner schema plan` is defined here too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from planner.i18n import format_date, format_vnd, t
from planner.report.assessment import need_detail_cells, need_detail_columns, official_columns
from planner.report.html import Card, Page, Section, format_number, write_page
from planner.report.plan_text import render, shortfall_lines
from planner.report.tabular import Column, Sheet, write_xlsx
from planner.report.text import need_reason
from planner.types import NeedKind

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from planner.assess.needs import Assessment, Need
    from planner.io.case import Case
    from planner.optimise.result import PlanResult

KINDS: tuple[str, ...] = get_args(NeedKind)  # every kind, in the contract's order
PALETTE_KINDS = {
    "standard": "#7b1f4e",
    "qualification": "#1f4e79",
    "competency": "#2e7d32",
    "mandatory": "#b26a00",
}
COLOURS = {
    "met": "#2e7d32",
    "open": "#c9d3de",
    "used": "#1f4e79",
    "left": "#9ecae1",
    "seats": "#d9e2ec",
    "over": "#c62828",
}


# ---------------------------------------------------------------------------------------------
# The context every sheet and chart reads


@dataclass(frozen=True)
class PlanReport:
    """A plan with the case and assessment it was made from, in one language."""

    case: Case
    plan: PlanResult
    assessment: Assessment
    lang: str

    @classmethod
    def of(cls, case: Case, plan: PlanResult, assessment: Assessment, lang: str) -> PlanReport:
        return cls(
            case, with_names(with_true_causes(plan), case, assessment, lang), assessment, lang
        )

    @cached_property
    def catalog_sessions(self) -> dict[str, tuple[Any, Any]]:
        """session id → (course, session) of the catalog."""
        return {s.id: (c, s) for c in self.case.catalog.courses.values() for s in c.sessions}

    @cached_property
    def class_costs(self) -> list[ClassCost]:
        """One line per session the plan runs: its participants, what they cost, and the fixed
        cost of the class (spent once when the session runs, whoever attends)."""
        from planner.recommend.cost import class_cost

        people: Counter[str] = Counter()
        paid: Counter[str] = Counter()
        first: dict[str, Any] = {}
        for a in self.plan.assignments:
            people[a.session] += 1
            paid[a.session] += a.cost
            first.setdefault(a.session, a)
        out = []
        for sid in sorted(people, key=lambda x: (first[x].start, x)):
            a = first[sid]
            course, session = self.catalog_sessions.get(sid, (None, None))
            fixed = int(class_cost(course, session)) if course is not None else 0
            out.append(
                ClassCost(sid, a.course, a.year, a.funding_source, people[sid], paid[sid], fixed)
            )
        return out

    @cached_property
    def participant_cost(self) -> int:
        return sum(a.cost for a in self.plan.assignments)

    @cached_property
    def class_cost_total(self) -> int:
        return sum(c.fixed for c in self.class_costs)

    @cached_property
    def cost_total(self) -> int:
        """What the plan spends: participants' costs plus the classes' fixed costs."""
        return self.participant_cost + self.class_cost_total

    @cached_property
    def unit_class_share(self) -> Counter[str]:
        """Each class's fixed cost shared among the units by their number of participants
        (largest remainder, so that the shares add up to the class cost to the đồng)."""
        by_session: dict[str, Counter[str]] = defaultdict(Counter)
        for a in self.plan.assignments:
            by_session[a.session][self.unit(a.official_id)] += 1
        share: Counter[str] = Counter()
        for line in self.class_costs:
            share.update(split_by_count(line.fixed, by_session[line.session]))
        return share

    @cached_property
    def gap_warning(self) -> str:
        """The warning at the top of every output when the plan is not proved near-best."""
        return gap_warning(self.plan, self.lang)

    @cached_property
    def officials(self) -> dict[str, Any]:
        return {o.id: o for o in self.case.officials}

    @cached_property
    def needs(self) -> dict[tuple[str, str], Need]:
        return {(n.official_id, n.need): n for n in self.assessment.needs}

    @cached_property
    def unmet_keys(self) -> set[tuple[str, str]]:
        return {(u.official_id, u.need) for u in self.plan.unmet}

    @cached_property
    def closed_by(self) -> dict[tuple[str, str], Any]:
        return {(a.official_id, n): a for a in self.plan.assignments for n in a.needs}

    def name(self, official_id: str) -> str:
        official = self.officials.get(official_id)
        return official.full_name if official else ""

    def unit(self, official_id: str) -> str:
        official = self.officials.get(official_id)
        return official.unit if official else ""

    def official_cells(self, official_id: str) -> list[str]:
        """The cells under `official_columns`: id, name, unit."""
        return [official_id, self.name(official_id), self.unit(official_id)]

    def course_title(self, course_id: str) -> str:
        course = self.case.catalog.courses.get(course_id)
        return course.title.in_lang(self.lang) if course else course_id

    def need_label(self, official_id: str, need_id: str) -> str:
        from planner.report.assessment import describe_need

        need = self.needs.get((official_id, need_id))
        return describe_need(need, self.case.framework, self.lang) if need else need_id

    def source(self, source: str) -> str:
        return funding_label(source, self.lang)

    def is_met(self, need: Need) -> bool:
        return (need.official_id, need.need) not in self.unmet_keys

    @cached_property
    def budget_rows(self) -> list[tuple[int, str, int, int]]:
        """(year, source, budget, spent) for every line budgeted or spent on."""
        totals = self.plan.totals
        cost = {(int(y), s): v for y, by in totals.get("cost", {}).items() for s, v in by.items()}
        budget = {(b.year, b.source): b.amount for b in self.case.config.budget}
        years = set(self.plan.years or self.case.config.years)
        keys = sorted(k for k in set(cost) | set(budget) if k[0] in years or cost.get(k))
        return [(y, s, budget.get((y, s), 0), cost.get((y, s), 0)) for y, s in keys]

    @cached_property
    def sessions(self) -> list[tuple[Any, Any, int]]:
        """(course, session, seats used) for every catalog session in the plan's years."""
        seats = self.plan.totals.get("seats", {})
        years = set(self.plan.years or self.case.config.years)
        courses = [self.case.catalog.courses[c] for c in sorted(self.case.catalog.courses)]
        out = [
            (course, session, int(seats.get(session.id, 0)))
            for course in courses
            for session in course.sessions
            if session.start.year in years and session.start >= self.case.reference_date
        ]
        out.sort(key=lambda r: (r[1].start, r[1].id))
        return out


@dataclass(frozen=True)
class ClassCost:
    session: str
    course: str
    year: int
    source: str
    participants: int
    participant_cost: int
    fixed: int

    @property
    def total(self) -> int:
        return self.participant_cost + self.fixed


def split_by_count(amount: int, counts: Counter[str]) -> Counter[str]:
    """`amount` shared in proportion to `counts`, in whole đồng, adding up exactly."""
    whole = sum(counts.values())
    if not whole or not amount:
        return Counter()
    parts = {k: amount * n // whole for k, n in counts.items()}
    rest = amount - sum(parts.values())
    # the đồng left over go to the largest remainders (ties: by name, deterministic)
    order = sorted(counts, key=lambda k: (-(amount * counts[k] % whole), k))
    for k in order[:rest]:
        parts[k] += 1
    return Counter(parts)


def with_true_causes(plan: PlanResult) -> PlanResult:
    """The plan with needs left by a search stopped far from its bound marked so
    (`explain.stopped_early`); the same plan otherwise."""
    from dataclasses import replace

    from planner.optimise.explain import stopped_early

    unmet = stopped_early(plan.unmet, plan.gap)
    return plan if unmet is plan.unmet else replace(plan, unmet=unmet)


def with_names(plan: PlanResult, case: Case, assessment: Assessment, lang: str) -> PlanResult:
    """The plan with course ids and need ids inside its reasons and causes replaced by course
    titles and need names (the optimiser's facts name ids; a reader wants names)."""
    from dataclasses import replace

    from planner.domain.message import Message
    from planner.report.assessment import describe_need

    titles = {cid: c.title.in_lang(lang) for cid, c in case.catalog.courses.items()}
    names = {
        (n.official_id, n.need): describe_need(n, case.framework, lang) for n in assessment.needs
    }

    def fix(m: Message, who: str) -> Message:
        args: dict[str, Any] = {}
        for key, value in m.args.items():
            if isinstance(value, Message):
                value = fix(value, who)
            elif isinstance(value, tuple) and all(isinstance(v, Message) for v in value):
                value = tuple(fix(v, who) for v in value)
            elif key == "course" and isinstance(value, str) and value in titles:
                value = f"«{titles[value]}»"
            elif key == "need" and isinstance(value, str):
                value = names.get((who, value), value)
            elif key == "source" and isinstance(value, str):
                value = funding_label(value, lang)
            elif key == "needs" and isinstance(value, str):
                value = "; ".join(names.get((who, v.strip()), v.strip()) for v in value.split(","))
            args[key] = value
        return Message(m.key, args, tuple(fix(x, who) for x in m.then))

    return replace(
        plan,
        assignments=[replace(a, reason=fix(a.reason, a.official_id)) for a in plan.assignments],
        unmet=[replace(u, detail=fix(u.detail, u.official_id)) for u in plan.unmet],
    )


def suggested_time(plan: PlanResult) -> int:
    """A likely time limit (s) to bring the gap under 1 %: the run time scaled by how far the
    gap is above 1 %, rounded up to ten seconds. A rule of thumb measured on the bundled
    examples (the gap roughly halves when the time doubles), not a promise."""
    import math

    from planner.optimise.explain import GAP_WARNING

    if plan.gap is None or plan.gap <= GAP_WARNING:
        return 0
    doublings = math.log2(plan.gap / GAP_WARNING)
    seconds = max(plan.time_s, 1.0) * 2**doublings
    return int(math.ceil(seconds / 10) * 10)


def gap_warning(plan: PlanResult, lang: str) -> str:
    from planner.optimise.explain import COUPLED_CAUSES, GAP_WARNING

    if plan.gap is None or plan.gap <= GAP_WARNING:
        return ""
    # before or after `with_true_causes`: the same needs
    stopped = sum(1 for u in plan.unmet if u.cause in COUPLED_CAUSES | {"solver_stopped"})
    return t(
        lang,
        "report.plan.gap_warning",
        gap=format_number(100 * plan.gap, lang, 1),
        time=format_number(plan.time_s, lang, 1),
        count=format_number(stopped, lang),
        suggest=suggested_time(plan),
    )


def funding_label(source: str, lang: str) -> str:
    key = f"funding.{source}"
    text = t(lang, key)
    return source if text == key else text


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# ---------------------------------------------------------------------------------------------
# Sheets


def summary_rows(r: PlanReport, with_run: bool = True) -> list[tuple[str, str]]:
    """(label, value) lines of the summary, as the reader sees them; `with_run` adds how the
    plan was solved (engine, seed), which the golden text leaves out."""
    lang, plan = r.lang, r.plan
    needs = plan.totals.get("needs", {})
    everything = needs.get("all", {"met": 0, "total": 0})
    budget_total = sum(b for _, _, b, _ in r.budget_rows)
    cost_total = sum(s for _, _, _, s in r.budget_rows)
    years = plan.years or tuple(r.case.config.years)
    rows = [
        (t(lang, "report.plan.case"), plan.name or r.case.config.name),
        (t(lang, "report.plan.reference_date"), format_date(r.case.reference_date, lang)),
        (
            t(lang, "report.plan.years"),
            f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        ),
        (t(lang, "report.plan.status"), t(lang, f"plan.status.{plan.status}")),
        # status infeasible_rules: what falls short and the remedy, at the top
        *[(t(lang, "plan.shortfall.who"), line) for line in shortfall_lines(lang, plan)[1:]],
        (t(lang, "report.plan.officials"), format_number(len(r.case.officials), lang)),
        (
            t(lang, "report.plan.trained"),
            format_number(
                plan.totals.get(
                    "officials_trained", len({a.official_id for a in plan.assignments})
                ),
                lang,
            ),
        ),
        (t(lang, "report.plan.assignments"), format_number(len(plan.assignments), lang)),
        (
            t(lang, "report.plan.needs_met"),
            _share_text(everything["met"], everything["total"], lang),
        ),
    ]
    rows.extend(
        (
            t(lang, "report.plan.needs_met_kind", kind=t(lang, f"kind.{kind}")),
            _share_text(needs[kind]["met"], needs[kind]["total"], lang),
        )
        for kind in KINDS
        if kind in needs
    )
    rows += [
        (t(lang, "report.plan.cost_participants"), format_vnd(r.participant_cost, lang)),
        (
            t(lang, "report.plan.cost_classes", count=format_number(len(r.class_costs), lang)),
            format_vnd(r.class_cost_total, lang),
        ),
        (t(lang, "report.plan.cost"), format_vnd(cost_total, lang)),
        (t(lang, "report.plan.budget"), format_vnd(budget_total, lang)),
        (t(lang, "report.plan.left"), format_vnd(budget_total - cost_total, lang)),
        (
            t(lang, "report.plan.sessions_running"),
            format_number(plan.totals.get("sessions_running", 0), lang),
        ),
        (
            t(lang, "report.plan.objective"),
            t(
                lang,
                "report.plan.objective_value",
                objective=format_number(plan.objective, lang),
                bound=format_number(plan.bound, lang),
                gap=format_number(100 * plan.gap, lang, 1),
            ),
        ),
    ]
    if with_run:
        rows.append((t(lang, "report.plan.engine"), f"{plan.engine}, seed {plan.seed}"))
        rows.append(
            (
                t(lang, "report.plan.time"),
                t(lang, "report.seconds", value=format_number(plan.time_s, lang, 1)),
            )
        )
    return rows


def _share_text(part: int, whole: int, lang: str) -> str:
    share = _pct(part, whole)
    pct = "" if share is None else f" ({format_number(share, lang, 1)}%)"  # 96,2% in vi
    return f"{format_number(part, lang)}/{format_number(whole, lang)}{pct}"


def summary_text(r: PlanReport) -> str:
    """The summary as plain text, without run details (golden tests)."""
    rows = summary_rows(r, with_run=False)
    width = max(len(label) for label, _ in rows)
    title = t(r.lang, "report.plan.title", name=r.plan.name or r.case.config.name)
    return (
        "\n".join(
            [title, "=" * len(title)] + [f"{label.ljust(width)}  {value}" for label, value in rows]
        )
        + "\n"
    )


def summary_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    return Sheet(
        t(lang, "report.plan.sheet.summary"),
        [
            Column(t(lang, "plan.table.item"), width=34),
            Column(t(lang, "plan.table.value"), width=60),
        ],
        [list(row) for row in summary_rows(r)],
        warnings=[r.gap_warning] if r.gap_warning else [],
    )


def needs_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    columns = [
        *official_columns(lang, t(lang, "report.col.official_id")),
        Column(t(lang, "table.need"), width=36),
        Column(t(lang, "report.col.need_id")),
        *need_detail_columns(lang),
        Column(t(lang, "report.col.in_plan")),
        # wrapped columns of moderate width: the sheet prints one page wide, and readable
        Column(t(lang, "report.col.planned_session"), width=36),
        Column(t(lang, "table.reason"), width=60),
        Column(t(lang, "table.reference"), width=36),
    ]
    rows = []
    for need in r.assessment.needs:
        assignment = r.closed_by.get((need.official_id, need.need))
        rows.append(
            [
                *r.official_cells(need.official_id),
                r.need_label(need.official_id, need.need),
                need.need,
                *need_detail_cells(need, lang),
                t(lang, "report.met") if r.is_met(need) else t(lang, "report.open"),
                f"{assignment.session} ({r.course_title(assignment.course)})" if assignment else "",
                need_reason(need, lang),
                need.reference.cite(),
            ]
        )
    return Sheet(t(lang, "report.plan.sheet.needs"), columns, rows)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def assignments_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    sessions = {s.id: s for c in r.case.catalog.courses.values() for s in c.sessions}
    columns = [
        *official_columns(lang, t(lang, "report.col.official_id")),
        Column(t(lang, "table.course"), width=44),
        Column(t(lang, "report.col.course_id")),
        Column(t(lang, "plan.table.session")),
        Column(t(lang, "plan.table.year"), "year"),
        Column(t(lang, "plan.table.start"), "date"),
        Column(t(lang, "plan.table.end"), "date"),
        Column(t(lang, "report.col.location")),
        Column(t(lang, "plan.table.cost"), "vnd"),
        Column(t(lang, "plan.table.source")),
        Column(t(lang, "plan.table.needs"), width=40),
        Column(t(lang, "plan.table.reason"), width=80),
    ]
    rows = []
    for a in r.plan.assignments:
        session = sessions.get(a.session)
        rows.append(
            [
                *r.official_cells(a.official_id),
                r.course_title(a.course),
                a.course,
                a.session,
                str(a.year),
                _date(a.start) or (session.start if session else None),
                _date(a.end) or (session.end if session else None),
                session.location if session else "",
                a.cost,
                r.source(a.funding_source),
                "; ".join(r.need_label(a.official_id, n) for n in a.needs),
                render(lang, a.reason),
            ]
        )
    # The plan's cost in full under its rows: participants, then the classes' fixed costs
    # (itemised per session on their own sheet), then the sum, which the summary repeats.
    label_at = 1  # the name column
    cost_at = next(i for i, c in enumerate(columns) if c.kind == "vnd")

    def total(label: str, amount: int) -> list[Any]:
        row: list[Any] = [None] * len(columns)
        row[label_at], row[cost_at] = label, amount
        return row

    footer = [
        total(t(lang, "report.plan.cost_participants"), r.participant_cost),
        total(
            t(
                lang,
                "report.plan.cost_classes_see",
                count=format_number(len(r.class_costs), lang),
                sheet=t(lang, "report.plan.sheet.classes"),
            ),
            r.class_cost_total,
        ),
        total(t(lang, "report.plan.cost"), r.cost_total),
    ]
    return Sheet(
        t(lang, "report.plan.sheet.plan"),
        columns,
        rows,
        footer=footer,
        warnings=[r.gap_warning] if r.gap_warning else [],
    )


def classes_sheet(r: PlanReport) -> Sheet:
    """Per-class costs itemised: one row per session the plan runs."""
    lang = r.lang
    columns = [
        Column(t(lang, "table.course"), width=44),
        Column(t(lang, "plan.table.session")),
        Column(t(lang, "plan.table.year"), "year"),
        Column(t(lang, "plan.table.source"), width=26),
        Column(t(lang, "report.col.seats_used"), "int"),
        Column(t(lang, "report.col.cost_participants"), "vnd"),
        Column(t(lang, "report.col.cost_class"), "vnd"),
        Column(t(lang, "report.col.cost_total"), "vnd"),
    ]
    rows: list[list[Any]] = [
        [
            r.course_title(c.course),
            c.session,
            c.year,
            r.source(c.source),
            c.participants,
            c.participant_cost,
            c.fixed,
            c.total,
        ]
        for c in r.class_costs
    ]
    footer = [
        [
            t(lang, "table.total"),
            None,
            None,
            None,
            sum(c.participants for c in r.class_costs),
            r.participant_cost,
            r.class_cost_total,
            r.cost_total,
        ]
    ]
    return Sheet(t(lang, "report.plan.sheet.classes"), columns, rows, footer=footer)


def unmet_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    columns = [
        *official_columns(lang, t(lang, "report.col.official_id")),
        Column(t(lang, "table.need"), width=36),
        Column(t(lang, "report.col.need_id")),
        Column(t(lang, "table.kind")),
        Column(t(lang, "table.priority"), "int"),
        Column(t(lang, "plan.table.cause")),
        Column(t(lang, "plan.table.detail"), width=100),
    ]
    rows = []
    for u in r.plan.unmet:
        need = r.needs.get((u.official_id, u.need))
        kind = u.kind or (need.kind if need else "")
        rows.append(
            [
                *r.official_cells(u.official_id),
                r.need_label(u.official_id, u.need),
                u.need,
                t(lang, f"kind.{kind}") if kind else "",
                u.priority or (need.priority if need else 0),
                t(lang, f"optimise.cause.{u.cause}"),
                render(lang, u.detail),
            ]
        )
    return Sheet(
        t(lang, "report.plan.sheet.unmet"),
        columns,
        rows,
        warnings=[r.gap_warning] if r.gap_warning else [],
    )


def budget_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    columns = [
        Column(t(lang, "plan.table.year"), "year"),
        Column(t(lang, "plan.table.source"), width=28),
        Column(t(lang, "report.col.budget"), "vnd"),
        Column(t(lang, "report.col.used"), "vnd"),
        Column(t(lang, "report.col.left"), "vnd"),
        Column(t(lang, "report.col.used_pct"), "pct"),
    ]
    rows: list[list[Any]] = [
        [y, r.source(s), b, c, b - c, _share(c, b)] for y, s, b, c in r.budget_rows
    ]
    budget = sum(b for _, _, b, _ in r.budget_rows)
    cost = sum(c for _, _, _, c in r.budget_rows)
    footer = [[None, t(lang, "table.total"), budget, cost, budget - cost, _share(cost, budget)]]
    return Sheet(t(lang, "report.plan.sheet.budget"), columns, rows, footer=footer)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class UnitLine:
    unit: str
    officials: int
    trained: int
    needs: int
    met: int
    cost: int  # participants' costs
    class_share: int  # the unit's share of the classes' fixed costs, by its participants
    by_kind: dict[str, tuple[int, int]]  # kind → (met, total)

    @property
    def total_cost(self) -> int:
        return self.cost + self.class_share


def unit_lines(r: PlanReport) -> list[UnitLine]:
    staff = Counter(o.unit for o in r.case.officials)
    trained: dict[str, set[str]] = defaultdict(set)
    cost: Counter[str] = Counter()
    for a in r.plan.assignments:
        unit = r.unit(a.official_id)
        trained[unit].add(a.official_id)
        cost[unit] += a.cost
    kinds: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for need in r.assessment.needs:
        entry = kinds[r.unit(need.official_id)][need.kind]
        entry[0] += r.is_met(need)
        entry[1] += 1
    out = []
    for unit in sorted(staff):
        by_kind = {k: (v[0], v[1]) for k, v in sorted(kinds[unit].items())}
        out.append(
            UnitLine(
                unit,
                staff[unit],
                len(trained[unit]),
                sum(v[1] for v in by_kind.values()),
                sum(v[0] for v in by_kind.values()),
                cost[unit],
                r.unit_class_share.get(unit, 0),
                by_kind,
            )
        )
    return out


def _kind_total(lines: list[UnitLine], kind: str) -> str:
    met = sum(x.by_kind.get(kind, (0, 0))[0] for x in lines)
    return f"{met}/{sum(x.by_kind.get(kind, (0, 0))[1] for x in lines)}"


def units_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    columns = [
        Column(t(lang, "table.unit"), width=28),
        Column(t(lang, "table.officials"), "int"),
        Column(t(lang, "report.col.trained"), "int"),
        Column(t(lang, "report.col.needs"), "int"),
        Column(t(lang, "report.col.met"), "int"),
        Column(t(lang, "report.col.open"), "int"),
        Column(t(lang, "report.col.met_pct"), "pct"),
        *[Column(t(lang, "report.col.met_kind", kind=t(lang, f"kind.{k}"))) for k in KINDS],
        Column(t(lang, "report.col.cost_participants"), "vnd"),
        Column(t(lang, "report.col.cost_class_share"), "vnd"),
        Column(t(lang, "report.col.cost_total"), "vnd"),
    ]
    lines = unit_lines(r)
    rows = [
        [
            line.unit,
            line.officials,
            line.trained,
            line.needs,
            line.met,
            line.needs - line.met,
            _share(line.met, line.needs),
            *[
                f"{line.by_kind[k][0]}/{line.by_kind[k][1]}" if k in line.by_kind else ""
                for k in KINDS
            ],
            line.cost,
            line.class_share,
            line.total_cost,
        ]
        for line in lines
    ]
    needs = sum(x.needs for x in lines)
    met = sum(x.met for x in lines)
    footer = [
        [
            t(lang, "table.total"),
            sum(x.officials for x in lines),
            sum(x.trained for x in lines),
            needs,
            met,
            needs - met,
            _share(met, needs),
            *[_kind_total(lines, k) for k in KINDS],
            sum(x.cost for x in lines),
            sum(x.class_share for x in lines),
            sum(x.total_cost for x in lines),
        ]
    ]
    return Sheet(
        t(lang, "report.plan.sheet.units"),
        columns,
        rows,
        footer=footer,
        notes=[t(lang, "report.plan.units_cost_note")],
    )


def sessions_sheet(r: PlanReport) -> Sheet:
    lang = r.lang
    columns = [
        Column(t(lang, "table.course"), width=44),
        Column(t(lang, "plan.table.session")),
        Column(t(lang, "plan.table.start"), "date"),
        Column(t(lang, "plan.table.end"), "date"),
        Column(t(lang, "report.col.location")),
        Column(t(lang, "report.col.seats"), "int"),
        Column(t(lang, "report.col.seats_used"), "int"),
        Column(t(lang, "report.col.fill_pct"), "pct"),
    ]
    rows = [
        [
            course.title.in_lang(lang),
            session.id,
            session.start,
            session.end,
            session.location,
            session.seats,
            used,
            _share(used, session.seats),
        ]
        for course, session, used in r.sessions
    ]
    return Sheet(t(lang, "report.plan.sheet.sessions"), columns, rows)


def plan_workbook_sheets(r: PlanReport) -> list[Sheet]:
    from planner.report.signable import signable_sheet

    return [
        summary_sheet(r),
        signable_sheet(r),
        needs_sheet(r),
        assignments_sheet(r),
        classes_sheet(r),
        unmet_sheet(r),
        budget_sheet(r),
        units_sheet(r),
        sessions_sheet(r),
    ]


def write_plan_xlsx(
    path: Path, case: Case, plan: PlanResult, assessment: Assessment, lang: str
) -> None:
    """The plan workbook; `assessment` is the one the plan was built from."""
    write_xlsx(path, plan_workbook_sheets(PlanReport.of(case, plan, assessment, lang)))


# ---------------------------------------------------------------------------------------------
# Charts


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_layout(fig: go.Figure, title: str, names: list[str], lang: str, x_title: str = "") -> None:
    """Stacked horizontal bars with fixed room for the labels (plotly's automatic margin can
    loop on long Vietnamese labels) and the legend above."""
    longest = max((len(n) for n in names), default=10)
    fig.update_yaxes(automargin=False, autorange="reversed")
    fig.update_layout(
        title=title,
        barmode="stack",
        height=max(300, 90 + 28 * len(names)),
        margin={"l": min(380, 24 + 7 * longest), "t": 60, "b": 50},
        xaxis={"title": x_title},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )


def units_figure(r: PlanReport) -> go.Figure | None:
    import plotly.graph_objects as go

    lines = [line for line in unit_lines(r) if line.needs]
    if not lines:
        return None
    lang = r.lang
    names = [_short(line.unit) for line in lines]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[line.met for line in lines],
        orientation="h",
        name=t(lang, "report.met"),
        marker_color=COLOURS["met"],
    )
    fig.add_bar(
        y=names,
        x=[line.needs - line.met for line in lines],
        orientation="h",
        name=t(lang, "report.open"),
        marker_color=COLOURS["open"],
    )
    hbar_layout(fig, t(lang, "report.plan.chart.units"), names, lang, t(lang, "report.col.needs"))
    return fig


def kinds_figure(r: PlanReport) -> go.Figure | None:
    import plotly.graph_objects as go

    needs = r.plan.totals.get("needs", {})
    kinds = [k for k in KINDS if k in needs]
    if not kinds:
        return None
    lang = r.lang
    names = [t(lang, f"kind.{k}") for k in kinds]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[needs[k]["met"] for k in kinds],
        orientation="h",
        name=t(lang, "report.met"),
        marker_color=COLOURS["met"],
        text=[_share_text(needs[k]["met"], needs[k]["total"], lang) for k in kinds],
        textposition="auto",
    )
    fig.add_bar(
        y=names,
        x=[needs[k]["total"] - needs[k]["met"] for k in kinds],
        orientation="h",
        name=t(lang, "report.open"),
        marker_color=COLOURS["open"],
    )
    hbar_layout(fig, t(lang, "report.plan.chart.kinds"), names, lang, t(lang, "report.col.needs"))
    return fig


def budget_figure(r: PlanReport) -> go.Figure | None:
    import plotly.graph_objects as go

    rows = [row for row in r.budget_rows if row[2] or row[3]]
    if not rows:
        return None
    lang = r.lang
    names = [f"{y} · {r.source(s)}" for y, s, _, _ in rows]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[c / 1e6 for _, _, _, c in rows],
        orientation="h",
        name=t(lang, "report.col.used"),
        marker_color=COLOURS["used"],
        hovertext=[format_vnd(c, lang) for _, _, _, c in rows],
        hoverinfo="text+name",
    )
    fig.add_bar(
        y=names,
        x=[max(0, b - c) / 1e6 for _, _, b, c in rows],
        orientation="h",
        name=t(lang, "report.col.left"),
        marker_color=COLOURS["left"],
        hovertext=[format_vnd(b - c, lang) for _, _, b, c in rows],
        hoverinfo="text+name",
    )
    hbar_layout(
        fig, t(lang, "report.plan.chart.budget"), names, lang, t(lang, "report.million_vnd")
    )
    return fig


def seats_figure(r: PlanReport) -> go.Figure | None:
    """Seats used against seats offered, for every session that runs in the plan."""
    import plotly.graph_objects as go

    running = [(c, s, used) for c, s, used in r.sessions if used]
    if not running:
        return None
    lang = r.lang
    names = [f"{s.id} · {_short(c.title.in_lang(lang), 30)}" for c, s, _ in running]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[used for _, _, used in running],
        orientation="h",
        name=t(lang, "report.col.seats_used"),
        marker_color=COLOURS["used"],
        text=[f"{used}/{s.seats}" for _, s, used in running],
        textposition="auto",
    )
    fig.add_bar(
        y=names,
        x=[max(0, s.seats - used) for _, s, used in running],
        orientation="h",
        name=t(lang, "report.seats_free"),
        marker_color=COLOURS["seats"],
    )
    hbar_layout(fig, t(lang, "report.plan.chart.seats"), names, lang, t(lang, "report.col.seats"))
    return fig


def causes_figure(r: PlanReport) -> go.Figure | None:
    import plotly.graph_objects as go

    causes = Counter(u.cause for u in r.plan.unmet)
    if not causes:
        return None
    lang = r.lang
    ordered = causes.most_common()
    names = [t(lang, f"optimise.cause.{c}") for c, _ in ordered]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[n for _, n in ordered],
        orientation="h",
        marker_color=COLOURS["over"],
        text=[str(n) for _, n in ordered],
        textposition="auto",
        name=t(lang, "report.plan.sheet.unmet"),
    )
    hbar_layout(fig, t(lang, "report.plan.chart.causes"), names, lang, t(lang, "report.col.needs"))
    fig.update_layout(showlegend=False)
    return fig


# ---------------------------------------------------------------------------------------------
# The page


def plan_cards(r: PlanReport) -> list[Card]:
    lang, plan = r.lang, r.plan
    everything = plan.totals.get("needs", {}).get("all", {"met": 0, "total": 0})
    share = _pct(everything["met"], everything["total"]) or 0.0
    budget = sum(b for _, _, b, _ in r.budget_rows)
    cost = r.cost_total
    return [
        Card(
            t(lang, "report.plan.needs_met"),
            f"{format_number(share, lang, 1)}%",
            t(
                lang,
                "report.card.of",
                part=format_number(everything["met"], lang),
                whole=format_number(everything["total"], lang),
            ),
            "good" if share >= 80 else "warn" if share >= 50 else "bad",
        ),
        Card(
            t(lang, "report.plan.trained"),
            format_number(plan.totals.get("officials_trained", 0), lang),
            t(lang, "report.card.of_officials", whole=format_number(len(r.case.officials), lang)),
        ),
        # Millions in the card (a full VND figure does not fit); exact figures in the note.
        Card(
            t(lang, "report.plan.cost"),
            t(lang, "report.million_short", value=format_number(cost / 1e6, lang, 1)),
            t(lang, "report.card.of_budget", budget=format_vnd(budget, lang)),
        ),
        Card(
            t(lang, "report.plan.sessions_running"),
            format_number(plan.totals.get("sessions_running", 0), lang),
        ),
        Card(
            t(lang, "report.plan.unmet"),
            format_number(len(plan.unmet), lang),
            tone="good" if not plan.unmet else "warn",
        ),
        Card(
            t(lang, "report.plan.status"),
            t(lang, f"plan.status.{plan.status}"),
            t(lang, "report.card.gap", gap=format_number(100 * plan.gap, lang, 1)),
            "good" if plan.status == "optimal" else "neutral",
        ),
    ]


def plan_page(r: PlanReport) -> Page:
    lang = r.lang
    sections = [
        Section(
            t(lang, "report.plan.section.units"),
            t(lang, "report.plan.section.units_intro"),
            figure=units_figure(r),
            table=units_sheet(r),
        ),
        Section(t(lang, "report.plan.section.kinds"), figure=kinds_figure(r)),
        Section(
            t(lang, "report.plan.section.budget"),
            t(lang, "report.plan.section.budget_intro"),
            figure=budget_figure(r),
            table=budget_sheet(r),
        ),
        Section(
            t(lang, "report.plan.section.seats"),
            t(lang, "report.plan.section.seats_intro"),
            figure=seats_figure(r),
            table=sessions_sheet(r),
        ),
        Section(
            t(lang, "report.plan.section.plan"),
            t(lang, "report.plan.section.plan_intro"),
            table=assignments_sheet(r),
        ),
        Section(
            t(lang, "report.plan.section.classes"),
            t(lang, "report.plan.section.classes_intro"),
            table=classes_sheet(r),
        ),
        Section(
            t(lang, "report.plan.section.unmet"),
            t(lang, "report.plan.section.unmet_intro"),
            figure=causes_figure(r),
            table=unmet_sheet(r),
        ),
    ]
    sections = [s for s in sections if s.figure is not None or (s.table and s.table.rows)]
    short = shortfall_lines(lang, r.plan)
    if short:  # status infeasible_rules: the shortfalls and their remedy come first
        sections.insert(0, Section(short[0], " ".join(short[1:])))
    return Page(
        title=t(lang, "report.plan.title", name=r.plan.name or r.case.config.name),
        lang=lang,
        subtitle=t(
            lang,
            "report.plan.subtitle",
            date=format_date(r.case.reference_date, lang),
            years=" – ".join(str(y) for y in sorted({r.plan.years[0], r.plan.years[-1]}))
            if r.plan.years
            else "",
        ),
        cards=plan_cards(r),
        sections=sections,
        warnings=[r.gap_warning] if r.gap_warning else [],
        notes=[t(lang, "report.plan.note.objective"), t(lang, "report.note.sort")],
    )


def write_plan_html(
    path: Path, case: Case, plan: PlanResult, assessment: Assessment, lang: str
) -> None:
    """The plan page; `assessment` is the one the plan was built from."""
    write_page(path, plan_page(PlanReport.of(case, plan, assessment, lang)))


__all__ = [
    "PlanReport",
    "funding_label",
    "plan_page",
    "plan_workbook_sheets",
    "summary_text",
    "write_plan_html",
    "write_plan_xlsx",
]
