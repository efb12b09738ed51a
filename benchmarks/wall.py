"""The time limit as a promise, measured end to end (not part of CI):

    python benchmarks/wall.py examples/thoi-binh examples/huong-khe --time-limit 10

runs `planner plan CASE --time-limit T --format F -o …` as a user would, in its own process,
and records its wall time (loading, assessing, building, solving, explaining, writing) against
the promise T + max(3 s, 10 %), with the CPU time the process got and the machine's load
average (on a shared machine a process that gets a fraction of a core is slower than the clock
it is given: the CPU share says how loaded the run was). Results are appended to
benchmarks/results/wall.jsonl and the table rewritten to benchmarks/results/RESULTS_wall.md,
each row with the command that made it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def promise(limit: float) -> float:
    return limit + max(3.0, 0.1 * limit)


def run(case: str, limit: float, fmt: str, out_dir: Path) -> dict:
    out = out_dir / f"{Path(case).name}-{limit:g}.{fmt}"
    command = [
        "planner",
        "plan",
        case,
        "--time-limit",
        f"{limit:g}",
        "--format",
        fmt,
        "-o",
        str(out),
    ]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "planner", *command[1:]], capture_output=True, text=True
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    status = ""
    if fmt == "json" and out.exists():
        status = json.loads(out.read_text(encoding="utf-8")).get("status", "")
    return {
        "case": case,
        "time_limit": limit,
        "format": fmt,
        "exit": done.returncode,
        "status": status,
        "wall_s": round(wall, 2),
        "promise_s": round(promise(limit), 2),
        "kept": wall <= promise(limit),
        "cpu_s": round(cpu, 2),
        "load": round(load, 1),
        "said_over": "time limit" in done.stderr or "giới hạn" in done.stderr,
        "command": shlex.join(command),
        "error": _last_line(done.stderr) if done.returncode >= 2 else "",
    }


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else ""


def table(rows: list[dict]) -> str:
    head = (
        "| case | T (s) | format | status | exit | wall (s) | promise (s) | kept | CPU (s) "
        "| load avg (1 min) | overrun said | command |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r['case']} | {r['time_limit']:g} | {r['format']} | {r['status']} | {r['exit']} "
        f"| {r['wall_s']} | {r['promise_s']} | {'yes' if r['kept'] else '**no**'} "
        f"| {r['cpu_s']} | {r['load']} | {'yes' if r['said_over'] else ''} "
        f"| `{r['command']}` |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--time-limit", type=float, nargs="+", default=[10.0])
    parser.add_argument("--format", nargs="+", default=["json"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = HERE / ".cache" / "wall"
    work.mkdir(parents=True, exist_ok=True)
    log = args.out / "wall.jsonl"
    for case in args.cases:
        for limit in args.time_limit:
            for fmt in args.format:
                row = run(case, limit, fmt, work)
                print(json.dumps(row, ensure_ascii=False), flush=True)
                with log.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    (args.out / "RESULTS_wall.md").write_text(
        "# The time limit as a promise (end to end)\n\n"
        "`planner plan --time-limit T` wall time against T + max(3 s, 10 %), measured by "
        "`benchmarks/wall.py` on a machine shared with other jobs: the CPU seconds the process "
        "got and the load average say how loaded each run was (2 cores).\n\n" + table(rows),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
