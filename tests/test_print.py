"""Printing: every workbook sheet is set up for A4 landscape, titles repeated, fitted to the
page width (checked by LibreOffice's own PDF export: no sheet spills over a second page
across), the signable summary prints on one A4 page from the workbook and from Chromium, and
the HTML page prints on A4 landscape. Skipped when LibreOffice, Chromium or poppler is absent
(.ci/run installs them)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from planner import pipeline
from planner.optimise.solve import SolveConfig
from planner.report.html import render_page
from planner.report.pdf import chromium, html_to_pdf
from planner.report.plan_report import PlanReport, plan_page, plan_workbook_sheets
from planner.report.tabular import write_xlsx

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler missing")


@pytest.fixture(scope="module")
def report() -> PlanReport:
    prepared = pipeline.prepare(pipeline.load(MINI))
    plan = pipeline.plan(prepared, SolveConfig(engine="greedy"))
    return PlanReport.of(prepared.case, plan, prepared.assessment, "vi")


def _pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    size = re.search(r"Page size:\s+(.*)", info)
    assert pages and size, info
    return int(pages.group(1)), size.group(1)


def _soffice(files: list[Path], outdir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{outdir / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        timeout=240,
        check=False,
    )


def test_every_sheet_is_set_up_for_a4(report: PlanReport, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_xlsx(path, plan_workbook_sheets(report))
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        if ws.title == "Trình ký":
            assert ws.page_setup.orientation == "portrait"
            assert ws.page_setup.fitToHeight == 1
        else:
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.fitToHeight == 0  # as many pages down as needed
            assert ws.print_title_rows  # the header row on every page


@needs_poppler
@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice missing",
)
def test_workbook_prints_each_sheet_one_page_wide_and_the_summary_on_one_page(
    report: PlanReport, tmp_path: Path
) -> None:
    sheets = plan_workbook_sheets(report)
    whole = tmp_path / "plan.xlsx"
    write_xlsx(whole, sheets)
    signable = tmp_path / "signable.xlsx"
    write_xlsx(signable, [s for s in sheets if s.plain])
    summary = tmp_path / "summary.xlsx"
    write_xlsx(summary, sheets[:1])
    _soffice([whole, signable, summary], tmp_path)
    # The mini plan is a few rows per sheet: fitted to the width, each sheet is one page.
    pages, size = _pages(tmp_path / "plan.pdf")
    assert pages == len(sheets), (pages, len(sheets))
    assert _pages(tmp_path / "signable.pdf")[0] == 1
    assert _pages(tmp_path / "summary.pdf")[0] == 1
    assert "(A4)" in size, size


@needs_poppler
@pytest.mark.skipif(chromium() is None, reason="Chromium missing")
def test_page_prints_on_a4_landscape(report: PlanReport, tmp_path: Path) -> None:
    pdf = tmp_path / "page.pdf"
    html_to_pdf(render_page(plan_page(report)), pdf)
    pages, size = _pages(pdf)
    width, height = map(float, re.findall(r"[\d.]+", size)[:2])
    assert "(A4)" in size and width > height, size  # landscape A4 (842 x 595 points)
    assert 1 <= pages <= 10, pages  # the mini plan: cards, five charts, six small tables
    # Nothing cut at the right edge: every header of the widest table is on the page.
    from planner.report.plan_report import assignments_sheet

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    widest = assignments_sheet(report)
    for column in widest.columns:
        words = column.header.split()
        assert words[-1] in flat, column.header
    last = widest.rows[-1]
    assert str(last[0]) in flat  # the first cell of the last row: the table is all there
