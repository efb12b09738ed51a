"""The shared HTML report (planner.report.html): a generic page renders offline, with sortable
tables, cards and charts; in headless Chromium it draws every chart, logs nothing to the console
and requests nothing from the network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest

from planner.analysis.evaluate import evaluate_case
from planner.io.loading import load_case
from planner.report.evaluation import evaluation_page
from planner.report.html import (
    Card,
    Page,
    Section,
    format_number,
    plotly_js,
    render_page,
    write_page,
)
from planner.report.tabular import Column, Sheet

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "danh-gia-2025"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium); CI has it"
)


def _page(lang: str = "vi") -> Page:
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.25]))
    table = Sheet(
        "Bảng <thử>",
        [Column("Tên"), Column("Số", "int"), Column("Tỷ lệ", "float")],
        [["Xã B", 1200, 12.5], ["Xã A", 30, None], ["<script>x</script>", 5, "không có dữ liệu"]],
    )
    return Page(
        title="Báo cáo & thử",
        lang=lang,
        subtitle="phụ đề",
        cards=[Card("Khóa học", "9", "ghi chú", "good")],
        sections=[Section("Biểu đồ", figure=figure), Section("Bảng", table=table, note="n")],
    )


def test_page_is_one_self_contained_file() -> None:
    html = render_page(_page())
    assert html.count("<script>") >= 2  # plotly.js once, then the sorting script
    assert html.count("Plotly.newPlot") == 1
    assert plotly_js() in html  # the library itself, embedded once
    # No resource from the network: no external script, stylesheet, image or font in the page
    # (the library's own source mentions addresses in strings it never loads here).
    markup = html.replace(plotly_js(), "")
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", markup)
    assert not re.search(r"""<script[^>]+src=""", markup)
    assert "@import" not in markup and "url(http" not in markup


def test_page_escapes_text_and_formats_vietnamese_numbers() -> None:
    html = render_page(_page())
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "Báo cáo &amp; thử" in html
    assert ">1.200<" in html and ">12,5<" in html  # vi: '.' groups, ',' decimals
    assert 'data-sort="1200"' in html
    assert 'class="num muted" data-sort=""' in html  # words in a number column sort last
    assert 'lang="vi"' in html


def test_english_page_uses_english_separators_and_labels() -> None:
    html = render_page(_page("en"))
    assert ">1,200<" in html and ">12.5<" in html
    assert "click a column header to sort" in html
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"


def test_page_with_no_chart_embeds_no_plotly() -> None:
    page = Page(title="t", sections=[Section("only a table", table=Sheet("s", [Column("a")], []))])
    html = render_page(page)
    assert "Plotly" not in html
    assert "Không có dòng nào." in html


def _chromium(html_file: Path, tmp_path: Path, *extra: str) -> tuple[str, list[str], list[str]]:
    """Run headless Chromium on `html_file`: (DOM after scripts ran, console lines, URLs the
    page itself requested from the network)."""
    net_log = tmp_path / "net.json"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={net_log}",
        "--virtual-time-budget=5000",
        *extra,
        html_file.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    events = json.loads(net_log.read_text()).get("events", []) if net_log.exists() else []
    # Chromium's own background services also show in the log; the page's requests are those
    # made in the file:// network isolation key.
    page_urls = [
        e["params"]["url"]
        for e in events
        if "url" in e.get("params", {})
        and str(e["params"].get("network_isolation_key", "")).startswith("file://")
    ]
    return done.stdout, console, page_urls


@needs_chromium
def test_generic_page_draws_in_chromium(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    write_page(path, _page())
    dom, console, urls = _chromium(path, tmp_path, "--dump-dom")
    assert console == []
    assert [u for u in urls if not u.startswith("file:")] == []
    assert 'class="main-svg"' in dom


@needs_chromium
def test_evaluation_report_renders_every_chart_offline(tmp_path: Path) -> None:
    evaluation = evaluate_case(load_case(EXAMPLE))
    page = evaluation_page(evaluation, "vi")
    path = tmp_path / "evaluate.html"
    write_page(path, page)
    dom, console, urls = _chromium(path, tmp_path, "--dump-dom")
    assert console == [], console
    assert [u for u in urls if not u.startswith("file:")] == []
    charts = [s for s in page.sections if s.figure is not None]
    assert len(charts) >= 4
    # Every plotly div got drawn: it holds a non-empty main SVG with plotted marks.
    for index, section in enumerate(page.sections, start=1):
        if section.figure is None:
            continue
        match = re.search(rf'<div id="chart-{index}".*?(?=<div id="chart-|</section>)', dom, re.S)
        assert match, f"chart-{index} missing"
        assert 'class="main-svg"' in match.group(0)
        assert re.search(r'class="(point|bars|trace bars)', match.group(0)), f"chart-{index} empty"


@needs_chromium
def test_screenshot_of_the_evaluation_report(tmp_path: Path) -> None:
    path = tmp_path / "evaluate.html"
    write_page(path, evaluation_page(evaluate_case(load_case(EXAMPLE)), "vi"))
    png = tmp_path / "evaluate.png"
    _chromium(path, tmp_path, f"--screenshot={png}", "--window-size=1280,2000")
    assert png.exists() and png.stat().st_size > 20_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
