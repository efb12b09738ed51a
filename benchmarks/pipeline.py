"""Time loading, `assess` and `recommend` on generated provinces (not part of CI).

    python benchmarks/pipeline.py --sizes 2000 20000 --repeats 3
    python benchmarks/pipeline.py --sizes 300000 --repeats 1 --cache benchmarks/.cache_soft

Cases are made with `planner generate` into benchmarks/.cache/ (or --cache DIR; a case already
there is used as it is, never regenerated). Prints the median and every run of each stage, in
seconds, and the peak RSS of the process after each size (it only grows: run one size per
process to measure one size alone).
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from planner.assess.needs import assess_case
from planner.io.loading import load_case
from planner.recommend.candidates import recommend_case

CACHE = Path(__file__).parent / ".cache"


def ensure_case(size: int, years: str, seed: int, needs: str, cache: Path = CACHE) -> Path:
    folder = cache / f"n{size}-y{years}-s{seed}-{needs}"
    if not (folder / "case.yaml").exists():
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
            ],
            check=True,
        )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--years", default="2026-2030")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--needs", choices=["role", "individual"], default="role")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help="folder of the generated cases (default benchmarks/.cache)",
    )
    args = parser.parse_args()
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}"
    )
    print("size\tstage\tmedian_s\truns_s\tresult")
    for size in args.sizes:
        folder = ensure_case(size, args.years, args.seed, args.needs, args.cache)
        timings: dict[str, list[float]] = {"load": [], "assess": [], "recommend": []}
        results: dict[str, str] = {}
        for _ in range(args.repeats):
            start = time.perf_counter()
            case = load_case(folder)
            loaded = time.perf_counter()
            assessment = assess_case(case)
            assessed = time.perf_counter()
            recommendations = recommend_case(case, assessment)
            done = time.perf_counter()
            timings["load"].append(loaded - start)
            timings["assess"].append(assessed - loaded)
            timings["recommend"].append(done - assessed)
            results = {
                "load": f"{len(case.officials)} officials",
                "assess": f"{len(assessment.needs)} needs",
                "recommend": f"{sum(1 for r in recommendations.recommendations if r.candidates)}"
                f"/{len(recommendations.recommendations)} needs with a candidate",
            }
            # Free this run's case before the next loads, so peak RSS is one run's.
            del case, assessment, recommendations
        for stage, runs in timings.items():
            print(
                f"{size}\t{stage}\t{statistics.median(runs):.2f}\t"
                f"{','.join(f'{r:.2f}' for r in runs)}\t{results[stage]}"
            )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"# peak RSS after {size}: {peak_mb:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
