"""The HTTP API through the ASGI app (FastAPI's TestClient, the real store on SQLite and real
background jobs): the CLI's JSON contracts, uploads with every bad row, runs, and 4xx errors
naming file, row and field."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import openpyxl
import pytest
from fastapi.testclient import TestClient

from server_support import (
    EXAMPLE,
    case_files,
    make_app,
    officials_csv,
    officials_rows,
    token,
    wait_run,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path_factory.mktemp("api") / "planner.db")
    with TestClient(app) as client:
        headers = token(app, "camau")
        response = client.post("/api/v1/cases", files=case_files(), headers=headers)
        assert response.status_code == 201, response.text
        yield client, headers, response.json()


def test_case_is_created_in_the_accounts_province(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    assert case["province"] == "Cà Mau" and case["officials"] == 111
    listed = client.get("/api/v1/cases", headers=headers).json()
    assert [c["id"] for c in listed] == [case["id"]]


def test_assessment_json_is_the_clis_bytes(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    response = client.get(f"/api/v1/cases/{case['id']}/assessment", headers=headers)
    assert response.status_code == 200
    cli = subprocess.run(
        [sys.executable, "-m", "planner", "assess", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        check=True,
    )
    assert response.content == cli.stdout


def test_recommendations_and_evaluation_follow_the_schemas(served) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    from planner.report.schemas import schema

    client, headers, case = served
    cid = case["id"]
    recs = client.get(f"/api/v1/cases/{cid}/recommendations?official=TB000001", headers=headers)
    assert recs.status_code == 200
    jsonschema.validate(recs.json(), schema("recommendation"))
    assert {r["official_id"] for r in recs.json()["recommendations"]} == {"TB000001"}
    evaluation = client.get(f"/api/v1/cases/{cid}/evaluation?lang=en", headers=headers)
    assert evaluation.status_code == 200
    jsonschema.validate(evaluation.json(), schema("evaluation"))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("assessment/download?format=xlsx", "xlsx"),
        ("assessment/download?format=csv", "csv"),
        ("recommendations/download?format=xlsx&official=TB000001", "xlsx"),
        ("evaluation/download?format=html", "html"),
    ],
)
def test_every_report_format_downloads(served, path: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    response = client.get(f"/api/v1/cases/{case['id']}/{path}", headers=headers)
    assert response.status_code == 200
    assert f'.{kind}"' in response.headers["content-disposition"]
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames
    elif kind == "csv":
        assert response.content.decode("utf-8-sig").splitlines()[0].count(",") > 3
    else:
        assert b"<html" in response.content[:2000].lower()


def test_two_plans_on_one_case_keep_their_own_outputs(served) -> None:  # type: ignore[no-untyped-def]
    """Two jobs on one case at once: both finish, each with the plan of its own settings, and
    the plan checks clean against the case (through the API's check)."""
    client, headers, case = served
    cid = case["id"]
    runs = [
        client.post(
            f"/api/v1/cases/{cid}/plans", json={"time_limit": 1, "seed": seed}, headers=headers
        ).json()
        for seed in (1, 2)
    ]
    done = [wait_run(client, run["id"], headers) for run in runs]
    assert [r["status"] for r in done] == ["finished", "finished"], done
    plans = [client.get(f"/api/v1/runs/{r['id']}/output", headers=headers).json() for r in done]
    assert [p["seed"] for p in plans] == [1, 2]
    assert all(set(r["files"]) == {"plan.json", "plan.xlsx", "plan.html"} for r in done)
    saved = client.get(f"/api/v1/runs/{done[0]['id']}/download?format=json", headers=headers)
    checked = client.post(
        f"/api/v1/cases/{cid}/check", files={"plan": ("plan.json", saved.content)}, headers=headers
    ).json()
    assert checked["ok"] and checked["objective"] == plans[0]["objective"]
    workbook = client.get(f"/api/v1/runs/{done[1]['id']}/download?format=xlsx", headers=headers)
    assert len(openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames) >= 5
    adopted = client.post(f"/api/v1/runs/{done[0]['id']}/adopt", headers=headers)
    assert adopted.status_code == 200 and adopted.json()["adopted"] == len(plans[0]["assignments"])


def test_a_case_changed_after_queueing_fails_the_job_not_the_case(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    cid = case["id"]
    current = client.get(f"/api/v1/cases/{cid}", headers=headers).json()
    app = client.app
    runner = app.state.planner.runner
    run = app.state.planner.store.save_run(cid, "plan", settings={"time_limit": 1})
    changed = client.patch(
        f"/api/v1/cases/{cid}",
        json={"version": current["version"], "name": "Thới Bình 2026 (sửa)"},
        headers=headers,
    )
    assert changed.status_code == 200 and changed.json()["version"] == current["version"] + 1
    with runner._lock:
        runner._queue.append(run.id)
    runner._wake.set()
    done = wait_run(client, run.id, headers)
    assert (
        done["status"] == "failed"
        and "changed after this job was queued" in done["error"]["message"]
    )
    stale = client.patch(
        f"/api/v1/cases/{cid}", json={"version": current["version"], "name": "x"}, headers=headers
    )
    assert stale.status_code == 409


def test_cancel_ends_a_running_job(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    run = client.post(
        f"/api/v1/cases/{case['id']}/plans", json={"time_limit": 60}, headers=headers
    ).json()
    cancelled = client.post(f"/api/v1/runs/{run['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200
    assert wait_run(client, run["id"], headers)["status"] == "cancelled"
    runner = client.app.state.planner.runner
    deadline = time.monotonic() + 10
    while runner.active() and time.monotonic() < deadline:  # the process is reaped
        time.sleep(0.1)
    assert runner.active() == []


def test_every_bad_officials_row_is_reported_with_its_field(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, _case = served
    rows = officials_rows()
    header = rows[0]
    rows[3][header.index("birth_date")] = "31/02/1980"
    rows[7][header.index("position")] = "xa.khong_co"
    rows[9][header.index("gender")] = ""
    response = client.post(
        "/api/v1/officials/check",
        files={"file": ("can-bo.csv", officials_csv(rows))},
        headers=headers,
    )
    assert response.status_code == 200
    problems = response.json()["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [
        (4, "birth_date"),
        (8, "position"),
        (10, "gender"),
    ]
    assert all(p["text"].startswith("can-bo.csv: row") for p in problems), problems
    assert "YYYY-MM-DD" in problems[0]["expected"]
    rejected = client.post(
        "/api/v1/cases", files=case_files(officials_csv(rows), "can-bo.csv"), headers=headers
    )
    assert rejected.status_code == 422
    assert [p["row"] for p in rejected.json()["problems"]] == [4, 8, 10]


@pytest.mark.parametrize(
    ("files", "status", "needle"),
    [
        ({"case_yaml": ("case.yaml", b"name: [unclosed")}, 422, "case.yaml"),
        ({"case_yaml": ("case.yaml", b"name: x\nrules: /etc\n")}, 422, "bundled"),
        ({"officials": ("officials.pdf", b"%PDF-1.4")}, 422, ".csv or .xlsx"),
        ({"officials": ("officials.xlsx", b"id,full_name\n")}, 422, "does not match"),
        ({"officials": ("officials.csv", b"x" * (10 * 1024 * 1024 + 10))}, 413, "too large"),
        ({"officials": ("officials.csv", "id\n".encode("utf-16"))}, 422, "UTF-8"),
    ],
)
def test_bad_uploads_are_4xx_naming_the_file(served, files, status: int, needle: str) -> None:  # type: ignore[no-untyped-def]
    client, headers, _case = served
    response = client.post("/api/v1/cases", files=case_files() | files, headers=headers)
    assert response.status_code == status, response.text
    assert needle in response.json()["message"]


def test_input_errors_are_4xx_never_500(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    cid = case["id"]
    bad_scenario = client.post(
        f"/api/v1/cases/{cid}/whatif",
        json={"scenarios": ["name: x\nexclude_courses: [no_such_course]\n"]},
        headers=headers,
    )
    assert bad_scenario.status_code == 422
    assert bad_scenario.json()["path"] == "scenario-1.yaml"
    assert client.get("/api/v1/runs/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/cases/999999", headers=headers).status_code == 404
    not_plan = client.post(
        f"/api/v1/cases/{cid}/check", files={"plan": ("p.json", b"[1, 2")}, headers=headers
    )
    assert not_plan.status_code == 422 and not_plan.json()["path"] == "p.json"
    bad_body = client.post(f"/api/v1/cases/{cid}/plans", json={"engine": "magic"}, headers=headers)
    assert bad_body.status_code == 422 and bad_body.json()["field"].startswith("body")
    budget = client.patch(
        f"/api/v1/cases/{cid}",
        json={
            "version": client.get(f"/api/v1/cases/{cid}", headers=headers).json()["version"],
            "budget": [{"year": 2026, "source": "ngan_sach_mars", "amount": 1}],
        },
        headers=headers,
    )
    assert budget.status_code == 422 and "case.yaml" in budget.json()["message"]


def test_whatif_job_compares_a_budget_cut(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, case = served
    run = client.post(
        f"/api/v1/cases/{case['id']}/whatif",
        json={
            "scenarios": [{"name": "cut", "budget": [{"source": "ngan_sach_tinh", "scale": 0.5}]}],
            "time_limit": 1,
        },
        headers=headers,
    ).json()
    done = wait_run(client, run["id"], headers)
    assert done["status"] == "finished", done
    output = client.get(f"/api/v1/runs/{run['id']}/output", headers=headers).json()
    assert [v["name"] for v in output["variants"]] == ["cut"]
    assert output["variants"][0]["budget_total"] < output["baseline"]["budget_total"]


def test_template_has_vietnamese_headers_and_drop_downs(served) -> None:  # type: ignore[no-untyped-def]
    from planner.io.officials import OFFICIAL_ALIASES
    from planner.io.tables import fold

    client, headers, case = served
    response = client.get(f"/api/v1/templates/officials.xlsx?case_id={case['id']}", headers=headers)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers_row = [c.value for c in sheet[1]]
    assert headers_row[:3] == ["Mã cán bộ", "Họ và tên", "Chức danh"]
    assert all(fold(h) in OFFICIAL_ALIASES for h in headers_row)  # the loader reads them back
    lists = {
        str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert {"C", "D", "F", "K", "M"} <= set(lists)  # position, unit, gender, education, LLCT
    units = [c.value for c in book.worksheets[1]["B"][1:] if c.value]
    assert "Thị trấn Thới Bình" in units


def test_saved_mapping_renames_an_hr_export(served) -> None:  # type: ignore[no-untyped-def]
    client, headers, _case = served
    rows = officials_rows()
    rows[0] = ["MaNV" if h == "id" else "GT" if h == "gender" else h for h in rows[0]]
    gender = rows[0].index("GT")
    for row in rows[1:]:
        row[gender] = "F" if row[gender] == "female" else "M"
    saved = client.put(
        "/api/v1/mappings/hr-tinh",
        json={
            "headers": {"MaNV": "id", "GT": "gender"},
            "values": {"gender": {"F": "nữ", "M": "nam"}},
        },
        headers=headers,
    )
    assert saved.status_code == 200
    without = client.post(
        "/api/v1/officials/check", files={"file": ("hr.csv", officials_csv(rows))}, headers=headers
    ).json()
    assert without["problems"] and without["problems"][0]["row"] == 1
    with_mapping = client.post(
        "/api/v1/officials/check",
        files={"file": ("hr.csv", officials_csv(rows))},
        data={"mapping": "hr-tinh"},
        headers=headers,
    ).json()
    assert with_mapping["problems"] == [] and with_mapping["rows"] == 111
    assert client.get("/api/v1/mappings", headers=headers).json() == ["hr-tinh"]


def test_openapi_document_lists_the_operations(served) -> None:  # type: ignore[no-untyped-def]
    client, _headers, _case = served
    doc = client.get("/openapi.json").json()
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}/plans",
        "/api/v1/runs/{run_id}/events",
    } <= set(doc["paths"])
    assert json.dumps(doc)  # serialisable
