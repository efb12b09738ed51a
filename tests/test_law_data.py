"""Law (and the planner's own defaults) as data: the values the code once wrote as literals are
read from rules/ and catalogs/, each with its reference and confidence tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.analysis.scenario import Scenario, apply_scenario
from planner.errors import InputError
from planner.io.case import LIMIT_PARAMETERS
from planner.io.loading import bundled_dir, load_case, load_catalog, load_rules

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


def test_every_moved_value_carries_a_reference_and_confidence() -> None:
    framework = load_rules(bundled_dir("rules"))
    for name in LIMIT_PARAMETERS:
        parameter = framework.parameters[name]
        assert parameter.confidence == "P"  # a planner default, not law
        assert all(v.reference.title for v in parameter.values)
    assert {g.confidence for g in framework.leader_groups.values()} == {"F"}
    for norms in load_catalog(bundled_dir("catalogs")).cost_norms:
        assert norms.trips.confidence == "F"
        assert norms.trips.reference.title == "Thông tư 36/2018/TT-BTC"


def test_positions_name_only_defined_leader_groups() -> None:
    framework = load_rules(bundled_dir("rules"))
    groups = {p.leader_group for p in framework.positions.values()} - {None}
    assert groups and groups <= set(framework.leader_groups)


def test_a_scenario_parameter_sets_the_limit_it_defaults() -> None:
    case = load_case(MINI)
    changed = apply_scenario(case, Scenario(name="s", parameters={"max_share_away": 0.2}))
    assert changed.config.limits.max_share_away == 0.2
    assert changed.config.limits.max_days_away_per_year == case.config.limits.max_days_away_per_year
    assert case.config.limits.max_share_away == 0.3  # the baseline is not modified
    with pytest.raises(InputError, match="invalid limit"):
        apply_scenario(case, Scenario(name="s", parameters={"max_share_away": 2}))


def test_term_coverage_is_a_programme_fact_with_its_reference() -> None:
    from planner.law.framework import Programme

    framework = load_rules(bundled_dir("rules"))
    covered = {p.id for p in framework.programmes.values() if p.term_coverage}
    assert covered == {"knowledge_update_g1", "knowledge_update_g2", "knowledge_update_g3"}
    for programme_id in covered:
        reference = framework.programmes[programme_id].term_coverage_reference
        assert reference is not None and reference.title == "Quy định 145-QĐ/TW"
    with pytest.raises(ValueError, match="term_coverage_reference"):
        Programme.model_validate({"id": "x", "name": {"vi": "x", "en": "x"}, "term_coverage": True})


def test_the_optimiser_takes_term_needs_from_the_flag_not_from_an_id() -> None:
    from planner import pipeline
    from planner.assess.targets import ProgrammeNeed

    prepared = pipeline.prepare(load_case(MINI))
    flagged = {
        (n.official_id, n.need)
        for n in prepared.assessment.needs
        if isinstance(n.target, ProgrammeNeed) and n.target.term_coverage
    }
    inst = prepared.instance
    term = {(inst.officials[n.official].id, n.id) for n in inst.needs if n.term}
    assert flagged and term == flagged


def test_national_database_headers_are_accepted(tmp_path: Path) -> None:
    """ND 27/2026: the personal identification number is the dossier's code; longer dossier
    headers for the training qualifications are read like the short ones."""
    from planner.io.officials import load_officials

    path = tmp_path / "officials.csv"
    path.write_text(
        "Số định danh cá nhân,Họ và tên,Chức danh,Đơn vị,Ngày sinh,Giới tính,"
        "Trình độ chuyên môn cao nhất,Trình độ lý luận chính trị,Trình độ quản lý nhà nước\n"
        "001085012345,Nguyễn Văn An,xa.chu_tich_ubnd,Xã A,02/04/1978,Nam,Đại học,Trung cấp,CV\n",
        encoding="utf-8",
    )
    (official,) = load_officials(path)
    assert official.id == "001085012345"
    assert (official.education, official.political_theory, official.state_management) == (
        "dai_hoc",
        "trung_cap",
        "chuyen_vien",
    )


def test_a_history_table_may_name_officials_by_their_identification_number(tmp_path: Path) -> None:
    from planner.io.history import load_history

    path = tmp_path / "history.csv"
    path.write_text(
        "Số định danh cá nhân,Mã khóa học,Ngày hoàn thành,Kết quả\n"
        "001085012345,llct_tc,2025-12-20,passed\n",
        encoding="utf-8",
    )
    (record,) = load_history(path)
    assert (record.official_id, record.course) == ("001085012345", "llct_tc")


def test_every_bundled_rule_version_is_dated_referenced_and_tagged() -> None:
    framework = load_rules(bundled_dir("rules"))
    untagged = [
        f"{rule.id}@{version.effective_from}"
        for rule in framework.rules.values()
        for version in rule.versions
        if version.confidence is None or not version.reference.title
    ]
    assert not untagged, f"rule versions without a confidence tag: {untagged}"
    for text in framework.texts.values():
        assert text.confidence in {"F", "S", "R", "P"} and text.title
