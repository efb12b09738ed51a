"""What-if: variants are planned like `planner plan`, a parallel sweep gives exactly the plans a
sequential one gives, the comparison and the marginal value of money are computed from the runs,
broken scenarios are input errors naming file, line and field, and every output format is
checked (JSON against its schema, the workbook with openpyxl, the HTML page in Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from click.testing import CliRunner

from planner.analysis.scenario import (
    Scenario,
    apply_scenario,
    budget_scale_scenarios,
    load_scenario,
)
from planner.analysis.whatif import (
    MILLION,
    WhatIfSettings,
    compare,
    run_whatif,
    solve_variant,
    variants_from,
)
from planner.cli import cli
from planner.errors import InputError
from planner.io.loading import load_case
from planner.report.html import write_page
from planner.report.plan_text import plan_dict
from planner.report.whatif_report import whatif_dict, whatif_page, write_whatif_xlsx
from test_html import _chromium, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "cases" / "mini"
SCENARIOS = ROOT / "tests" / "fixtures" / "scenarios"
FAST = {"engine": "cpsat", "time_limit": 2.0, "seed": 0}


@pytest.fixture(scope="module")
def case():  # type: ignore[no-untyped-def]
    return load_case(MINI)


@pytest.fixture(scope="module")
def sweep(case):  # type: ignore[no-untyped-def]
    variants = variants_from(
        [(load_scenario(SCENARIOS / "cut_and_extend.yaml"), "cut_and_extend.yaml")],
        budget_scale_scenarios("0.5:1.5:0.5"),
    )
    return run_whatif(case, variants, WhatIfSettings(**FAST, jobs=1))


def _plans(result):  # type: ignore[no-untyped-def]
    out = []
    for o in [result.baseline, *result.variants, *result.probes]:
        data = plan_dict(o.plan, "en") if o.plan else None
        if data:
            data.pop("time_s")
        out.append((o.variant.name, o.status, data))
    return out


def test_parallel_sweep_gives_the_sequential_plans(case, sweep) -> None:
    """Each variant is solved with one worker and the same seed in its own process, so two
    processes give exactly the plans of one after another."""
    variants = [o.variant for o in sweep.variants]
    parallel = run_whatif(case, variants, WhatIfSettings(**FAST, jobs=2))
    assert parallel.jobs == 2
    assert _plans(parallel) == _plans(sweep)


def test_a_variant_is_planned_like_planner_plan(case, sweep) -> None:
    baseline = solve_variant(case, sweep.baseline.variant, WhatIfSettings(**FAST))
    assert baseline.plan is not None and sweep.baseline.plan is not None
    one, two = plan_dict(baseline.plan, "en"), plan_dict(sweep.baseline.plan, "en")
    one.pop("time_s"), two.pop("time_s")
    assert one == two
    runner = CliRunner().invoke(
        cli, ["plan", str(MINI), "--format", "json", "--engine", "cpsat", "--time-limit", "2"]
    )
    planned = json.loads(runner.stdout)  # stderr may say the time limit was overrun
    assert planned["objective"] == baseline.plan.objective
    assert len(planned["assignments"]) == len(baseline.plan.assignments)


def test_the_unchanged_sweep_point_reuses_the_baseline(sweep) -> None:
    by_scale = {o.variant.scale: o for o in sweep.variants if o.variant.kind == "sweep"}
    assert set(by_scale) == {0.5, 1.0, 1.5}
    assert by_scale[1.0].plan is sweep.baseline.plan
    assert by_scale[1.0].budget_total == sweep.baseline.budget_total == 50_000_000
    assert by_scale[0.5].budget_total == 25_000_000
    assert sweep.changes[by_scale[1.0].variant.name] == []
    # baseline + scenario + ×0.5 + ×1.5 + the probes; ×1 is not solved again
    assert sweep.runs == 4 + len(sweep.probes)


def test_outcome_figures_agree_with_the_plan(sweep) -> None:
    for o in [sweep.baseline, *sweep.variants]:
        assert o.plan is not None
        totals = o.plan.totals
        assert o.needs["all"] == (totals["needs"]["all"]["met"], totals["needs"]["all"]["total"])
        assert o.cost_total == totals["cost_total"]
        assert sum(o.unmet_by_cause.values()) == len(o.plan.unmet)
        assert o.priority[1] - o.priority[0] == sum(u.priority for u in o.plan.unmet)
        assert all(b.spent <= b.budget for b in o.budget)
    # Two leaders of the mini case owe a knowledge update this term (QĐ 145).
    assert sweep.baseline.leaders[1] == 2


def test_changes_name_who_gains_and_who_loses(sweep) -> None:
    base = sweep.baseline
    for o in sweep.variants:
        for change in sweep.changes[o.variant.name]:
            before = set(base.courses.get(change.official_id, ()))
            after = set(o.courses.get(change.official_id, ()))
            assert set(change.gained) == after - before
            assert set(change.lost) == before - after
    halved = next(o for o in sweep.variants if o.variant.scale == 0.5)
    assert compare(base, halved), "halving the budget changes somebody's plan"
    assert compare(base, base) == []


def test_marginal_value_from_the_sweep_and_the_probes(sweep) -> None:
    steps = [m for m in sweep.marginal if m.method == "sweep"]
    assert [m.added for m in steps] == [25_000_000, 25_000_000]
    by_scale = {o.variant.scale: o for o in sweep.variants if o.variant.kind == "sweep"}
    assert steps[0].points == by_scale[1.0].priority[0] - by_scale[0.5].priority[0]
    assert steps[0].per_million == pytest.approx(steps[0].points / 25)
    probes = [m for m in sweep.marginal if m.method == "probe"]
    assert probes, "the mini baseline leaves needs open for the budget"
    blocked = {(b.year, b.source) for b in sweep.baseline.blocked}
    for m, o in zip(probes, sweep.probes, strict=False):
        assert (m.year, m.source) in blocked
        assert m.added % MILLION == 0 and m.added >= o.variant.probe[2] > 0  # type: ignore[index]
        assert m.points == o.priority[0] - sweep.baseline.priority[0]


def test_whatif_json_validates_against_the_published_schema(tmp_path) -> None:
    runner = CliRunner()
    schema = json.loads(runner.invoke(cli, ["schema", "whatif"]).output)
    out = tmp_path / "whatif.json"
    result = runner.invoke(
        cli,
        [
            "whatif",
            str(MINI),
            "--budget-scale",
            "0.5:1:0.5",
            "--scenario",
            str(SCENARIOS / "cut_and_extend.yaml"),
            "--time-limit",
            "2",
            "--jobs",
            "1",
            "--format",
            "json",
            "-o",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["prices"]["status"] == "optimal"
    assert {m["method"] for m in data["marginal"]} >= {"sweep", "lp_dual"}
    assert all(m["points"] is None for m in data["marginal"] if m["method"] == "lp_dual")
    assert [v["kind"] for v in data["variants"]] == ["scenario", "sweep", "sweep"]
    assert data["variants"][0]["scenario_file"].endswith("cut_and_extend.yaml")
    assert "budget ×0.8 (Provincial budget, every year)" in data["variants"][0]["changes"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dict(data, variants=[dict(data["variants"][0], kind="other")]), schema)


def test_whatif_workbook_matches_the_result(tmp_path, sweep) -> None:
    path = tmp_path / "whatif.xlsx"
    write_whatif_xlsx(path, sweep, "en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Comparison",
        "Value of a million",
        "Budget",
        "Who gains, who loses",
        "Notes",
    ]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    rows = list(book["Comparison"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Variant", "Changes", "Result")
    assert [r[0] for r in body] == [
        "Baseline",
        sweep.variants[0].variant.name,
        "Budget ×0.5",
        "Budget ×1",
        "Budget ×1.5",
    ]
    met = header.index("Needs met")
    assert [r[met] for r in body] == [o.needs["all"][0] for o in [sweep.baseline, *sweep.variants]]
    budget = header.index("Total budget")
    assert body[2][budget] == 25_000_000
    changes = list(book["Who gains, who loses"].iter_rows(values_only=True))[1:]
    assert len(changes) == sum(len(v) for v in sweep.changes.values())


@needs_chromium
def test_whatif_report_renders_every_chart_offline(tmp_path, sweep) -> None:
    page = whatif_page(sweep, "vi")
    charts = [s for s in page.sections if s.figure is not None]
    assert len(charts) >= 4  # coverage, kinds, cost, causes, marginal
    path = tmp_path / "whatif.html"
    write_page(path, page)
    dom, console, urls = _chromium(path, tmp_path, "--dump-dom")
    # Chart titles live in the figures' JSON (escaped); read them from the rendered page.
    assert "Mức đáp ứng theo tổng kinh phí" in dom and "Kinh phí ×0,5" in dom
    assert console == [], console
    assert [u for u in urls if not u.startswith("file:")] == []
    drawn = re.findall(r'<div id="chart-\d+".*?(?=<div id="chart-|</section>)', dom, re.S)
    assert len(drawn) == len(charts)
    for chart in drawn:
        assert 'class="main-svg"' in chart
        assert re.search(r'class="(point|points|bars|trace bars|scatterlayer)', chart)


def test_english_and_vietnamese_pages_come_from_the_catalogs(sweep) -> None:
    vi = json.dumps(whatif_dict(sweep, "vi"), ensure_ascii=False)
    en = json.dumps(whatif_dict(sweep, "en"), ensure_ascii=False)
    assert "kinh phí ×0,8 (Ngân sách tỉnh, mọi năm)" in vi
    assert "budget ×0.8 (Provincial budget, every year)" in en


# -- bad input ---------------------------------------------------------------------------------


def test_raises_when_a_scenario_names_an_unknown_session_with_file_and_line(case) -> None:
    path = SCENARIOS / "unknown_session.yaml"
    with pytest.raises(InputError) as info:
        apply_scenario(case, load_scenario(path))
    error = info.value
    assert error.path == str(path) and error.line == 3 and error.field == "seats[0].session"


def test_raises_when_a_scenario_names_an_unknown_course(tmp_path, case) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: x\nexclude_courses:\n  - degree_part_time\n  - no_such_course\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        apply_scenario(case, load_scenario(path))
    assert info.value.line == 4 and info.value.field == "exclude_courses[1]"
    assert "no_such_course" in str(info.value)


def test_raises_when_a_budget_change_matches_no_line(case) -> None:
    from planner.analysis.scenario import BudgetChange

    with pytest.raises(InputError, match="matches no budget line"):
        apply_scenario(case, Scenario(name="x", budget=[BudgetChange(year=2031, scale=0.5)]))


@pytest.mark.parametrize(
    "text,where",
    [
        ("name: x\nbudget:\n  - {source: ngan_sach_tinh, scale: -1}\n", ":3"),
        ("name: x\nseats:\n  - {course: ku_g3_commune, sets: 3}\n", ":3"),
        ("name: x\nname: y\n", ":2"),
        ("name: [unclosed\n", ":"),
    ],
)
def test_whatif_cli_exits_2_on_a_broken_scenario_file(tmp_path, text: str, where: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["whatif", str(MINI), "--scenario", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"broken.yaml{where}" in result.output
    assert "Traceback" not in result.output


def test_whatif_cli_needs_a_scenario_or_a_sweep() -> None:
    result = CliRunner().invoke(cli, ["whatif", str(MINI), "--lang", "en"])
    assert result.exit_code == 2 and "--budget-scale" in result.output
    result = CliRunner().invoke(cli, ["whatif", str(MINI), "--budget-scale", "2:1:0.1"])
    assert result.exit_code == 2 and "budget-scale" in result.output


def test_whatif_cli_table_shows_every_variant(tmp_path) -> None:
    out = tmp_path / "whatif.txt"
    result = CliRunner().invoke(
        cli,
        [
            "whatif",
            str(MINI),
            "--budget-scale",
            "0.5:1:0.5",
            "--time-limit",
            "2",
            "--jobs",
            "1",
            "--probes",
            "0",
            "--lang",
            "en",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for label in ("Baseline", "Budget ×0.5", "Budget ×1", "Value of a million"):
        assert label in text


def test_a_sweep_point_worse_than_a_cheaper_one_is_flagged(sweep) -> None:
    """More money never forbids a plan: a sweep point meeting fewer needs than a cheaper one
    means the solver stopped early, and the page says so instead of letting a reader conclude
    that money hurts."""
    from dataclasses import replace

    from planner.report.whatif_report import coverage_warning, non_monotone

    assert non_monotone(sweep) == [] or all(
        high.budget_total > low.budget_total for high, low in non_monotone(sweep)
    )
    variants = [
        replace(o, needs={**o.needs, "all": (0, o.needs["all"][1])})
        if o.variant.scale == 1.5
        else o
        for o in sweep.variants
    ]
    broken = replace(sweep, variants=variants)
    flagged = non_monotone(broken)
    assert [high.variant.scale for high, _ in flagged] == [1.5]
    assert "Budget ×1.5 meets 0 needs" in coverage_warning(broken, "en")


def test_lp_prices_of_every_budget_line_stand_next_to_the_probes(case, sweep) -> None:
    """Each line a session charges gets the baseline relaxation's price of one more million,
    labelled `lp_dual`, with no points or needs of a second plan (there is none)."""
    from planner import pipeline
    from planner.optimise.duals import lp_prices

    inst = pipeline.prepare(case).instance
    direct = lp_prices(inst, time_limit=10)
    priced = [m for m in sweep.marginal if m.method == "lp_dual"]
    assert [(m.year, m.source) for m in priced] == [(p.year, p.source) for p in direct.lines]
    assert [m.per_million for m in priced] == [p.per_million for p in direct.lines]
    assert all(m.points is None and m.needs is None and m.gaps == () for m in priced)
    assert sweep.prices is not None and sweep.prices.status == "optimal"
    # the probes' lines are short of money in the plan; the relaxation prices at least one of them
    probed = {(m.year, m.source) for m in sweep.marginal if m.method == "probe"}
    assert any(m.per_million > 0 for m in priced if (m.year, m.source) in probed)


def test_whatif_without_prices_has_no_lp_price(tmp_path) -> None:
    out = tmp_path / "whatif.json"
    result = CliRunner().invoke(
        cli,
        [
            "whatif", str(MINI), "--budget-scale", "0.5:1:0.5", "--time-limit", "2",
            "--jobs", "1", "--probes", "0", "--no-prices", "--format", "json", "-o", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["prices"] is None
    assert [m["method"] for m in data["marginal"]] == ["sweep"]
