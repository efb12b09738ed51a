"""What-if sweeps on Dask against the local process: serial vs LocalCluster with 1 and 2 workers,
the per-task costs (data sent, scheduler overhead), the wall they predict for 8/32/128 workers,
and optionally a national plan by province blocks against one model.

    python benchmarks/dask_sweep.py                            # 2,000 officials, 10 variants
    python benchmarks/dask_sweep.py --officials 20000 --time-limit 20
    python benchmarks/dask_sweep.py --skip-sweep --national 600 --provinces 3  # blocks vs one model

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


def generate(officials: int, years: str, seed: int, provinces: int = 1) -> Path:
    folder = CACHE / f"n{officials}_y{years}_s{seed}_p{provinces}"
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

    folder = generate(args.officials, args.years, args.seed)
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

    folder = generate(args.national, args.years, args.seed, args.provinces)
    started = time.perf_counter()
    prepared = pipeline.prepare(pipeline.load(folder))
    prepare_wall = time.perf_counter() - started
    inst = prepared.instance
    config = SolveConfig(engine=args.engine, time_limit=args.time_limit, seed=0)
    started = time.perf_counter()
    single = pipeline.plan(prepared, config)
    single_wall = time.perf_counter() - started
    single_rss = _peak_rss_gb()
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
    rounds = [info["relaxed_s"]] + [r["province_s"] for r in info["rounds"]]
    rounds.append(info["restricted_s"])
    task_work = sum(sum(r) for r in rounds)
    master = blocks_wall - sum(_round_wall(r, workers) for r in rounds)
    lines = [
        "",
        f"## National plan: {args.national:,} officials in {args.provinces} provinces",
        "",
        f"Engine {args.engine}, {args.time_limit:g} s per province solve and per single-model "
        f"solve; blocks on a LocalCluster of {workers} single-threaded worker processes; "
        f"prepare (load, assess, recommend, build) {prepare_wall:.1f} s, not in the walls below; "
        f"{len(inst.officials):,} officials, {len(inst.options):,} options, "
        f"{info['shared_sessions']} shared sessions.",
        "",
        "| method | wall (s) | objective | bound | gap | checker | peak memory |",
        "|---|---:|---:|---:|---:|---|---|",
        f"| one model | {single_wall:.1f} | {single.objective:,} | {single.bound:,} | "
        f"{single.gap:.2%} | - | {single_rss:.2f} GB (this process, case included) |",
        f"| province blocks | {blocks_wall:.1f} | {blocks.objective:,} | {info['bound']:,} | "
        f"{blocks.gap:.2%} | {'passes' if ok else 'FAILS'} | per worker "
        f"{', '.join(f'{r:.2f}' for r in worker_rss)} GB |",
        "",
        f"Gap of the block plan to its own national bound {blocks.gap:.2%}; the one model's plan "
        f"is {(info['bound'] - single.objective) / max(1, info['bound']):.2%} below the same "
        f"bound. Master: relaxed round's bound {info['relaxed_bound']:,}, then "
        f"{len(info['rounds'])} priced round(s) (the national bound is the least of them):",
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
        f"Candidates before repair (coverage points): {info['assembled']}; options dropped "
        f"repairing the shared rows: {info['dropped']}.",
        f"Province tasks: relaxed round {sum(info['relaxed_s']):.1f} s in all (max "
        f"{max(info['relaxed_s']):.1f} s), restricted round {sum(info['restricted_s']):.1f} s "
        f"(max {max(info['restricted_s']):.1f} s); all rounds {task_work:.1f} s of task work in "
        f"{len(rounds)} rounds of {args.provinces} tasks. Sent per task: {task_bytes / 1e6:.2f} MB "
        f"(the largest province's instance, pickled); scheduler round trip {overhead * 1e3:.1f} "
        f"ms per trivial task. Master, re-assembly, repair and check in this process: "
        f"{max(0.0, master):.1f} s (the wall less the rounds' task walls on paper).",
        "",
        "Predicted wall of the same block plan on W workers, on paper: Σ over rounds of "
        "max(longest task, round work / W) + the master's share measured here + sending "
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
