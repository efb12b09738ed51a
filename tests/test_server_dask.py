"""What-if jobs of `planner serve --scheduler`: the variants run on a real Dask cluster (a
LocalCluster started by the job) and give the same output as in the job's own process; an
unreachable scheduler fails the run with its address, never a hang or a 500."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from server_support import case_files, make_app, token, wait_run

SWEEP = {
    "scenarios": [
        {"name": "cut", "budget": [{"source": "ngan_sach_tinh", "scale": 0.5}]},
        {"name": "more", "budget": [{"source": "ngan_sach_tinh", "scale": 1.5}]},
    ],
    "engine": "greedy",  # clock-free: the same plan wherever it runs
    "time_limit": 5,
}


def _whatif(database: Any, scheduler: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    app = make_app(database, scheduler=scheduler)
    with TestClient(app) as client:
        headers = token(app, "camau")
        case = client.post("/api/v1/cases", files=case_files(), headers=headers)
        assert case.status_code == 201, case.text
        run = client.post(
            f"/api/v1/cases/{case.json()['id']}/whatif", json=SWEEP, headers=headers
        ).json()
        done = wait_run(client, run["id"], headers, limit_s=240)
        output: dict[str, Any] = {}
        if done["status"] == "finished":
            output = client.get(f"/api/v1/runs/{run['id']}/output", headers=headers).json()
        return done, output


def _plans(output: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [
        (v["name"], v["budget_total"], v["objective"])
        for v in [output["baseline"], *output["variants"]]
    ]


def test_whatif_job_on_a_local_cluster_equals_the_in_process_job(tmp_path) -> None:  # type: ignore[no-untyped-def]
    here, alone = _whatif(tmp_path / "a.db", None)
    there, clustered = _whatif(tmp_path / "b.db", "local")
    assert here["status"] == there["status"] == "finished", (here, there)
    assert _plans(clustered) == _plans(alone)
    assert [v["name"] for v in clustered["variants"]] == ["cut", "more"]


def test_whatif_job_with_an_unreachable_scheduler_fails_naming_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done, _ = _whatif(tmp_path / "c.db", "tcp://127.0.0.1:9")
    assert done["status"] == "failed"
    assert "tcp://127.0.0.1:9" in done["error"]["message"]
