"""The competency framework as Moodle tool_lpimportcsv CSV: a file in Moodle's own format reads
and writes back byte for byte, and planner's framework survives planner → Moodle → planner."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from planner.errors import InputError
from planner.interop.moodle import (
    MOODLE_HEADERS,
    competencies_yaml,
    framework_to_moodle,
    moodle_to_competencies,
    read_moodle_csv,
    required_levels,
    write_moodle_csv,
)
from planner.io.bundled import bundled_dir
from planner.io.rules_loader import load_rules

FIXTURE = Path(__file__).parent / "fixtures" / "moodle" / "khung-nang-luc-xa.csv"
ON = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def framework():  # type: ignore[no-untyped-def]
    return load_rules(bundled_dir("rules"))


def test_a_moodle_file_reads_and_writes_back_byte_identical() -> None:
    data = FIXTURE.read_bytes()
    moodle = read_moodle_csv(data, FIXTURE)
    assert write_moodle_csv(moodle) == data
    assert data.decode("utf-8").splitlines()[0].split(",")[:2] == [
        '"Parent id number"',
        '"Id number"',
    ]


def test_a_moodle_tree_gives_its_leaves_as_competencies() -> None:
    moodle = read_moodle_csv(FIXTURE.read_bytes(), FIXTURE)
    assert moodle.framework.idnumber == "CAMAU-CBCC-XA" and moodle.framework.is_framework
    assert moodle.framework.taxonomy == ("domain", "competency")
    assert [c.idnumber for c in moodle.children("")] == ["chung", "nghiep_vu"]
    rule = next(c for c in moodle.competencies if c.idnumber == "ho_tich_so")
    assert rule.related == ("office_statistics", "digital_skills")
    assert rule.rule_type == "core_competency\\competency_rule_all" and rule.rule_outcome == "1"
    found = {c.id: c for c in moodle_to_competencies(moodle, FIXTURE)}
    assert list(found) == [
        "digital_skills",
        "public_administration",
        "office_statistics",
        "ho_tich_so",
    ]
    digital = found["digital_skills"]
    assert (digital.name.vi, digital.name.en) == (
        "Kỹ năng số và ứng dụng công nghệ",
        "Digital skills",
    )
    assert digital.description is not None and digital.description.en.startswith("Online public")
    assert found["public_administration"].description is None
    # proficiency: the framework's scale (from level 3), its own 0-5 scale (from 2), and a scale
    # of words mapped by position (Chưa đạt, Đạt, Thành thạo: proficient from the second, 1)
    assert [c.proficient_from for c in found.values()] == [3, 3, 2, 1]
    office = found["office_statistics"]
    assert office.name.vi == office.name.en == "Văn phòng - thống kê"  # no multilang: one name
    assert office.description is not None and "lưu trữ & thống kê" in office.description.vi


def test_planners_framework_round_trips_through_moodle(framework, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    moodle = framework_to_moodle(framework, ON)
    data = write_moodle_csv(moodle)
    assert data.decode("utf-8").startswith('"Parent id number","Id number",Shortname,')
    again = read_moodle_csv(data)
    assert again == moodle and write_moodle_csv(again) == data
    assert [c.shortname for c in again.competencies] == [
        framework.competencies[c.idnumber].name.vi for c in again.competencies
    ]
    back = moodle_to_competencies(again)
    assert {c.id for c in back} == set(framework.competencies)
    required = required_levels(framework, ON)
    assert required["digital_skills"] == 2 and required["office_statistics"] == 3
    for c in back:
        original = framework.competencies[c.id]
        assert (c.name, c.description) == (original.name, original.description)
        assert c.proficient_from == required[c.id]
    # the YAML planner writes from it is a vocabulary rules/ loads, with the same competencies
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    vocabulary = yaml.safe_load((rules / "vocabulary.yaml").read_text(encoding="utf-8"))
    vocabulary["competencies"] = yaml.safe_load(competencies_yaml(back))["competencies"]
    (rules / "vocabulary.yaml").write_text(
        yaml.safe_dump(vocabulary, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    assert load_rules(rules).competencies == framework.competencies


def test_english_short_names(framework) -> None:  # type: ignore[no-untyped-def]
    moodle = framework_to_moodle(framework, ON, lang="en")
    digital = next(c for c in moodle.competencies if c.idnumber == "digital_skills")
    assert digital.shortname == "Digital skills"


def _broken(lines: dict[int, str | None]) -> bytes:
    text = FIXTURE.read_text(encoding="utf-8").split("\n")
    for number, line in sorted(lines.items(), reverse=True):
        if line is None:
            del text[number]
        else:
            text[number] = line
    return "\n".join(text).encode("utf-8")


@pytest.mark.parametrize(
    ("change", "message", "row", "column"),
    [
        ({1: None}, "exactly one framework row", None, MOODLE_HEADERS[12]),
        ({2: "missing,orphan,Orphan,,1,,,,0,null,,99,,"}, "parent id number", 3, MOODLE_HEADERS[0]),
        (  # physical line 6 is record 5: the record before spans two lines
            {5: ",chung,Again,,1,,,,0,null,,99,,"},
            r"appears twice \(first on row 3\)",
            5,
            MOODLE_HEADERS[1],
        ),
        ({2: ",,Nameless,,1,,,,0,null,,99,,"}, "without an id number", 3, MOODLE_HEADERS[1]),
        ({0: "Parent,Id"}, "too few columns", 1, None),
    ],
)
def test_a_bad_file_names_row_and_column(
    change: dict[int, str | None], message: str, row: int | None, column: str | None
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_moodle_csv(_broken(change), FIXTURE)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert caught.value.path == str(FIXTURE)


def test_bad_scale_configuration_is_named() -> None:
    data = FIXTURE.read_bytes().replace(b'[{""scaleid"":""9""}', b"[{oops")
    moodle = read_moodle_csv(data, FIXTURE)
    with pytest.raises(InputError, match="scale configuration") as caught:
        moodle_to_competencies(moodle, FIXTURE)
    assert caught.value.column == "Scale configuration" and caught.value.row == 8


def test_moodle_cli_export_then_import(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planner.cli import cli

    runner = CliRunner()
    out = tmp_path / "framework.csv"
    result = runner.invoke(cli, ["moodle", "export", "--on", "2026-01-15", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "11 năng lực" in result.output
    moodle = read_moodle_csv(out.read_bytes(), out)
    assert len(moodle.competencies) == 11
    yml = tmp_path / "competencies.yaml"
    result = runner.invoke(cli, ["moodle", "import", str(out), "-o", str(yml), "--lang", "en"])
    assert result.exit_code == 0, result.output
    ids = [c["id"] for c in yaml.safe_load(yml.read_text(encoding="utf-8"))["competencies"]]
    assert ids == sorted(load_rules(bundled_dir("rules")).competencies)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Parent,Id\n")
    result = runner.invoke(cli, ["moodle", "import", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "too few columns" in result.output
