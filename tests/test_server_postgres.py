"""The service on PostgreSQL (when PLANNER_TEST_POSTGRES_URL names a server; `.ci/run` starts
one): its own tables migrate beside the store's, a case is made from uploads, a plan job in
its own process writes its run and report files, scopes hold, and a stale write is a 409."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from server_support import case_files, make_app, token, wait_run
from store_support import BACKENDS, fresh_database

POSTGRES = [b for b in BACKENDS if not isinstance(b, str)]


@pytest.mark.parametrize("backend", POSTGRES)
def test_case_plan_and_scopes_on_postgresql(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url)
        with TestClient(app) as client:
            headers = token(app, "camau")
            created = client.post("/api/v1/cases", files=case_files(), headers=headers)
            assert created.status_code == 201, created.text
            case = created.json()
            run = client.post(
                f"/api/v1/cases/{case['id']}/plans", json={"time_limit": 1}, headers=headers
            ).json()
            done = wait_run(client, run["id"], headers)
            assert done["status"] == "finished", done
            workbook = client.get(f"/api/v1/runs/{run['id']}/download?format=xlsx", headers=headers)
            assert len(openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames) >= 5
            other = token(app, "hatinh")
            assert client.get(f"/api/v1/cases/{case['id']}", headers=other).status_code == 404
            assert client.get(f"/api/v1/runs/{run['id']}", headers=other).status_code == 404
            stale = client.patch(
                f"/api/v1/cases/{case['id']}",
                json={"version": case["version"] + 5, "name": "x"},
                headers=headers,
            )
            assert stale.status_code == 409
        app.state.planner.store.close()
