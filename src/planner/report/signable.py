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
from typing import TYPE_CHECKING, Any

from planner.i18n import format_date, format_number, format_vnd, t
from planner.report.tabular import Column, Sheet, Styled

if TYPE_CHECKING:
    from planner.report.plan_report import PlanReport

DOTS = "……………"


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
    budget: list[list[str]]
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
    from planner.report.plan_report import KINDS, _share_text

    header = header or Header()
    lang, plan = r.lang, r.plan
    years = plan.years or tuple(r.case.config.years)
    period = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    name = plan.name or r.case.config.name
    needs = plan.totals.get("needs", {})
    budget_rows = [
        [str(y), r.source(s), format_vnd(b, lang), format_vnd(c, lang), format_vnd(b - c, lang)]
        for y, s, b, c in r.budget_rows
        if b or c
    ]
    budget = sum(b for _, _, b, _ in r.budget_rows)
    spent = sum(c for _, _, _, c in r.budget_rows)
    budget_rows.append(
        [
            t(lang, "table.total"),
            "",
            format_vnd(budget, lang),
            format_vnd(spent, lang),
            format_vnd(budget - spent, lang),
        ]
    )
    kinds = [
        [
            t(lang, f"kind.{k}"),
            format_number(needs[k]["met"], lang),
            format_number(needs[k]["total"], lang),
            _share_text(needs[k]["met"], needs[k]["total"], lang).split(" ", 1)[-1].strip("()"),
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
        if period not in name
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
        budget_head=[
            t(lang, "plan.table.year"),
            t(lang, "plan.table.source"),
            t(lang, "report.col.budget"),
            t(lang, "report.col.used"),
            t(lang, "report.col.left"),
        ],
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
    s = summary_of(r, header)
    lang = r.lang
    bold = {"bold": True}
    rows: list[list[Any]] = [
        [
            Styled(s.issuer, bold=True, align="center", span=2),
            None,
            Styled(s.national, bold=True, align="center", span=3),
        ],
        [
            Styled(s.number, align="center", span=2),
            None,
            Styled(s.motto, bold=True, align="center", span=3),
        ],
        [None, None, Styled(s.place_date, italic=True, align="center", span=3)],
        [],
        [Styled(s.title, bold=True, size=14, align="center", span=5)],
        [Styled(s.subtitle, bold=True, align="center", span=5)],
        [],
    ]
    if s.warning:
        rows.append([Styled("⚠ " + s.warning, bold=True, span=5)])
        rows.append([])
    rows.append([Styled(t(lang, "sign.section.facts"), **bold, span=5)])
    for label, value in s.facts:
        rows.append([Styled(label, span=3), None, None, Styled(value, align="right", span=2)])
    rows.append([])
    rows.append([Styled(t(lang, "sign.section.budget"), **bold, span=5)])
    rows.append([Styled(h, bold=True, align="center") for h in s.budget_head])
    rows.extend([x[0], x[1], *(Styled(v, align="right") for v in x[2:])] for x in s.budget)
    rows.append([])
    rows.append([Styled(t(lang, "sign.section.kinds"), **bold, span=5)])
    rows.append([Styled(h, bold=True, align="center") for h in s.kinds_head])
    rows.extend([x[0], *(Styled(v, align="right") for v in x[1:])] for x in s.kinds)
    rows.append([])
    rows.append([Styled(t(lang, "sign.section.leaders"), **bold, span=5)])
    rows.append([Styled(s.leaders, span=5)])
    rows.append([])
    rows.append(
        [
            Styled(s.recipients[0], bold=True, italic=True, span=2),
            None,
            Styled(s.signer, bold=True, align="center", span=3),
        ]
    )
    rows.append(
        [
            Styled(s.recipients[1], span=2),
            None,
            Styled(s.sign_note, italic=True, align="center", span=3),
        ]
    )
    rows.append([Styled(s.recipients[2], span=2)])
    rows.extend([[], [], []])
    rows.append([None, None, Styled(s.maker, align="center", span=3)])
    rows.append([Styled(n, italic=True, span=5) for n in s.notes])
    columns = [Column("", width=w) for w in (12, 30, 20, 20, 20)]
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
