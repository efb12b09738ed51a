"""Is the bound planner reports valid? (not part of CI)

    python benchmarks/bound_validity.py examples/thoi-binh examples/huong-khe --time-limit 10

For each case: `planner plan CASE --time-limit T --format json` (planner's own method, its
objective and bound), then `planner plan CASE --engine highs --time-limit 10·T --format json`
(HiGHS branch-and-cut on the exact individual model, ten times the time). The bound is valid
on that case when planner's bound ≥ HiGHS's objective (a feasible plan's value can never
exceed a valid upper bound); the row also shows how far each plan is from planner's bound.
Results are appended to benchmarks/results/bound_validity.jsonl and the table rewritten to
benchmarks/results/RESULTS_bound_validity.md, each row with its two commands.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FACTOR = 10


def plan(case: str, limit: float, out: Path, engine: str | None) -> tuple[dict, float, str]:
    """One `planner plan` run in its own process: (its Plan JSON, wall seconds, command)."""
    args = ["plan", case, "--time-limit", f"{limit:g}", "--format", "json", "-o", str(out)]
    if engine:
        args[2:2] = ["--engine", engine]
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True)
    wall = time.monotonic() - started
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return data, round(wall, 2), "planner " + " ".join(args)


def row(case: str, limit: float, work: Path) -> dict:
    name = Path(case).name
    own, own_wall, own_cmd = plan(case, limit, work / f"{name}-planner.json", None)
    ref, ref_wall, ref_cmd = plan(case, FACTOR * limit, work / f"{name}-highs.json", "highs")
    bound = own.get("bound")
    reference = ref.get("objective")
    return {
        "case": case,
        "time_limit": limit,
        "planner_status": own.get("status"),
        "planner_method": _method(own),
        "planner_objective": own.get("objective"),
        "planner_bound": bound,
        "planner_wall_s": own_wall,
        "highs_status": ref.get("status"),
        "highs_objective": reference,
        "highs_bound": ref.get("bound"),
        "highs_wall_s": ref_wall,
        "valid": bound is not None and reference is not None and bound >= reference,
        "planner_command": own_cmd,
        "highs_command": ref_cmd,
    }


def _method(data: dict) -> str:
    method = data.get("method")
    return str(method.get("method", "")) if isinstance(method, dict) else str(method or "")


def _gap(value: float | None, bound: float | None) -> str:
    if value is None or not bound:
        return "-"
    return f"{100 * (bound - value) / bound:.2f} %"


def _line(r: dict) -> str:
    if r["planner_bound"] is None or r["highs_objective"] is None:
        return (
            f"| {r['case']} | {r['time_limit']:g} | {r['planner_status']} | - | - | - "
            f"| {r['highs_status']} | - | - | not measured |"
        )
    return (
        f"| {r['case']} | {r['time_limit']:g} | {r['planner_status']}, {r['planner_method']} "
        f"| {r['planner_objective']:,} | {r['planner_bound']:,} "
        f"| {_gap(r['planner_objective'], r['planner_bound'])} | {r['highs_status']} "
        f"| {r['highs_objective']:,} | {_gap(r['highs_objective'], r['planner_bound'])} "
        f"| {'yes' if r['valid'] else '**no**'} |"
    )


def table(rows: list[dict]) -> str:
    head = (
        "| case | T (s) | planner: status, method | planner objective | planner bound "
        "| gap | HiGHS at 10·T: status | HiGHS objective | HiGHS gap to planner's bound "
        "| bound ≥ HiGHS objective |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [_line(r) for r in rows]
    commands = "\n".join(f"- `{r['planner_command']}`; `{r['highs_command']}`" for r in rows)
    return head + "\n".join(lines) + "\n\nCommands, per row:\n\n" + commands + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = HERE / ".cache" / "bound_validity"
    work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "bound_validity.jsonl"
    for case in args.cases:
        result = row(case, args.time_limit, work)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        with log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    (args.out / "RESULTS_bound_validity.md").write_text(
        "# Bound validity: planner's bound against HiGHS given ten times the time\n\n"
        "Measured by `benchmarks/bound_validity.py` (2 cores): planner's own method at the time "
        "limit T, then HiGHS on the exact individual model (`--engine highs`) at 10·T. A valid "
        "bound is never below a feasible plan's objective.\n\n" + table(rows),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
