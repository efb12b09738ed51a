"""Optimiser benchmark (not part of CI): generated cases × methods, same time limit and threads.

    python benchmarks/run.py     # 2k and 20k, role and individual, 1 and 5 years, seeds 1 2
    python benchmarks/run.py --sizes 100000 300000 --years 2026-2030 --seeds 1 --needs role

For every case (made once with `planner generate` into benchmarks/.cache/, the instance built once
and cached as a pickle) each method runs in its own process (so its peak RSS is its own):
greedy, monolithic CP-SAT default (`cpsat`), monolithic CP-SAT tuned (`cpsat-tuned`: linearization
level 2 and a greedy hint), monolithic HiGHS (`highs`) and planner's own method (`planner`, engine
auto: cohort aggregation or the exact model, see planner.optimise.solve). Every plan goes through
the solver-free checker. Columns: objective, the method's own valid bound, the best valid bound
of any method on that case, the gap to it, time to first plan, time to ≤ 1 % of the best bound
(read from the solve's progress trace, `planner.optimise.progress`: the first time a plan
meeting every rule was within 1 %; marked "≤" where the engine does not report its incumbents
on the way, monolithic HiGHS and CP-SAT, or the row has no trace: then it is the time the run
returned, an upper bound), total time and peak RSS, and each baseline's objective as a ratio
to planner's. The pipeline stages (load, assess, recommend, build) are timed once per case.

Results are appended to benchmarks/results/results.jsonl as they come and the table is
rewritten to benchmarks/results/RESULTS.md after every run.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
METHODS = ("greedy", "cpsat", "cpsat-tuned", "highs", "planner", "colgen")
DEFAULT_METHODS = ("greedy", "cpsat", "cpsat-tuned", "highs", "planner")


def case_folder(
    size: int, years: str, seed: int, needs: str, cache: Path = CACHE, term: str | None = None
) -> Path:
    """The generated case (made once); `term` is passed to `planner generate --term` (keep cases
    of another term in another `cache`)."""
    folder = cache / f"n{size}-y{years}-s{seed}-{needs}"
    if not (folder / "case.yaml").exists():
        extra = ["--term", term] if term else []
        subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "generate",
                "--officials",
                str(size),
                "--years",
                years,
                "--seed",
                str(seed),
                "--needs",
                needs,
                "-o",
                str(folder),
                *extra,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def prepare(folder: Path) -> tuple[Path, dict[str, float]]:
    """Load, assess, recommend and build once; the instance is pickled next to the case."""
    target = folder / "instance.pkl"
    stages_file = folder / "stages.json"
    if target.exists() and stages_file.exists():
        return target, json.loads(stages_file.read_text())
    from planner.assess.needs import assess_case
    from planner.io.loading import load_case
    from planner.optimise.build import build_instance
    from planner.recommend.candidates import recommend_case

    t0 = time.perf_counter()
    case = load_case(folder)
    t1 = time.perf_counter()
    assessment = assess_case(case)
    t2 = time.perf_counter()
    recommendations = recommend_case(case, assessment)
    t3 = time.perf_counter()
    inst = build_instance(case, assessment, recommendations)
    t4 = time.perf_counter()
    stages = {
        "load_s": t1 - t0,
        "assess_s": t2 - t1,
        "recommend_s": t3 - t2,
        "build_s": t4 - t3,
        "officials": len(inst.officials),
        "needs": len(inst.needs),
        "options": len(inst.options),
    }
    with open(target, "wb") as fh:
        pickle.dump(inst, fh, protocol=pickle.HIGHEST_PROTOCOL)
    stages_file.write_text(json.dumps(stages))
    return target, stages


def run_one(instance_path: Path, method: str, time_limit: float, threads: int, seed: int) -> dict:
    """Solve one cached instance with one method in this process; returns the row."""
    from planner.optimise.check import check_plan
    from planner.optimise.solve import SolveConfig, solve

    with open(instance_path, "rb") as fh:
        inst = pickle.load(fh)
    engine = {"planner": "auto", "cpsat-tuned": "cpsat"}.get(method, method)
    config = SolveConfig(
        engine=engine, time_limit=time_limit, seed=seed, workers=threads, tuned=method != "cpsat"
    )
    trace: list[tuple[float, float | None, float | None]] = []

    def progress(best: float | None, bound: float | None, elapsed: float) -> None:
        trace.append((elapsed, best, bound))

    started = time.perf_counter()
    try:
        plan = solve(inst, config, progress)
    except Exception as exc:  # noqa: BLE001 - a baseline failing is a result too
        return {
            "method": method,
            "error": f"{type(exc).__name__}: {exc}"[:300],
            "total_s": time.perf_counter() - started,
            "peak_mb": _peak_mb(),
        }
    total = time.perf_counter() - started
    report = check_plan(inst, plan)
    return {
        "method": method,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "first_plan_s": plan.info.get("first_plan_s"),
        "total_s": total,
        "peak_mb": _peak_mb(),
        "checked": report.ok,
        "violations": len(report.violations),
        "trace": trace,
        "info": {k: v for k, v in plan.info.items() if isinstance(v, (int, float, str))},
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _subprocess(
    instance_path: Path,
    method: str,
    time_limit: float,
    threads: int,
    seed: int,
    timeout: float,
    memory_cap_gb: float = 0.0,
) -> dict:
    """Run one method in its own process; killed at `timeout` seconds or, when a cap is given,
    as soon as its resident memory passes `memory_cap_gb` (a monolithic baseline at 100k+
    officials would otherwise take the machine down with it)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        str(instance_path),
        method,
        str(time_limit),
        str(threads),
        str(seed),
    ]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    started = time.monotonic()
    peak_kb = 0
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        while True:
            try:  # communicate drains both pipes while waiting; retrying loses no output (a short
                # wait, so the memory cap catches a run that ends in under a second too)
                stdout, stderr = proc.communicate(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            rss_kb = _rss_kb(proc.pid)
            peak_kb = max(peak_kb, rss_kb)
            if memory_cap_gb and rss_kb > memory_cap_gb * 2**20:
                proc.kill()
                proc.communicate()
                return {
                    "method": method,
                    "error": f"killed at {rss_kb / 2**20:.1f} GB RSS "
                    f"(cap {memory_cap_gb:g} GB) after {time.monotonic() - started:.0f} s",
                    "peak_mb": rss_kb / 1024,
                }
            if time.monotonic() - started > timeout:
                proc.kill()
                proc.communicate()
                return {
                    "method": method,
                    "error": f"killed after {timeout:.0f} s",
                    "peak_mb": peak_kb / 1024,
                }
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"method": method, "error": (stderr.strip().splitlines() or ["no output"])[-1][:300]}
    return json.loads(lines[-1])


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def table(rows: list[dict]) -> str:
    """Markdown table; gaps and ratios against the best bound and planner's objective per case."""
    by_case: dict[str, list[dict]] = {}
    for row in rows:
        by_case.setdefault(row["case"], []).append(row)
    commands = commands_of(rows)
    out = [
        "| case | method | objective | own bound | best bound | gap | first plan s | ≤1% s | "
        "total s | peak MB | checked | baseline/planner | cmd |",
        "|" + "---|" * 13,
    ]
    for case, group in by_case.items():
        bounds = [r["bound"] for r in group if r.get("bound") is not None]
        best = min(bounds) if bounds else None
        mine = next((r.get("objective") for r in group if r["method"] == "planner"), None)
        for r in group:
            if "error" in r:
                peak = f"{r['peak_mb']:.0f}" if r.get("peak_mb") else ""
                out.append(
                    f"| {case} | {r['method']} | error: {r['error']} |"
                    + " |" * 6
                    + f" {peak} | | | {commands.index(r.get('command', '')) + 1} |"
                )
                continue
            gap = (best - r["objective"]) / best if best else 0.0
            to1 = _time_to_one_percent(r, best, gap)
            ratio = f"{r['objective'] / mine:.4f}" if mine else "-"
            first = r.get("first_plan_s")
            chosen = (r.get("info") or {}).get("method")
            name = (
                f"{r['method']} ({chosen})" if r["method"] == "planner" and chosen else r["method"]
            )
            out.append(
                f"| {case} | {name} | {r['objective']:,} | {r['bound']:,} | "
                f"{best:,} | {gap:.3%} | {first if first is not None else '-'} | {to1} | "
                f"{r['total_s']:.1f} | {r['peak_mb']:.0f} | {r['checked']} | {ratio} | "
                f"{commands.index(r.get('command', '')) + 1} |"
            )
    return "\n".join(out)


# engines whose incumbents are not reported while they run: their trace ends with the result
NO_INCUMBENT_TRACE = ("highs", "cpsat", "cpsat-tuned")


def _time_to_one_percent(row: dict, best: float | None, gap: float) -> str:
    """Seconds until the row's run first held a plan within 1 % of the case's best bound."""
    from planner.optimise.progress import first_within

    trace = row.get("trace")
    if not trace or best is None:  # an older row: the total time when the final plan is within
        return f"≤{row['total_s']:.1f}" if gap <= 0.01 else "-"
    seconds = first_within([tuple(point) for point in trace], best, 0.01)
    if seconds is None:
        return "-"
    return f"≤{seconds:.1f}" if row["method"] in NO_INCUMBENT_TRACE else f"{seconds:.1f}"


def commands_of(rows: list[dict]) -> list[str]:
    """The distinct commands that made the rows, in order of first appearance."""
    out: list[str] = []
    for r in rows:
        if r.get("command", "") not in out:
            out.append(r.get("command", ""))
    return out


def pipeline_table(stages: dict[str, dict]) -> str:
    out = [
        "| case | officials | needs | options | load s | assess s | recommend s | build s |",
        "|" + "---|" * 8,
    ]
    for case, s in stages.items():
        out.append(
            f"| {case} | {s['officials']:,} | {s['needs']:,} | {s['options']:,} | "
            f"{s['load_s']:.1f} | {s['assess_s']:.1f} | {s['recommend_s']:.1f} | "
            f"{s['build_s']:.1f} |"
        )
    return "\n".join(out)


def _write_results(path: Path, header: str, rows: list[dict], stages: dict[str, dict]) -> None:
    path.write_text(
        f"# Optimiser benchmark\n\n{header}\n\n{table(rows)}\n\n## Commands (column cmd)\n\n"
        + "".join(f"{i}. `{c}`\n" for i, c in enumerate(commands_of(rows), 1))
        + f"\n## Pipeline\n\n{pipeline_table(stages)}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--one":
        path, method, limit, threads, seed = argv[1:6]
        print(json.dumps(run_one(Path(path), method, float(limit), int(threads), int(seed))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--needs", nargs="+", default=["role", "individual"])
    parser.add_argument("--years", nargs="+", default=["2026", "2026-2030"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS), choices=METHODS)
    parser.add_argument(
        "--case-dirs",
        type=Path,
        nargs="+",
        default=[],
        help="Existing case folders (e.g. examples/huong-khe), copied into the cache and run "
        "after the generated ones; with --sizes 0 only these.",
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--tag", default="")
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        help="Seconds before a method is killed (default 3 × time limit + 120).",
    )
    parser.add_argument(
        "--term",
        default=None,
        help="Congress term of generated cases, e.g. 2027-2031 (see results/README).",
    )
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="With --merge: rewrite RESULTS<tag>.md from the jsonl rows, no solving.",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="Keep the rows already in results<tag>.jsonl for the case × method "
        "pairs this run does not redo (e.g. planner rerun after a change).",
    )
    parser.add_argument(
        "--memory-cap",
        type=float,
        default=16.0,
        help="GB of resident memory at which a method is killed (0: none).",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    jsonl = args.out / f"results{args.tag}.jsonl"
    header = (
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}; command: python benchmarks/run.py "
        + " ".join(argv)
        + f"; time limit {args.time_limit:g} s, {args.threads} threads"
    )
    print(header, flush=True)
    rows: list[dict] = []
    stages: dict[str, dict] = {}
    if args.merge and jsonl.exists():
        latest: dict[tuple[str, str], dict] = {}
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            latest[(row["case"], row["method"])] = row
        rows = list(latest.values())
        header += "; merged with the earlier rows of " + jsonl.name
        for case in sorted({r["case"] for r in rows}):
            kept = args.cache / case / "stages.json"
            if kept.exists():
                stages[case] = json.loads(kept.read_text())
    if args.table_only:
        _write_results(args.out / f"RESULTS{args.tag}.md", header, rows, stages)
        return
    for size in [s for s in args.sizes if s > 0]:
        for needs in args.needs:
            for years in args.years:
                for seed in args.seeds:
                    case = f"n{size}-y{years}-s{seed}-{needs}"
                    folder = case_folder(size, years, seed, needs, args.cache, args.term)
                    path, stages[case] = prepare(folder)
                    print(f"{case}: {stages[case]}", flush=True)
                    for method in args.methods:
                        row = _subprocess(
                            path,
                            method,
                            args.time_limit,
                            args.threads,
                            seed,
                            timeout=args.timeout or 3 * args.time_limit + 120,
                            memory_cap_gb=args.memory_cap,
                        )
                        row["case"] = case
                        row["command"] = "python benchmarks/run.py " + " ".join(argv)
                        rows = [r for r in rows if (r["case"], r["method"]) != (case, method)]
                        rows.append(row)
                        with open(jsonl, "a", encoding="utf-8") as fh:
                            fh.write(json.dumps(row) + "\n")
                        print(json.dumps(row), flush=True)
                        _write_results(args.out / f"RESULTS{args.tag}.md", header, rows, stages)
    for src in args.case_dirs:
        import shutil

        case = src.resolve().name
        folder = args.cache / case
        if not (folder / "case.yaml").exists():
            shutil.copytree(src, folder, dirs_exist_ok=True)
        path, stages[case] = prepare(folder)
        for method in args.methods:
            row = _subprocess(
                path,
                method,
                args.time_limit,
                args.threads,
                args.seeds[0],
                timeout=args.timeout or 3 * args.time_limit + 120,
                memory_cap_gb=args.memory_cap,
            )
            row["case"] = case
            row["command"] = "python benchmarks/run.py " + " ".join(argv)
            rows = [r for r in rows if (r["case"], r["method"]) != (case, method)]
            rows.append(row)
            with open(jsonl, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
            _write_results(args.out / f"RESULTS{args.tag}.md", header, rows, stages)
    print(table(rows))
    print(pipeline_table(stages))
    if rows:
        planner_gaps = [r["gap"] for r in rows if r["method"] == "planner" and "gap" in r]
        if planner_gaps:
            print(f"# planner median own gap {statistics.median(planner_gaps):.3%}")


if __name__ == "__main__":
    main()
