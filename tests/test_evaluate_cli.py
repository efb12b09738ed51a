"""`planner evaluate CASE` in every format; the JSON validates against its published schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from planner.cli import cli
from planner.report.evaluation import evaluation_json_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "danh-gia-2025"
MINI = ROOT / "tests" / "fixtures" / "cases" / "mini"


def run(*args: str) -> tuple[int, str, str]:
    # A wide terminal, as a planner reading the table would use (rich wraps cells at 80).
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["evaluate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_levels_no_data_and_flag() -> None:
    code, out, _ = run(str(EXAMPLE))
    assert code == 0
    assert "Đánh giá sau đào tạo" in out
    assert "không có dữ liệu" in out
    assert "⚠ Nghiệp vụ địa chính" in out
    assert "mối liên hệ, không phải bằng chứng" in out


def test_table_in_english() -> None:
    code, out, _ = run(str(EXAMPLE), "--lang", "en")
    assert code == 0
    assert "no data" in out and "Evaluation after training" in out
    assert "not proof" in out


@pytest.mark.parametrize("case", [EXAMPLE, MINI])
def test_json_validates_against_the_published_schema(case: Path) -> None:
    code, out, _ = run(str(case), "--format", "json")
    assert code == 0
    data = json.loads(out)
    schema = evaluation_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_command_publishes_the_evaluation_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "evaluation"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$id"] == evaluation_json_schema()["$id"]


def test_json_keeps_no_data_as_null_not_zero() -> None:
    code, out, _ = run(str(MINI), "--format", "json")
    (course,) = json.loads(out)["courses"]
    assert course["has_data"] is False
    assert course["reaction"] is None and course["behaviour"] is None
    assert course["learning"]["mean_score"] is None
    assert course["learning"]["pass_rate"] == 0.5


def test_schema_rejects_output_that_breaks_it() -> None:
    data = json.loads(run(str(MINI), "--format", "json")[1])
    data["courses"][0]["participants"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, evaluation_json_schema())


def test_csv_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLE), "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Mã khóa học,Khóa học,")
    assert len(lines) == 1 + 9
    target = tmp_path / "eval.csv"
    code, _, err = run(str(EXAMPLE), "--format", "csv", "-o", str(target))
    assert code == 0 and str(target) in err
    assert target.read_text(encoding="utf-8-sig").splitlines()[0] == lines[0]


def test_xlsx_has_one_sheet_per_view(tmp_path: Path) -> None:
    target = tmp_path / "eval.xlsx"
    code, _, _ = run(str(EXAMPLE), "--format", "xlsx", "-o", str(target))
    assert code == 0
    book = load_workbook(target)
    assert book.sheetnames == [
        "Đánh giá theo khóa học",
        "Theo lớp",
        "Thay đổi năng lực",
        "Tác động đến đơn vị",
        "Ghi chú",
    ]
    rows = list(book["Đánh giá theo khóa học"].iter_rows(values_only=True))
    by_course = {r[0]: r for r in rows[1:]}
    assert by_course["quoc_phong_an_ninh_doi_tuong_4"][3] == "không có dữ liệu"


def test_html_is_written(tmp_path: Path) -> None:
    target = tmp_path / "eval.html"
    code, _, _ = run(str(EXAMPLE), "--format", "html", "-o", str(target), "--lang", "en")
    assert code == 0
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html
    assert html.count("Plotly.newPlot") >= 4
    assert "Level 3 — Change in competence" in html


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_binary_formats_need_an_output_file(fmt: str) -> None:
    code, _, err = run(str(EXAMPLE), "--format", fmt)
    assert code == 2 and "-o" in err


def test_options_threshold_and_year() -> None:
    data = json.loads(run(str(EXAMPLE), "--format", "json", "--threshold", "0.9")[1])
    assert data["settings"]["min_share_reaching_target"] == 0.9
    assert data["summary"]["courses_flagged"] > 1
    empty = json.loads(run(str(EXAMPLE), "--format", "json", "--year", "2024")[1])
    assert empty["courses"] == [] and empty["summary"]["pass_rate"] is None


def test_bad_indicators_exit_2_with_the_row(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "indicators.csv").open("a", encoding="utf-8") as handle:
        handle.write("Xã Không Có,2025,Tỷ lệ,1,higher\n")
    code, _, err = run(str(folder))
    assert code == 2
    assert "đơn vị không có trong bảng cán bộ" in err and "dòng 50" in err  # vi by default
