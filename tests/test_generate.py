"""The synthetic case generator and the two bundled examples (DESIGN §1 figures)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.assess.needs import assess_case
from planner.cli import cli
from planner.io.loading import load_case
from planner.synthetic.generate import (
    GeneratorOptions,
    apportion,
    estimate_need_costs,
    generate_case,
    need_signatures,
    parse_years,
    preset_options,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FILES = ("case.yaml", "officials.csv", "history.csv", "units.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _options(**changes: object) -> GeneratorOptions:
    base = {"officials": 400, "years": (2026, 2027, 2028, 2029, 2030), "seed": 7}
    base.update(changes)
    return GeneratorOptions(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "case"
    generate_case(_options(), out)
    return out


def test_same_seed_gives_byte_identical_files(small_case: Path, tmp_path: Path) -> None:
    """Determinism: the same options write exactly the same bytes."""
    generate_case(_options(), tmp_path / "again")
    for name in FILES:
        assert (small_case / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_different_seed_gives_different_officials(small_case: Path, tmp_path: Path) -> None:
    generate_case(_options(seed=8), tmp_path / "other")
    assert (small_case / "officials.csv").read_bytes() != (
        tmp_path / "other" / "officials.csv"
    ).read_bytes()


def test_generated_case_loads_and_validates(small_case: Path) -> None:
    case = load_case(small_case)
    assert len(case.officials) == 400
    assert case.config.years == [2026, 2027, 2028, 2029, 2030]
    assert (case.config.term.start, case.config.term.end) == (2026, 2030)
    assert case.config.budget, "a budget per year and source"
    result = CliRunner().invoke(cli, ["validate", str(small_case)])
    assert result.exit_code == 0, result.output


def test_structure_is_realistic(small_case: Path) -> None:
    """Communes hold the key posts once each and ~41 staff; a fifth are provincial staff."""
    rows = _rows(small_case / "officials.csv")
    by_unit: dict[str, Counter[str]] = {}
    for row in rows:
        by_unit.setdefault(row["unit"], Counter())[row["position"]] += 1
    communes = {u: c for u, c in by_unit.items() if any(p.startswith("xa.") for p in c)}
    for posts in communes.values():
        assert posts["xa.bi_thu"] == 1 and posts["xa.chu_tich_ubnd"] == 1
        assert 1 <= posts["xa.pho_chu_tich_ubnd"] <= 2
    sizes = [sum(c.values()) for c in communes.values()]
    assert 30 <= sum(sizes) / len(sizes) <= 50
    province = sum(1 for row in rows if row["position"].startswith("tinh."))
    assert province == round(400 * 0.2)
    assert any(row["planning_pool"] for row in rows)
    assert any(row["competency:digital_skills"] == "" for row in rows), "some not assessed"


def test_history_uses_catalog_courses_and_evaluations(small_case: Path) -> None:
    case = load_case(small_case)
    assert case.history, "the bundled catalog offers courses, so there is history"
    assert {r.course for r in case.history} <= set(case.catalog.courses)
    assert any(r.feedback is not None and r.competency_after for r in case.history)
    assert {r.result for r in case.history} == {"passed", "failed", "dropped"}
    assert all(r.completed_on <= case.reference_date for r in case.history)


def test_role_mode_forms_cohorts_of_identical_needs(tmp_path: Path) -> None:
    """Role mode: far fewer distinct need signatures than officials; individual: many more."""
    counts = {}
    for mode in ("role", "individual"):
        out = tmp_path / mode
        generate_case(_options(officials=1500, needs=mode), out)
        signatures = need_signatures(assess_case(load_case(out)).needs)
        counts[mode] = len(set(signatures.values()))
    assert counts["role"] * 5 < 1500
    assert counts["individual"] > 3 * counts["role"]


def test_streams_thousands_of_officials(tmp_path: Path) -> None:
    # How fast is a benchmark's business (benchmarks/pipeline.py), not a unit test's.
    result = generate_case(_options(officials=5000, seed=2), tmp_path / "big")
    assert result.officials == 5000
    with (tmp_path / "big" / "officials.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 5001


def test_parse_years_and_apportion() -> None:
    assert parse_years("2026-2030") == (2026, 2027, 2028, 2029, 2030)
    assert parse_years("2026") == (2026,)
    with pytest.raises(ValueError):
        parse_years("2030-2026")
    assert sum(apportion(111, [1.0, 2.0, 0.5] * 4)) == 111


def test_cli_writes_a_case(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "--officials",
            "120",
            "--years",
            "2026-2030",
            "--seed",
            "3",
            "--needs",
            "role",
            "--units",
            "3",
            "--province-share",
            "0",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out / "officials.csv")
    assert len(rows) == 120 and len({r["unit"] for r in rows}) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--officials", "0", "--years", "2026"],
        ["--officials", "10", "--years", "2030-2026"],
        ["--officials", "10", "--years", "2026", "--needs", "team"],
        ["--officials", "10", "--years", "2026", "--province-share", "1.5"],
        ["--officials", "10", "--years", "2026", "--reference-date", "15/01/2026"],
        ["--years", "2026"],
        ["--preset", "thoi-binh", "--officials", "50"],
    ],
)
def test_cli_rejects_bad_options_with_exit_2(args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output


# -- the committed examples -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["thoi-binh", "huong-khe"])
def test_example_validates(name: str) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / name)])
    assert result.exit_code == 0, result.output
    assert (EXAMPLES / name / "README.md").is_file()


@pytest.mark.parametrize("name", ["thoi-binh", "huong-khe"])
def test_example_is_reproducible_from_its_preset(name: str, tmp_path: Path) -> None:
    """The committed files are exactly what `planner generate --preset NAME` writes."""
    generate_case(preset_options(name), tmp_path / name)
    for file in FILES:
        assert (EXAMPLES / name / file).read_bytes() == (tmp_path / name / file).read_bytes(), file


def test_thoi_binh_figures() -> None:
    """Seed 001: 12 communes and 111 commune civil servants."""
    case = load_case(EXAMPLES / "thoi-binh")
    positions = case.framework.positions
    assert len(case.officials) == 111
    assert all(
        positions[o.position].category == "cong_chuc" and positions[o.position].level == "xa"
        for o in case.officials
    )
    assert len({o.unit for o in case.officials}) == 12
    assert case.config.years == [2026] and case.config.reference_date.isoformat() == "2026-01-15"
    assert (case.config.term.start, case.config.term.end) == (2026, 2030)


def test_huong_khe_figures() -> None:
    """Seed 003: 435 = 149 Party/mass + 286 state; education and LLCT shares as counts."""
    rows = _rows(EXAMPLES / "huong-khe" / "officials.csv")
    assert len(rows) == 435
    party_mass = {
        "xa.bi_thu",
        "xa.pho_bi_thu",
        "xa.chu_tich_mttq",
        "xa.chu_tich_hoi",
        "xa.van_phong_dang_uy",
    }
    assert sum(r["position"] in party_mass for r in rows) == 149
    assert sum(r["position"] not in party_mass for r in rows) == 286
    education = Counter(r["education"] for r in rows)
    assert education["thac_si"] + education["tien_si"] == 1  # 0.2%
    assert education["dai_hoc"] + education["cao_dang"] == 333  # 76.6%
    assert education["trung_cap"] == 101  # 23.2%
    theory = Counter(r["political_theory"] for r in rows)
    assert theory["cao_cap"] + theory["cu_nhan"] == 10  # 2.3%
    assert theory["trung_cap"] == 300  # 68.9%
    assert theory["so_cap"] + theory["none"] == 125
    case = load_case(EXAMPLES / "huong-khe")
    assert case.config.years == [2026, 2027, 2028, 2029, 2030]
    assert {line.year for line in case.config.budget} == set(case.config.years)


@pytest.mark.parametrize("name", ["thoi-binh", "huong-khe"])
def test_example_budget_is_tight_but_not_hopeless(name: str) -> None:
    """The budget pays for roughly half to two thirds of the estimated cost of all needs."""
    case = load_case(EXAMPLES / name)
    estimate = estimate_need_costs(EXAMPLES / name)
    assert estimate is not None and estimate.priced
    budget = sum(line.amount for line in case.config.budget)
    assert 0.45 <= estimate.coverage(budget, len(case.config.years)) <= 0.7


def test_budget_share_sizes_the_budget_against_the_catalog(tmp_path: Path) -> None:
    """`budget_share` assesses the generated case and budgets that share of the needs' cost."""
    out = tmp_path / "sized"
    generate_case(_options(officials=150, years=(2026,), province_share=0.0, budget_share=0.5), out)
    case = load_case(out)
    estimate = estimate_need_costs(out)
    assert estimate is not None
    budget = sum(line.amount for line in case.config.budget)
    assert abs(estimate.coverage(budget) - 0.5) < 0.02


def test_profile_data_names_known_posts_tiers_and_levels() -> None:
    """The generator's YAML data (synthetic/data) fits the bundled rules: every post it profiles is
    a position, every tier has its mixes, every level drawn is one of its scale."""
    from planner.io.loading import bundled_dir, load_rules
    from planner.synthetic.presets import PRESETS
    from planner.synthetic.profiles import (
        COMMUNE_PARTY_MASS,
        COMMUNE_STATE,
        DEPARTMENT,
        POST_PROFILES,
        STATS,
    )
    from planner.types import QUALIFICATION_SCALES

    framework = load_rules(bundled_dir("rules"))
    assert set(POST_PROFILES) <= set(framework.positions)
    blocks = [COMMUNE_PARTY_MASS, COMMUNE_STATE, DEPARTMENT]
    blocks += [b for preset in PRESETS.values() for b, _ in preset().blocks]
    assert set().union(*(b.positions() for b in blocks)) <= set(POST_PROFILES)
    tiers = {p.tier for p in POST_PROFILES.values()}
    for qfield, mixes in (
        ("education", STATS.education_mix),
        ("political_theory", STATS.political_theory_mix),
        ("state_management", STATS.state_management_mix),
    ):
        assert set(mixes) == tiers
        for mix in mixes.values():
            assert set(mix) <= set(QUALIFICATION_SCALES[qfield])
            assert sum(mix.values()) == pytest.approx(1)
