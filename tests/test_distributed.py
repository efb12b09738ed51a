"""What-if on a real Dask cluster (a `LocalCluster` of 2 worker processes on loopback): a sweep
gives the plans `--jobs 1` gives, a worker killed by its PID in the middle of a sweep loses
nothing (its task is re-run and named), a variant failing for its own reason is that variant's
result, an unreachable scheduler is exit 2 naming the address, and the default imports no dask."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from planner.analysis.distributed import START_TOPIC, run_variants, run_whatif_on  # noqa: E402
from planner.analysis.scenario import Scenario, budget_scale_scenarios  # noqa: E402
from planner.analysis.whatif import Variant, WhatIfSettings, run_whatif, variants_from  # noqa: E402
from planner.cli import cli  # noqa: E402
from planner.io.loading import load_case  # noqa: E402
from planner.report.whatif_report import whatif_json  # noqa: E402

# Plans that do not depend on the clock on a loaded machine: the greedy engine (no solver clock)
# on the 150-official case (about 1 s a variant, long enough to kill a worker mid-task), and
# CP-SAT run to proven optimality on the small `mini` case. A CP-SAT run cut by its time limit
# is not: `solve` spends wall-clock time before the engine, which shifts its budget.
SETTINGS = WhatIfSettings(engine="greedy", time_limit=30.0, seed=0, jobs=1, probes=0)
CONVERGED = WhatIfSettings(engine="cpsat", time_limit=30.0, seed=0, jobs=1, probes=2)
MINI = Path(__file__).resolve().parent / "fixtures" / "cases" / "mini"
TIMING = {"time_s", "wall_s", "jobs"}  # how long and on how many workers: the only differences


def untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def normalised(result: Any) -> str:
    """The What-if JSON without its timings (the plans, comparisons and marginals, as bytes)."""
    return json.dumps(untimed(json.loads(whatif_json(result, "en"))), ensure_ascii=False)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("dask") / "case"
    result = CliRunner().invoke(
        cli, ["generate", "--officials", "150", "--years", "2026", "--seed", "3", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    return load_case(folder)


@pytest.fixture(scope="module")
def variants() -> list[Variant]:
    return variants_from([], budget_scale_scenarios("0.7:1.3:0.2"))  # 4 budget points


@pytest.fixture(scope="module")
def serial(case: Any, variants: list[Variant]) -> str:
    return normalised(run_whatif(case, variants, SETTINGS))


@pytest.fixture(scope="module")
def cluster() -> Any:
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 3}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
            silence_logs=40,
        ) as local,
    ):
        yield local


def test_sweep_on_a_cluster_equals_the_sequential_sweep(
    case: Any, variants: list[Variant], serial: str, cluster: Any
) -> None:
    result = run_whatif_on(case, variants, SETTINGS, scheduler=cluster.scheduler_address)
    assert result.executor == f"dask:{cluster.scheduler_address}"
    assert result.jobs == 2  # the cluster's worker threads
    assert result.reruns == {}
    assert normalised(result) == serial


def test_converged_cpsat_sweep_with_probes_on_a_cluster_equals_jobs_1(cluster: Any) -> None:
    mini = load_case(MINI)
    variants = variants_from([], budget_scale_scenarios("0.5:1.5:0.25"))
    serial = run_whatif(mini, variants, CONVERGED)
    assert {o.status for o in serial.variants} == {"optimal"}  # converged: no clock involved
    on_cluster = run_whatif_on(mini, variants, CONVERGED, scheduler=cluster.scheduler_address)
    assert normalised(on_cluster) == normalised(serial)


def test_the_cli_sweep_on_a_scheduler_from_the_env_equals_jobs_1(
    cluster: Any, tmp_path: Path
) -> None:
    runner = CliRunner()
    args = ["whatif", str(MINI), "--budget-scale", "0.5:1:0.5", "--engine", "cpsat"]
    args += ["--time-limit", "30", "--probes", "1", "--format", "json", "--lang", "en"]
    serial = runner.invoke(cli, [*args, "--jobs", "1", "-o", str(tmp_path / "serial.json")])
    assert serial.exit_code == 0, serial.output
    env = {"PLANNER_SCHEDULER": cluster.scheduler_address}
    dask_run = runner.invoke(cli, [*args, "-o", str(tmp_path / "dask.json")], env=env)
    assert dask_run.exit_code == 0, dask_run.output
    assert "Dask worker threads" in dask_run.output

    def load(name: str) -> str:
        return json.dumps(untimed(json.loads((tmp_path / name).read_text(encoding="utf-8"))))

    assert load("dask.json") == load("serial.json")


def test_a_worker_killed_mid_sweep_loses_nothing(
    case: Any, variants: list[Variant], serial: str, cluster: Any
) -> None:
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    seen = len(client.get_events(START_TOPIC))
    box: dict[str, Any] = {}

    def sweep() -> None:
        try:
            box["result"] = run_whatif_on(
                case, variants, SETTINGS, scheduler=cluster.scheduler_address
            )
        except BaseException as error:  # surfaced by the assertion below
            box["error"] = error

    thread = threading.Thread(target=sweep)
    thread.start()
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline and thread.is_alive():
        events = client.get_events(START_TOPIC)[seen:]
        if events:
            killed = events[0][1]["pid"]  # the worker process that just started a variant
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.02)
    thread.join(timeout=120)
    client.close()
    assert killed is not None, "no variant started"
    assert "error" not in box, box.get("error")
    result = box["result"]
    assert result.reruns, "the killed worker's variant was not re-run"
    assert all(n >= 2 for n in result.reruns.values())
    assert {o.status for o in [result.baseline, *result.variants]} <= {"optimal", "feasible"}
    assert normalised(result) == serial


def test_a_failing_variant_is_its_own_result(case: Any, cluster: Any) -> None:
    broken = Scenario(name="no such course", exclude_courses=["KHONG_CO"])
    good = variants_from([], budget_scale_scenarios("0.8:0.8:0.1"))[0]
    outcomes, reruns = run_variants(
        case,
        [Variant(broken.name, "scenario", broken), good],
        SETTINGS,
        scheduler=cluster.scheduler_address,
    )
    assert [o.variant.name for o in outcomes] == ["no such course", good.name]
    assert outcomes[0].status == "failed"
    assert outcomes[0].infeasible is not None and "unknown course" in outcomes[0].infeasible.text
    assert outcomes[1].status in ("optimal", "feasible") and outcomes[1].plan is not None
    assert reruns == {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("via", ["option", "env"])
def test_an_unreachable_scheduler_is_exit_2_naming_it(via: str) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    args = ["whatif", str(MINI), "--budget-scale", "1:1.5:0.5", "--connect-timeout", "0.5"]
    args += ["--lang", "en"]
    env = {"PLANNER_SCHEDULER": address} if via == "env" else {}
    if via == "option":
        args += ["--scheduler", address]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2, result.output
    assert address in result.output
    assert "Traceback" not in result.output


def test_the_default_imports_no_dask() -> None:
    code = (
        "import sys, planner.cli, planner.analysis.whatif, planner.cli.whatif_cmd;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
