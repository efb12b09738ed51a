"""`planner rules --on DATE`: what rules/ holds in force on a date, and the legal changelog kept
in step with rules/."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.io.loading import bundled_dir, load_rules
from planner.report.rules_report import CHANGELOG_BEGIN, CHANGELOG_END, changelog_markdown

ROOT = Path(__file__).parents[1]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["rules", *args])
    return result.exit_code, result.output


def _json(on: str, lang: str = "vi") -> dict:  # type: ignore[type-arg]
    code, out = _run("--on", on, "--format", "json", "--lang", lang)
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_json_lists_the_versions_in_force_on_1_december_2026() -> None:
    law = _json("2026-12-01")
    by_rule = {r["rule"]: r for r in law["requirements"]}
    # Standards and eligibility on political theory are separate requirements, both in force.
    assert by_rule["xa.chu_tich.llct"]["kind"] == "standard"
    assert by_rule["xa.chu_tich.llct"]["confidence"] == "R"  # ND 33 after Law 80/2025: unsure
    assert by_rule["llct.cao_cap.by_post"]["kind"] == "qualification"
    assert by_rule["llct.cao_cap.by_post"]["reference"]["title"] == "Quy định 350-QĐ/TW"
    assert by_rule["education.postgraduate"]["reference"]["title"] == "Nghị định 171/2025/NĐ-CP"
    # Grade certificates stopped being standards on 30 June 2025.
    assert "qlnn.standard.chuyen_vien" in law["not_in_force"]
    assert by_rule["qlnn.chuyen_vien"]["effective_from"] == "2025-07-01"
    texts = {t["id"]: t for t in law["texts"]}
    assert {"luat-cbcc-2025", "nd-171-2025", "nd-27-2026", "qd-350-2025"} <= set(texts)
    assert "nd-101-2017" not in texts and "qd-57-2022" not in texts
    assert texts["nd-27-2026"]["effective_from"] == "2026-07-01"
    params = {p["id"]: p for p in law["parameters"]}
    assert params["leadership_cap_phong_min_days"]["value"] == 20
    for item in law["requirements"]:
        assert item["confidence"] in {"F", "S", "R"} and item["reference"]["title"]


def test_a_date_before_the_2025_reform_gives_the_earlier_versions() -> None:
    law = _json("2024-06-01", "en")
    by_rule = {r["rule"]: r for r in law["requirements"]}
    assert by_rule["qlnn.standard.chuyen_vien"]["kind"] == "standard"
    assert by_rule["llct.trung_cap.by_post"]["reference"]["title"] == "Quy định 57-QĐ/TW"
    assert by_rule["education.postgraduate"]["reference"]["title"] == "Nghị định 101/2017/NĐ-CP"
    assert "llct.cao_cap.by_post" in law["not_in_force"]  # QĐ 350 from 29/8/2025
    assert by_rule["xa.chu_tich.llct"]["title"].startswith("Intermediate political theory")
    texts = {t["id"] for t in law["texts"]}
    assert "nd-27-2026" not in texts and "nd-101-2017" in texts
    params = {p["id"]: p for p in law["parameters"]}
    assert params["leadership_cap_phong_min_days"]["value"] == 10


def test_qd_350_starts_on_the_day_it_was_signed() -> None:
    before = {r["rule"]: r for r in _json("2025-08-28")["requirements"]}
    after = {r["rule"]: r for r in _json("2025-08-29")["requirements"]}
    assert before["llct.trung_cap.by_post"]["reference"]["title"] == "Quy định 57-QĐ/TW"
    assert after["llct.trung_cap.by_post"]["reference"]["title"] == "Quy định 350-QĐ/TW"


def test_table_and_html_in_both_languages(tmp_path: Path) -> None:
    code, out = _run("--on", "2026-12-01")
    assert code == 0 and "Quy định có hiệu lực ngày 01/12/2026" in out and "Tiêu chuẩn" in out
    code, out = _run("--on", "2026-12-01", "--lang", "en")
    assert code == 0 and "Law in force on" in out and "Standard" in out
    page = tmp_path / "law.html"
    code, out = _run("--on", "2026-12-01", "--format", "html", "-o", str(page))
    assert code == 0, out
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype")
    assert "Nghị định 27/2026/NĐ-CP" in html and "xa.chu_tich.llct" in html


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    code, _ = _run("--on", "2026-13-01")
    assert code == 2
    code, out = _run("--rules", str(tmp_path / "missing"), "--on", "2026-01-01")
    assert code == 2 and "missing" in out and "Traceback" not in out
    code, out = _run("--format", "html")  # html needs -o
    assert code == 2


def test_a_text_replacing_an_unknown_text_is_an_input_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    path = rules / "texts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "replaces: [qd-57-2022]", "replaces: [qd-57-2021]"
        ),
        encoding="utf-8",
    )
    code, out = _run("--rules", str(rules), "--on", "2026-01-01")
    assert code == 2 and "qd-57-2021" in out and "texts.yaml" in out


def test_the_changelog_lists_every_requirement_version_as_rules_hold_it() -> None:
    """rules/CHANGELOG.md carries the generated list between its markers; after a change of
    rules/ regenerate it with `PLANNER_UPDATE_CHANGELOG=1 python -m pytest tests/test_rules_cli.py`
    (and write what changed, in words, above the markers)."""
    path = ROOT / "rules" / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index(CHANGELOG_BEGIN), text.index(CHANGELOG_END) + len(CHANGELOG_END)
    generated = changelog_markdown(load_rules(bundled_dir("rules")))
    if os.environ.get("PLANNER_UPDATE_CHANGELOG"):
        path.write_text(text[:start] + generated + text[end + 1 :], encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        end = text.index(CHANGELOG_END) + len(CHANGELOG_END)
    assert text[start:end] + "\n" == generated, "rules/CHANGELOG.md is out of date"
