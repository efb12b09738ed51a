"""`planner report SAVED.json`: a saved plan, what-if or assessment rendered to a workbook, a
page, a terminal table or a signable PDF — without solving. Every format of one saved plan
shows the same plan (the JSON's assignments, unmet needs and totals); the case the JSON names
(or `--case`) is reloaded only for names, titles, sessions and the needs' references.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from planner import pipeline
from planner.cli import common
from planner.errors import PlannerError
from planner.i18n import t

FORMATS = ("table", "xlsx", "html", "pdf")


def kind_of(data: dict[str, Any]) -> str:
    """Which saved output `data` is: plan, whatif or assessment."""
    if "assignments" in data and "unmet" in data:
        return "plan"
    if "baseline" in data and "variants" in data:
        return "whatif"
    if "needs" in data and "reference_date" in data:
        return "assessment"
    raise PlannerError(
        "not a saved plan, what-if or assessment JSON (planner plan/whatif/assess --format json)"
    )


@click.command("report")
@click.argument("saved", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--case",
    "case_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The case folder (default: the one the plan JSON names).",
)
@click.option("--issuer", default="", help="Issuing body on the signable summary (pdf).")
@click.option("--place", default="", help="Place written before the date on the summary.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date of the summary (default: left blank to fill in by hand).",
)
@common.format_option(FORMATS)
@common.lang_option
@common.output_option
def command(
    saved: Path,
    case_folder: Path | None,
    issuer: str,
    place: str,
    on: dt.datetime | None,
    fmt: str,
    lang: str,
    output: Path | None,
) -> int:
    """Trình bày kế hoạch đã lưu / render a saved plan, what-if or assessment (no solving)."""
    from planner.report.plan import read_json

    data = read_json(saved)
    kind = kind_of(data)
    if fmt in ("xlsx", "html", "pdf"):
        output = common.require_output(output, fmt)
    if kind == "whatif":
        _whatif(data, fmt, lang, output)
        return 0
    folder = case_folder or (Path(data["case"]) if data.get("case") else None)
    if folder is None:
        raise click.UsageError(f"{saved}: the JSON does not name its case; give --case FOLDER")
    if kind == "assessment":
        _assessment(data, folder, fmt, lang, output)
        return 0
    from planner.report.plan import plan_from_dict
    from planner.report.plan_report import PlanReport
    from planner.report.signable import Header

    plan = plan_from_dict(data, str(saved))
    case = pipeline.load(folder, list(plan.years) or None)
    assessment = pipeline.assess(case)
    _same_needs(plan.totals, len(assessment.needs), saved, folder, lang)
    report = PlanReport.of(case, plan, assessment, lang)
    header = Header(issuer, place, on.date() if on else None)
    _plan(report, header, fmt, lang, output)
    return 0


def _same_needs(totals: dict[str, Any], needs: int, saved: Path, folder: Path, lang: str) -> None:
    """The case must still give the needs the plan was made for (else names may not match)."""
    expected = totals.get("needs", {}).get("all", {}).get("total")
    if expected is not None and expected != needs:
        raise PlannerError(
            t(lang, "report.cmd.case_changed", plan=saved, case=folder, planned=expected, now=needs)
        )


def _plan(report: Any, header: Any, fmt: str, lang: str, output: Path | None) -> None:
    from planner.report.plan_report import plan_page, plan_workbook_sheets
    from planner.report.signable import signable_html, signable_sheet

    if fmt == "xlsx":
        from planner.report.tabular import write_xlsx

        assert output is not None
        # the summary for signature with the header given on the command line
        sheets = [
            signable_sheet(report, header) if s.plain else s for s in plan_workbook_sheets(report)
        ]
        write_xlsx(output, sheets)
    elif fmt == "html":
        from planner.report.html import write_page

        assert output is not None
        write_page(output, plan_page(report))
    elif fmt == "pdf":
        from planner.report.pdf import html_to_pdf

        assert output is not None
        html_to_pdf(signable_html(report, header), output)
    else:
        _plan_table(report, lang, output)
        return
    common.say_written(output, lang)


def _plan_table(report: Any, lang: str, output: Path | None) -> None:
    """The plan in the terminal: the warning, the summary, the budget, units and classes."""
    from collections import Counter

    from planner.report.plan_report import budget_sheet, classes_sheet, summary_sheet, units_sheet
    from planner.report.tabular import Column, Sheet

    console = common.table_console(output, 160)
    if report.gap_warning:
        console.print(f"[bold red]⚠ {report.gap_warning}[/]")
    causes = Counter(u.cause for u in report.plan.unmet)
    unmet = Sheet(
        t(lang, "report.plan.sheet.unmet"),
        [Column(t(lang, "plan.table.cause")), Column(t(lang, "report.col.needs"), "int")],
        [[t(lang, f"optimise.cause.{c}"), n] for c, n in causes.most_common()],
        footer=[[t(lang, "table.total"), sum(causes.values())]] if causes else [],
    )
    for sheet in (summary_sheet(report), budget_sheet(report), units_sheet(report)):
        console.print(_table(sheet, lang))
    console.print(_table(classes_sheet(report), lang))
    console.print(_table(unmet, lang))
    common.save_console(console, output, lang)


def _table(sheet: Any, lang: str) -> Any:
    """A sheet as a rich table with its total rows under a rule."""
    from planner.report.html import format_cell

    table = common.sheet_table(sheet, lang)
    if sheet.footer:
        table.show_footer = False
        table.add_section()
        for row in sheet.footer:
            table.add_row(
                *[format_cell(v, c, lang)[0] for v, c in zip(row, sheet.columns, strict=True)],
                style="bold",
            )
    return table


def _assessment(
    data: dict[str, Any], folder: Path, fmt: str, lang: str, output: Path | None
) -> None:
    """A saved assessment: the case re-assessed on the JSON's date (no solving), checked to
    give the same needs, then rendered."""
    from planner.report.assessment import kinds_sheet, needs_sheet, totals, totals_sheet

    case = pipeline.load(folder)
    on = dt.date.fromisoformat(str(data["reference_date"]))
    assessment = pipeline.assess(case, on)
    saved = {(n.get("official_id"), n.get("need")) for n in data.get("needs", [])}
    now = {(n.official_id, n.need) for n in assessment.needs}
    if saved != now:
        raise PlannerError(
            t(
                lang,
                "report.cmd.case_changed",
                plan="assessment",
                case=folder,
                planned=len(saved),
                now=len(now),
            )
        )
    tot = totals(assessment, case.officials)
    sheets = [
        totals_sheet(tot, lang),
        kinds_sheet(tot, lang),
        needs_sheet(assessment, case.officials, case.framework, lang),
    ]
    if fmt == "xlsx":
        from planner.report.tabular import write_xlsx

        assert output is not None
        write_xlsx(output, sheets)
    elif fmt in ("html", "pdf"):
        from planner.report.assessment_html import assessment_page
        from planner.report.html import render_page

        assert output is not None
        html = render_page(assessment_page(case, assessment, lang))
        if fmt == "html":
            from planner.io.atomic import write_atomic

            write_atomic(output, html)
        else:
            from planner.report.pdf import html_to_pdf

            html_to_pdf(html, output)
    else:
        console = common.table_console(output, 160)
        for sheet in sheets[:2]:
            console.print(_table(sheet, lang))
        common.save_console(console, output, lang)
        return
    common.say_written(output, lang)


def _whatif(data: dict[str, Any], fmt: str, lang: str, output: Path | None) -> None:
    """A saved what-if, rendered from its JSON alone (it carries every variant's figures)."""
    from planner.report.whatif_saved import saved_whatif_page, saved_whatif_sheets

    sheets = saved_whatif_sheets(data, lang)
    if fmt == "xlsx":
        from planner.report.tabular import write_xlsx

        assert output is not None
        write_xlsx(output, sheets)
    elif fmt in ("html", "pdf"):
        from planner.report.html import render_page

        assert output is not None
        html = render_page(saved_whatif_page(data, lang))
        if fmt == "html":
            from planner.io.atomic import write_atomic

            write_atomic(output, html)
        else:
            from planner.report.pdf import html_to_pdf

            html_to_pdf(html, output)
    else:
        console = common.table_console(output, 160)
        for sheet in sheets:
            console.print(_table(sheet, lang))
        common.save_console(console, output, lang)
        return
    common.say_written(output, lang)
