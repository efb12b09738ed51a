"""`planner recommend` on the mini fixture case: formats, languages, filters, errors."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from planner.cli import cli

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"
CAUSES = {"not_eligible", "prerequisite_missing", "already_completed", "no_session"}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_follows_the_contract() -> None:
    code, out = _run("recommend", str(MINI), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["reference_date"] == "2026-01-15"
    code, assessed = _run("assess", str(MINI), "--format", "json")
    needs = {(n["official_id"], n["need"]) for n in json.loads(assessed)["needs"]}
    assert {(r["official_id"], r["need"]) for r in data["recommendations"]} == needs
    for rec in data["recommendations"]:
        for cand in rec["candidates"]:
            assert {"course", "sessions", "score", "reason"} <= set(cand) and cand["sessions"]
            assert isinstance(cand["score"], int)
        for exc in rec["excluded"]:
            assert exc["cause"] in CAUSES and exc["detail"]
    by = {(r["official_id"], r["need"]): r for r in data["recommendations"]}
    # A2 passed the online two-level course: it is never offered again, and says why.
    annual = by[("A2", "programme:annual_training")]
    assert {"course": "two_level_online", "cause": "already_completed"}.items() <= next(
        e for e in annual["excluded"] if e["course"] == "two_level_online"
    ).items()
    # The commune justice course only runs in 2027, outside the 2026 horizon.
    justice = by[("A2", "competency:justice_civil_status")]
    assert justice["candidates"] == [] and justice["excluded"][0]["cause"] == "no_session"
    # B1 failed the two-level course: it is offered again.
    assert [c["course"] for c in by[("B1", "programme:two_level_government")]["candidates"]] == [
        "two_level_online"
    ]
    # A1 chairs the commune: the cấp phòng programme is for other posts.
    assert by[("A1", "competency:leadership_management")]["excluded"][0]["cause"] == "not_eligible"
    assert sorted(
        c["course"] for c in by[("A2", "qualification:political_theory")]["candidates"]
    ) == ["llct_advanced_in_service", "llct_elementary"]


def test_share_of_needs_with_a_candidate() -> None:
    code, out = _run("recommend", str(MINI), "--format", "json")
    recs = json.loads(out)["recommendations"]
    with_candidates = sum(1 for r in recs if r["candidates"])
    assert with_candidates / len(recs) >= 0.7
    code, table = _run("recommend", str(MINI), "--lang", "en")
    assert code == 0 and f"{with_candidates}/{len(recs)} needs have at least one candidate" in table


def test_official_filter_and_unknown_official() -> None:
    code, out = _run("recommend", str(MINI), "--official", "B1", "--format", "json")
    assert code == 0
    assert {r["official_id"] for r in json.loads(out)["recommendations"]} == {"B1"}
    code, out = _run("recommend", str(MINI), "--official", "ZZ")
    assert code == 2 and "ZZ" in out


def test_english_and_vietnamese_texts() -> None:
    _, vi = _run("recommend", str(MINI), "--format", "json")
    _, en = _run("recommend", str(MINI), "--format", "json", "--lang", "en")
    vi_reasons = [c["reason"] for r in json.loads(vi)["recommendations"] for c in r["candidates"]]
    en_reasons = [c["reason"] for r in json.loads(en)["recommendations"] for c in r["candidates"]]
    assert vi_reasons and all("Khóa" in s for s in vi_reasons)
    assert all("Course" in s and "Khóa" not in s for s in en_reasons)


def test_csv_and_xlsx_outputs(tmp_path: Path) -> None:
    _, out = _run("recommend", str(MINI), "--format", "json")
    recs = json.loads(out)["recommendations"]
    rows = sum(len(r["candidates"]) + len(r["excluded"]) for r in recs)
    csv_path = tmp_path / "recs.csv"
    code, _ = _run("recommend", str(MINI), "--format", "csv", "-o", str(csv_path))
    assert code == 0
    assert len(csv_path.read_text(encoding="utf-8-sig").strip().splitlines()) == rows + 1
    xlsx = tmp_path / "recs.xlsx"
    code, _ = _run("recommend", str(MINI), "--format", "xlsx", "-o", str(xlsx))
    assert code == 0
    book = openpyxl.load_workbook(xlsx)
    assert len(book.worksheets) == 2 and book.worksheets[0].max_row == rows + 1
    code, _ = _run("recommend", str(MINI), "--format", "xlsx")
    assert code == 2


def test_validate_warns_about_rules_the_mini_catalog_does_not_cover() -> None:
    result = CliRunner().invoke(cli, ["validate", str(MINI), "--lang", "en"])
    assert result.exit_code == 0
    assert "Knowledge update for leader group 1" in result.output
    assert "no session in 2026" in result.output
