"""The one-page summary a leader signs, in the Vietnamese administrative layout (the form of
Nghị định 30/2020/NĐ-CP on administrative documents): the issuing body and the number/sign
placeholder on the left, the national title (Quốc hiệu and Tiêu ngữ) and the place and date on
the right, the title, the totals by funding source and year, the needs met by kind, the leaders'
knowledge updates over the term, and the signature block.

One content (`Summary`), two layouts: a hand-laid sheet of the plan workbook and an HTML page
printed to a one-page PDF (`report/pdf.py`). Placeholders (dotted lines) stand where the case
does not say: the issuing body, the number, the place and the date are the signer's to fill in
unless given (`planner report --issuer --place --date`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, get_args

from planner.i18n import format_date, format_number, format_vnd, t
from planner.report.tabular import Column, Sheet, Styled
from planner.types import NeedKind

# `r` below is a `planner.report.plan_report.PlanReport` (not imported: plan_report imports
# this module for its workbook, and modules of a package never import each other in a cycle).
PlanReport = Any

DOTS = "……………"
KINDS: tuple[str, ...] = get_args(NeedKind)  # every kind, in the contract's order


@dataclass(frozen=True)
class Header:
    """What the signer may give; a placeholder for what is not given."""

    issuer: str = ""
    place: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Summary:
    issuer: str
    number: str
    national: str
    motto: str
    place_date: str
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    budget_head: list[str]
    budget_unit: str  # "" (whole đồng) or the unit the table is in ("triệu đồng")
    budget: list[list[str]]  # the first two cells are text, the others amounts; last: total
    kinds_head: list[str]
    kinds: list[list[str]]
    leaders: str
    warning: str
    recipients: list[str]
    signer: str
    sign_note: str
    maker: str
    notes: list[str] = field(default_factory=list)


def _place_date(lang: str, header: Header) -> str:
    place = header.place or DOTS
    if header.date is None:
        return t(lang, "sign.place_date_blank", place=place)
    d = header.date
    return t(
        lang,
        "sign.place_date",
        place=place,
        day=f"{d.day:02d}",
        month=f"{d.month:02d}",
        year=d.year,
    )


def _budget_table(r: PlanReport) -> tuple[list[str], list[list[str]], str]:
    """Funding by year and source. One year: a line per source (budget, used, left, in đồng).
    Several years: sources down, years across, in millions, two lines per source (budget and
    used), so that a five-year term still fits the page."""
    lang = r.lang
    lines = [(y, s, b, c) for y, s, b, c in r.budget_rows if b or c]
    years = sorted({y for y, _, _, _ in lines})
    budget = sum(b for _, _, b, _ in lines)
    spent = sum(c for _, _, _, c in lines)
    if len(years) <= 1:
        head = [
            t(lang, "plan.table.year"),
            t(lang, "plan.table.source"),
            t(lang, "report.col.budget"),
            t(lang, "report.col.used"),
            t(lang, "report.col.left"),
        ]
        rows = [
            [str(y), r.source(s), format_vnd(b, lang), format_vnd(c, lang), format_vnd(b - c, lang)]
            for y, s, b, c in lines
        ]
        total = [
            format_vnd(budget, lang),
            format_vnd(spent, lang),
            format_vnd(budget - spent, lang),
        ]
        return head, [*rows, [t(lang, "table.total"), "", *total]], ""

    def million(amount: int) -> str:
        return format_number(amount / 1e6, lang, 1)

    sources = sorted({s for _, s, _, _ in lines})
    cell = {(y, s): (b, c) for y, s, b, c in lines}
    head = [t(lang, "plan.table.source"), "", *map(str, years), t(lang, "table.total")]
    rows = []
    for source in sources:
        for i, label in ((0, "sign.budget_line"), (1, "report.col.used")):
            values = [cell.get((y, source), (0, 0))[i] for y in years]
            rows.append(
                [
                    r.source(source) if i == 0 else "",
                    t(lang, label),
                    *map(million, values),
                    million(sum(values)),
                ]
            )
    for i, label in ((0, "sign.budget_line"), (1, "report.col.used")):
        values = [sum(cell.get((y, s), (0, 0))[i] for s in sources) for y in years]
        rows.append(
            [
                t(lang, "table.total") if i == 0 else "",
                t(lang, label),
                *map(million, values),
                million(sum(values)),
            ]
        )
    return head, rows, t(lang, "sign.unit_million")


def _percent(part: int, whole: int, lang: str) -> str:
    return f"{format_number(100 * part / whole, lang, 1)}%" if whole else ""


def leaders_coverage(r: PlanReport) -> tuple[int, int]:
    """Officials with a knowledge update due over the term (QĐ 145: once per term): how many
    the plan covers in full, of how many."""
    from planner.assess.targets import ProgrammeNeed

    due: dict[str, bool] = {}
    for need in r.assessment.needs:
        target = need.target
        if (
            isinstance(target, ProgrammeNeed)
            and target.term_coverage
            and target.window == "term"
            and target.periods is None
        ):
            due[need.official_id] = due.get(need.official_id, True) and r.is_met(need)
    return sum(due.values()), len(due)


def summary_of(r: PlanReport, header: Header | None = None) -> Summary:
    header = header or Header()
    lang, plan = r.lang, r.plan
    years = plan.years or tuple(r.case.config.years)
    period = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    name = plan.name or r.case.config.name
    needs = plan.totals.get("needs", {})
    budget_head, budget_rows, budget_unit = _budget_table(r)
    spent = sum(c for _, _, _, c in r.budget_rows)
    kinds = [
        [
            t(lang, f"kind.{k}"),
            format_number(needs[k]["met"], lang),
            format_number(needs[k]["total"], lang),
            _percent(needs[k]["met"], needs[k]["total"], lang),
        ]
        for k in (*KINDS, "all")
        if k in needs
    ]
    if kinds:
        kinds[-1][0] = t(lang, "table.total")
    covered, due = leaders_coverage(r)
    term = r.case.config.term
    return Summary(
        issuer=header.issuer.upper() if header.issuer else DOTS,
        number=t(lang, "sign.number"),
        national=t(lang, "sign.national"),
        motto=t(lang, "sign.motto"),
        place_date=_place_date(lang, header),
        title=t(lang, "sign.title"),
        # "Thới Bình 2026" already says its year: no "Thới Bình 2026, 2026"
        subtitle=t(lang, "sign.subtitle", name=name, period=period)
        if period not in name and period.replace("–", "-") not in name
        else t(lang, "sign.subtitle_named", name=name),
        facts=[
            (t(lang, "report.plan.officials"), format_number(len(r.case.officials), lang)),
            (
                t(lang, "report.plan.trained"),
                format_number(len({a.official_id for a in plan.assignments}), lang),
            ),
            (t(lang, "report.plan.assignments"), format_number(len(plan.assignments), lang)),
            (t(lang, "report.plan.sessions_running"), format_number(len(r.class_costs), lang)),
            (t(lang, "report.plan.cost_participants"), format_vnd(r.participant_cost, lang)),
            (
                t(lang, "report.plan.cost_classes", count=format_number(len(r.class_costs), lang)),
                format_vnd(r.class_cost_total, lang),
            ),
            (t(lang, "report.plan.cost"), format_vnd(spent, lang)),
        ],
        budget_head=budget_head,
        budget_unit=budget_unit,
        budget=budget_rows,
        kinds_head=[
            t(lang, "table.kind"),
            t(lang, "report.col.met"),
            t(lang, "report.col.needs"),
            t(lang, "report.col.met_pct"),
        ],
        kinds=kinds,
        leaders=t(
            lang,
            "sign.leaders",
            start=term.start,
            end=term.end,
            covered=format_number(covered, lang),
            due=format_number(due, lang),
        )
        if due
        else t(lang, "sign.leaders_none", start=term.start, end=term.end),
        warning=r.gap_warning,
        recipients=[
            t(lang, "sign.recipients"),
            t(lang, "sign.recipient_1"),
            t(lang, "sign.recipient_2"),
        ],
        signer=t(lang, "sign.signer"),
        sign_note=t(lang, "sign.sign_note"),
        maker=DOTS,
        notes=[t(lang, "sign.assessed_on", date=format_date(r.case.reference_date, lang))],
    )


# ---------------------------------------------------------------------------------------------
# The workbook sheet: five columns, merged cells, A4 portrait on one page


def signable_sheet(r: PlanReport, header: Header | None = None) -> Sheet:
    """The summary as a workbook sheet: the left block over two columns, the right block over
    the rest; as many columns as the budget table needs (years across for a term)."""
    s = summary_of(r, header)
    lang = r.lang
    n = max(5, len(s.budget_head))
    right = n - 2

    def line(text: Any, **style: Any) -> list[Any]:
        return [Styled(text, span=n, **style)]

    def pair(left: Any, other: Any) -> list[Any]:
        return [left, None, other]

    rows: list[list[Any]] = [
        pair(
            Styled(s.issuer, bold=True, align="center", span=2),
            Styled(s.national, bold=True, align="center", span=right),
        ),
        pair(
            Styled(s.number, align="center", span=2),
            Styled(s.motto, bold=True, align="center", span=right),
        ),
        pair(None, Styled(s.place_date, italic=True, align="center", span=right)),
        [],
        line(s.title, bold=True, size=14, align="center"),
        line(s.subtitle, bold=True, align="center"),
        [],
    ]
    if s.warning:
        rows += [line("⚠ " + s.warning, bold=True), []]
    rows.append(line(t(lang, "sign.section.facts"), bold=True))
    rows.extend(
        [Styled(label, span=n - 2), *([None] * (n - 3)), Styled(value, align="right", span=2)]
        for label, value in s.facts
    )
    rows += [[], line(t(lang, "sign.section.budget"), bold=True)]
    if s.budget_unit:
        rows.append(line(s.budget_unit, italic=True, align="right"))
    rows.append([Styled(h, bold=True, align="center") for h in s.budget_head])
    rows.extend([x[0], x[1], *(Styled(v, align="right") for v in x[2:])] for x in s.budget)
    rows += [[], line(t(lang, "sign.section.kinds"), bold=True)]
    rows.append([Styled(h, bold=True, align="center") for h in s.kinds_head])
    rows.extend([x[0], *(Styled(v, align="right") for v in x[1:])] for x in s.kinds)
    rows += [[], line(t(lang, "sign.section.leaders"), bold=True), line(s.leaders), []]
    rows.append(
        pair(
            Styled(s.recipients[0], bold=True, italic=True, span=2),
            Styled(s.signer, bold=True, align="center", span=right),
        )
    )
    rows.append(
        pair(
            Styled(s.recipients[1], span=2),
            Styled(s.sign_note, italic=True, align="center", span=right),
        )
    )
    rows += [[Styled(s.recipients[2], span=2)], [], [], []]
    rows.append(pair(None, Styled(s.maker, align="center", span=right)))
    rows.extend(line(note, italic=True) for note in s.notes)
    widths = (22, 24, 18, 18, 18) if n == 5 else (20, 14, *([11] * (n - 2)))
    columns = [Column("", width=w) for w in widths]
    return Sheet(t(lang, "report.plan.sheet.signable"), columns, rows, plain=True)


# ---------------------------------------------------------------------------------------------
# The page: printed by Chromium to one A4 portrait page


@lru_cache(maxsize=1)
def _template() -> Any:
    from planner.report.html import _environment

    return _environment().get_template("signable.html.j2")


def signable_html(r: PlanReport, header: Header | None = None) -> str:
    s = summary_of(r, header)
    labels = {
        key: t(r.lang, f"sign.section.{key}") for key in ("facts", "budget", "kinds", "leaders")
    }
    return str(_template().render(s=s, lang=r.lang, labels=labels))


__all__ = ["Header", "Summary", "leaders_coverage", "signable_html", "signable_sheet", "summary_of"]
