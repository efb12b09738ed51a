"""What-if sweeps on Dask against the local process: serial vs LocalCluster with 1 and 2 workers,
the per-task costs (data sent, scheduler overhead), the wall they predict for 8/32/128 workers,
and optionally a national plan by province blocks against one model.

    python benchmarks/dask_sweep.py                            # 2,000 officials, 10 variants
    python benchmarks/dask_sweep.py --officials 20000 --time-limit 20
    python benchmarks/dask_sweep.py --skip-sweep --national 600 --provinces 3  # blocks vs one model
    python benchmarks/dask_sweep.py --skip-sweep --national 300000 --provinces 34 \
        --national-method blocks   # one of the two only, its own process (peak memory apart)

Writes benchmarks/results/RESULTS_dask<tag>.md (and prints it). Each configuration runs the same
sweep (`run_whatif`, probes off) in this one process, one after another, on the same case.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "benchmarks" / ".cache_dask"


def generate(
    officials: int, years: str, seed: int, provinces: int = 1, cache: Path = CACHE
) -> Path:
    folder = cache / f"n{officials}_y{years}_s{seed}_p{provinces}"
    if not (folder / "case.yaml").exists():
        cmd = [sys.executable, "-m", "planner", "generate", "--officials", str(officials)]
        cmd += ["--years", years, "--seed", str(seed), "-o", str(folder)]
        if provinces > 1:
            cmd += ["--provinces", str(provinces)]
        subprocess.run(cmd, check=True, capture_output=True)
    return folder


def _noop(x: int) -> int:
    return x


def scheduler_overhead(client: Any, tasks: int = 200) -> float:
    """Seconds per trivial task (submit → result) on this cluster, the scheduler's share."""
    started = time.perf_counter()
    futures = client.map(_noop, range(tasks), pure=False)
    client.gather(futures)
    return (time.perf_counter() - started) / tasks


def sweep(args: argparse.Namespace) -> list[str]:
    from planner.analysis.distributed import run_whatif_on
    from planner.analysis.scenario import budget_scale_scenarios
    from planner.analysis.whatif import WhatIfSettings, run_whatif, variants_from
    from planner.io.loading import load_case

    folder = generate(args.officials, args.years, args.seed, cache=args.cache)
    case = load_case(folder)
    spec = f"0.5:{0.5 + 0.1 * (args.variants - 1):.2f}:0.1"  # budget ×0.5, ×0.6, …
    variants = variants_from([], budget_scale_scenarios(spec))[: args.variants]
    settings = WhatIfSettings(
        engine=args.engine, time_limit=args.time_limit, seed=0, jobs=1, probes=0
    )
    rows: list[tuple[str, float, int, dict[str, int]]] = []
    started = time.perf_counter()
    serial = run_whatif(case, variants, settings)
    rows.append(("serial (--jobs 1)", time.perf_counter() - started, serial.runs, {}))
    task_s = [o.time_s for o in [serial.baseline, *serial.variants] if o.time_s]
    for workers in args.workers:
        import distributed

        with distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            started = time.perf_counter()
            result = run_whatif_on(
                case,
                variants,
                WhatIfSettings(**{**settings.__dict__, "jobs": workers}),
                scheduler=cluster.scheduler_address,
            )
            wall = time.perf_counter() - started
            with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
                overhead = scheduler_overhead(client)
            rows.append((f"LocalCluster, {workers} worker(s)", wall, result.runs, result.reruns))
    base = rows[0][1]
    case_bytes = len(pickle.dumps(case))
    task_bytes = len(pickle.dumps((variants[0], settings)))
    result_bytes = statistics.median(len(pickle.dumps(o)) for o in serial.variants)
    mean_task = statistics.mean(task_s)
    lines = [
        f"## Sweep: {args.variants} budget variants of a {args.officials:,}-official case",
        "",
        f"Engine {args.engine}, {args.time_limit:g} s per variant, probes off; "
        f"{serial.runs} solver runs (the ×1 point reuses the baseline).",
        "",
        "| configuration | wall (s) | vs serial | runs | re-runs |",
        "|---|---:|---:|---:|---|",
    ]
    for name, wall, runs, reruns in rows:
        lines.append(f"| {name} | {wall:.1f} | {base / wall:.2f}× | {runs} | {reruns or '-'} |")
    lines += [
        "",
        "Per-task costs (measured here):",
        f"- solve per variant: mean {mean_task:.2f} s, median {statistics.median(task_s):.2f} s "
        f"(prepare + solve, one thread);",
        f"- the case, scattered once to every worker: {case_bytes / 1e6:.2f} MB pickled;",
        f"- sent per task: {task_bytes} bytes (variant + settings; the case is a reference);",
        f"- returned per task: {result_bytes / 1e3:.0f} kB (the outcome with its plan);",
        f"- scheduler round trip per trivial task: {overhead * 1e3:.1f} ms.",
        "",
        "Predicted wall for W workers (one thread each), on paper: "
        "scatter + ⌈tasks / W⌉ × task + tasks × overhead, tasks = the solver runs of the sweep:",
        "",
        "| workers | predicted wall (s) |",
        "|---:|---:|",
    ]
    scatter = case_bytes / 100e6  # 100 MB/s to each worker (1 Gbit/s LAN), worst case serial
    for w in (8, 32, 128):
        predicted = scatter * min(w, 8) + math.ceil(serial.runs / w) * mean_task
        predicted += serial.runs * overhead
        lines.append(f"| {w} | {predicted:.1f} |")
    return lines


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def _round_wall(times: list[float], workers: int) -> float:
    """A round of province tasks on W workers, on paper: no faster than its longest task, nor
    than its total work shared by W (greedy list scheduling is within one task of that)."""
    return max(max(times), sum(times) / workers) if times else 0.0


def national(args: argparse.Namespace) -> list[str]:
    import distributed

    from planner import pipeline
    from planner.analysis.distributed import plan_national
    from planner.optimise.blocks import block_instance, provinces_of
    from planner.optimise.solve import SolveConfig

    folder = generate(args.national, args.years, args.seed, args.provinces, args.cache)
    started = time.perf_counter()
    prepared = pipeline.prepare(pipeline.load(folder))
    prepare_wall = time.perf_counter() - started
    prepare_rss = _peak_rss_gb()
    inst = prepared.instance
    config = SolveConfig(engine=args.engine, time_limit=args.time_limit, seed=0)
    method = args.national_method
    lines = [
        "",
        f"## National plan: {args.national:,} officials in {args.provinces} provinces",
        "",
        f"Engine {args.engine}, {args.time_limit:g} s per province solve and per single-model "
        f"solve; prepare (load, assess, recommend, build) {prepare_wall:.1f} s and "
        f"{prepare_rss:.2f} GB peak, not in the walls below; {len(inst.officials):,} officials, "
        f"{len(inst.options):,} options.",
        "",
        "| method | wall (s) | objective | bound | gap | checker | peak memory |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    single = None
    if method in ("both", "single"):
        started = time.perf_counter()
        single = pipeline.plan(prepared, config)
        single_wall = time.perf_counter() - started
        ok = pipeline.check(prepared, single).ok
        lines.append(
            f"| one model ({single.method.get('method')}) | {single_wall:.1f} | "
            f"{single.objective:,} | {single.bound:,} | {single.gap:.2%} | "
            f"{'passes' if ok else 'FAILS'} | {_peak_rss_gb():.2f} GB (this process, case "
            "included) |"
        )
        print(lines[-1], flush=True)  # a long run: the one model's row at once
    if method == "single":
        return lines
    # One province's task as it is shipped (its instance; the largest province).
    province_of_unit = {u: i.province for u, i in prepared.case.units.items()}
    province = provinces_of(inst, province_of_unit)
    largest = max(sorted(set(province)), key=province.count)
    members = [i for i, p in enumerate(province) if p == largest]
    task_bytes = len(pickle.dumps(block_instance(inst, members, largest, {}, dict(inst.budgets))))
    workers = args.blocks_workers
    with distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        started = time.perf_counter()
        blocks = plan_national(prepared, config, cluster.scheduler_address)
        blocks_wall = time.perf_counter() - started
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            worker_rss = sorted(client.run(_peak_rss_gb).values())
            overhead = scheduler_overhead(client)
    ok = pipeline.check(prepared, blocks).ok
    info = blocks.info["blocks"]
    rounds = [info["relaxed_s"]] if info["relaxed_s"] else []
    rounds += [r["province_s"] for r in info["rounds"]]
    rounds += list(info["restricted_s"].values())
    task_work = sum(sum(r) for r in rounds)
    master = blocks_wall - sum(_round_wall(r, workers) for r in rounds)
    lines += [
        f"| province blocks ({workers} workers) | {blocks_wall:.1f} | {blocks.objective:,} | "
        f"{info['bound']:,} | {blocks.gap:.2%} | {'passes' if ok else 'FAILS'} | per worker "
        f"{', '.join(f'{r:.2f}' for r in worker_rss)} GB; coordinating process "
        f"{_peak_rss_gb():.2f} GB (case included) |",
        "",
        f"{info['shared_sessions']} shared sessions. National bound: the national relaxation's "
        f"{info['relaxation_bound']:,} (its LP {info['relaxation_s']:.1f} s in the coordinating "
        "process)"
        + (f", the master's relaxed round {info['relaxed_bound']:,}" if info["relaxed_s"] else "")
        + "."
        + (
            f" The one model's plan is {(info['bound'] - single.objective) / info['bound']:.2%} "
            f"below the same bound; block plan / one model = "
            f"{blocks.objective / max(1, single.objective):.4f}."
            if single is not None
            else ""
        ),
        "",
        f"Candidates before repair (coverage points): {info['assembled']}; options dropped "
        f"repairing the shared rows: {info['dropped']}; after that repair: {info['repaired']}.",
    ]
    if info["rounds"]:
        lines += [
            "",
            "| round | master LP | Lagrangian bound | improving columns | tasks (s, sum / max) |",
            "|---:|---:|---:|---:|---:|",
        ]
        for i, r in enumerate(info["rounds"], 1):
            t = r["province_s"]
            lines.append(
                f"| {i} | {r['master_lp']:,.0f} | {r['lagrangian_bound']:,.0f} | "
                f"{r['improving_columns']} | {sum(t):.1f} / {max(t):.1f} |"
            )
    lines += [
        "",
        f"Province tasks: {task_work:.1f} s of task work in {len(rounds)} round(s) of "
        f"{args.provinces} tasks (a task {min(min(r) for r in rounds):.1f}–"
        f"{max(max(r) for r in rounds):.1f} s). Sent per task: {task_bytes / 1e6:.2f} MB "
        f"(the largest province's instance, pickled); scheduler round trip {overhead * 1e3:.1f} "
        f"ms per trivial task. Coordinating process (relaxation, re-assembly, repair, check): "
        f"{max(0.0, master):.1f} s (the wall less the rounds' task walls on paper).",
        "",
        "Predicted wall of the same block plan on W workers, on paper: Σ over rounds of "
        "max(longest task, round work / W) + the coordinating share measured here + sending "
        f"{args.provinces} tasks a round at 100 MB/s:",
        "",
        "| workers | predicted wall (s) |",
        "|---:|---:|",
    ]
    for w in (8, 32, 128):
        predicted = sum(_round_wall(r, w) for r in rounds) + max(0.0, master)
        predicted += len(rounds) * args.provinces * (task_bytes / 100e6 + overhead)
        lines.append(f"| {w} | {predicted:.1f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officials", type=int, default=2000)
    parser.add_argument("--variants", type=int, default=10)
    parser.add_argument("--years", default="2026")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--national", type=int, default=0, help="officials (0: skip)")
    parser.add_argument("--provinces", type=int, default=3)
    parser.add_argument("--blocks-workers", type=int, default=2)
    parser.add_argument(
        "--national-method",
        choices=("both", "single", "blocks"),
        default="both",
        help="national plan: one model, blocks or both (one process each: peak memory apart)",
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where cases are generated")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    lines = [
        "# Dask benchmark",
        "",
        f"`python benchmarks/dask_sweep.py {' '.join(sys.argv[1:])}` on {platform.node()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
    ]
    if not args.skip_sweep:
        lines += sweep(args)
    if args.national:
        lines += national(args)
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"RESULTS_dask{args.tag}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
