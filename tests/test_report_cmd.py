"""`planner report`: a saved plan rendered to every format without solving, every format
showing the same plan; `-o` picks the format from the extension and refuses a contradiction."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.i18n import format_vnd
from planner.report.pdf import chromium

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The mini case planned once, to JSON."""
    folder = tmp_path_factory.mktemp("saved")
    path = folder / "plan.json"
    result = CliRunner().invoke(cli, ["plan", str(MINI), "--engine", "greedy", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_plan_json_names_its_case_and_o_json_means_json(saved: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert Path(data["case"]) == MINI.resolve()
    assert data["assignments"] and data["status"] in ("optimal", "feasible")


def test_every_format_shows_the_same_plan(saved: Path, tmp_path: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    total = data["totals"]["cost_total"]
    met = data["totals"]["needs"]["all"]["met"]
    for fmt in ("xlsx", "html", "table"):
        out = tmp_path / f"plan.{'txt' if fmt == 'table' else fmt}"
        result = _run("report", str(saved), "-o", str(out))
        assert result.exit_code == 0, result.output
    # workbook: the summary's cost and the plan sheet's rows are the saved plan's
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Tổng chi phí"] == format_vnd(total, "vi")
    assert summary["Nhu cầu được đáp ứng"].startswith(f"{met}/")
    ws = book["Kế hoạch"]
    first = int(ws.freeze_panes[1:])  # the data start under the header (a warning may precede)
    plan_rows = [r for r in ws.iter_rows(min_row=first, values_only=True) if r[0]]
    assert [(r[0], r[5]) for r in plan_rows] == [
        (a["official_id"], a["session"]) for a in data["assignments"]
    ]
    # page and table: the same total
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    text = (tmp_path / "plan.txt").read_text(encoding="utf-8")
    for output in (html, text):
        assert format_vnd(total, "vi") in output
    assert f"{met}/" in html and f"{met}/" in text


def test_report_does_not_solve(saved: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import planner.pipeline

    def refuse(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("report must not solve")

    monkeypatch.setattr(planner.pipeline, "plan", refuse)
    result = _run("report", str(saved), "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.output


def test_o_infers_the_format_from_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = _run("plan", str(MINI), "--engine", "greedy", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)  # a workbook, not the text table


@pytest.mark.parametrize(
    "args",
    [
        ["plan", str(MINI), "--format", "json", "-o", "x.xlsx"],
        ["plan", str(MINI), "-o", "x.pdf"],  # plan cannot write pdf
    ],
)
def test_o_refuses_an_extension_that_contradicts_the_format(
    args: list[str], tmp_path: Path
) -> None:
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    result = _run(*args)
    assert result.exit_code == 2
    assert "-o" in result.output
    assert not any(tmp_path.iterdir())


def test_report_refuses_a_contradicting_extension(saved: Path, tmp_path: Path) -> None:
    result = _run("report", str(saved), "--format", "html", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 2


def test_report_of_a_moved_plan_without_its_case_asks_for_case(saved: Path, tmp_path: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    del data["case"]
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(data), encoding="utf-8")
    result = _run("report", str(moved), "-o", str(tmp_path / "p.html"))
    assert result.exit_code == 2 and "--case" in result.output
    result = _run("report", str(moved), "--case", str(MINI), "-o", str(tmp_path / "p.html"))
    assert result.exit_code == 0, result.output


def test_report_refuses_a_case_that_changed(saved: Path, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(MINI, folder)
    # one official fewer (and their history): fewer needs than the plan was made for
    lines = (folder / "officials.csv").read_text(encoding="utf-8").splitlines()
    gone = lines[-1].split(",")[0]
    (folder / "officials.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    history = (folder / "history.csv").read_text(encoding="utf-8").splitlines()
    kept = [h for h in history if not h.startswith(gone + ",")]
    (folder / "history.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = _run("report", str(saved), "--case", str(folder), "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 2
    assert "nhu cầu" in result.output


def test_bad_json_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"status": "optimal",\n oops}', encoding="utf-8")
    result = _run("report", str(bad), "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 2
    assert "bad.json" in result.output and "2" in result.output
    assert "Traceback" not in result.output


def test_report_renders_a_saved_assessment(tmp_path: Path) -> None:
    saved = tmp_path / "assessment.json"
    assert _run("assess", str(MINI), "-o", str(saved)).exit_code == 0
    out = tmp_path / "needs.xlsx"
    result = _run("report", str(saved), "--case", str(MINI), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(saved.read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(out)
    needs = book.worksheets[-1]
    assert needs.max_row - 1 == len(data["needs"])


def test_report_renders_a_saved_whatif(tmp_path: Path) -> None:
    saved = tmp_path / "whatif.json"
    result = _run(
        "whatif",
        str(MINI),
        "--budget-scale",
        "0.5:0.5:0.5",
        "--probes",
        "0",
        "--engine",
        "greedy",
        "--jobs",
        "1",
        "-o",
        str(saved),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(saved.read_text(encoding="utf-8"))
    out = tmp_path / "whatif.html"
    assert _run("report", str(saved), "-o", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert data["baseline"]["name"] in html
    assert format_vnd(data["baseline"]["cost_total"], "vi") in html


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed")
def test_pdf_summary_is_one_page_with_the_national_title(saved: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    result = _run(
        "report", str(saved), "--issuer", "UBND xã Mini", "--place", "Mini", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo") and shutil.which("pdftotext"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        assert re.search(r"Pages:\s+1\b", info), info
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True
        ).stdout
        for words in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND XÃ MINI",
            "Số:",
            "KẾ HOẠCH",
            "(Ký, ghi rõ họ tên, đóng dấu)",
        ):
            assert words in text, words
        data = json.loads(saved.read_text(encoding="utf-8"))
        assert format_vnd(data["totals"]["cost_total"], "vi") in text


def test_a_plan_far_from_its_bound_says_so_at_the_top_of_every_output(
    saved: Path, tmp_path: Path
) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["gap"] > 0.01  # greedy on the mini case: not proved
    words = "chưa được chứng minh là tốt nhất"
    for name in ("p.xlsx", "p.html", "p.txt"):
        assert _run("report", str(saved), "-o", str(tmp_path / name)).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for sheet in ("Tổng hợp", "Kế hoạch", "Chưa đáp ứng"):
        assert words in str(book[sheet]["A1"].value), sheet
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    body = html[html.index("<main>") :]
    assert body.index(words) < body.index("<section")
    assert words in (tmp_path / "p.txt").read_text(encoding="utf-8").split("\n", 1)[0]
    # and the plan command's own table
    out = tmp_path / "plan.txt"
    assert _run("plan", str(MINI), "--engine", "greedy", "-o", str(out)).exit_code == 0
    assert words in out.read_text(encoding="utf-8").split("\n", 1)[0]
