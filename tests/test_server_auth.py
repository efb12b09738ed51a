"""Who may do what, by API and by page: roles, province/commune scopes (nobody reads or changes
another unit's cases), tokens, the session cookie with its CSRF token, and no client-named
paths."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from server_support import EXAMPLE, PASSWORD, case_files, make_app, token


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path_factory.mktemp("auth") / "planner.db")
    with TestClient(app) as client:
        headers = token(app, "camau")
        yaml = (
            (EXAMPLE / "case.yaml")
            .read_bytes()
            .replace(b"officials: officials.csv", b"officials: /etc/passwd")
            .replace(b"history: history.csv", b"history: ../../secret.csv")
        )
        files = case_files() | {"case_yaml": ("case.yaml", yaml)}
        response = client.post("/api/v1/cases", files=files, headers=headers)
        assert response.status_code == 201, response.text
        yield app, client, response.json()


def test_client_named_paths_are_replaced_by_the_servers_own(served) -> None:  # type: ignore[no-untyped-def]
    app, _client, case = served
    assert case["files"] == ["case.yaml", "history.csv", "officials.csv", "units.csv"]
    stored = app.state.planner.store.case_files(case["id"])["case.yaml"].decode()
    assert "officials: officials.csv" in stored and "passwd" not in stored and ".." not in stored


def test_no_credentials_is_401_and_pages_ask_to_log_in(served) -> None:  # type: ignore[no-untyped-def]
    _app, client, case = served
    assert client.get(f"/api/v1/cases/{case['id']}").status_code == 401
    bad = {"Authorization": "Bearer pl_not-a-token"}
    assert client.get("/api/v1/cases", headers=bad).status_code == 401
    page = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


@pytest.mark.parametrize("username", ["hatinh", "thoibinh"])
def test_another_units_case_is_invisible_by_api(served, username: str) -> None:  # type: ignore[no-untyped-def]
    """A planner of another province, or of one commune, neither reads nor changes a case of
    the province: it is not listed and every operation on it answers 404."""
    app, client, case = served
    cid = case["id"]
    headers = token(app, username)
    assert client.get("/api/v1/cases", headers=headers).json() == []
    for method, path, kwargs in [
        ("get", f"/api/v1/cases/{cid}", {}),
        ("get", f"/api/v1/cases/{cid}/assessment", {}),
        ("get", f"/api/v1/cases/{cid}/assessment/download?format=xlsx", {}),
        ("get", f"/api/v1/cases/{cid}/runs", {}),
        ("patch", f"/api/v1/cases/{cid}", {"json": {"version": 1, "name": "x"}}),
        ("post", f"/api/v1/cases/{cid}/plans", {"json": {"time_limit": 1}}),
        ("delete", f"/api/v1/cases/{cid}", {}),
        ("get", f"/api/v1/templates/officials.xlsx?case_id={cid}", {}),
    ]:
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert response.status_code == 404, (method, path, response.text)
    run = app.state.planner.store.save_run(cid, "plan", settings={}, status="finished", output={})
    assert client.get(f"/api/v1/runs/{run.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/runs/{run.id}/adopt", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{cid}", headers=token(app, "camau")).status_code == 200


def test_another_units_case_is_invisible_by_page(served) -> None:  # type: ignore[no-untyped-def]
    _app, client, case = served
    other = TestClient(client.app)  # a second browser (the app's lifespan is the fixture's)
    _login(other, "hatinh")
    assert case["name"] not in other.get("/").text
    assert other.get(f"/cases/{case['id']}").status_code == 404


def test_a_viewer_reads_but_does_not_change(served) -> None:  # type: ignore[no-untyped-def]
    app, client, case = served
    headers = token(app, "camau-viewer")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == 200
    start = client.post(
        f"/api/v1/cases/{case['id']}/plans", json={"time_limit": 1}, headers=headers
    )
    assert start.status_code == 403
    created = client.post("/api/v1/cases", files=case_files(), headers=headers)
    assert created.status_code == 403


def test_accounts_are_made_by_admins_inside_their_unit(served) -> None:  # type: ignore[no-untyped-def]
    app, client, _case = served
    body = {"username": "new-planner", "password": "long enough", "role": "planner"}
    assert (
        client.post("/api/v1/accounts", json=body, headers=token(app, "camau")).status_code == 403
    )
    admin = token(app, "admin")
    made = client.post("/api/v1/accounts", json=body | {"province": "Cà Mau"}, headers=admin)
    assert made.status_code == 201 and made.json()["province"] == "Cà Mau"
    again = client.post("/api/v1/accounts", json=body, headers=admin)
    assert again.status_code == 422 and again.json()["field"] == "username"
    stored = app.state.planner.db.authenticate("new-planner", "long enough")
    assert stored is not None and stored.role == "planner"
    with app.state.planner.db.session() as session:
        from sqlalchemy import text

        hashes = session.execute(text("select password_hash from server_accounts")).scalars()
        assert all(h.startswith("$argon2id$") for h in hashes)


def _login(client: TestClient, username: str) -> str:
    form = client.get("/login").text
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": login_csrf, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_cookie_sessions_need_the_csrf_token(served) -> None:  # type: ignore[no-untyped-def]
    _app, client, case = served
    browser = TestClient(client.app)
    csrf = _login(browser, "camau")
    path = f"/api/v1/cases/{case['id']}/plans"
    assert browser.post(path, json={"time_limit": 1}).status_code == 403
    wrong = browser.post(path, json={"time_limit": 1}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    ok = browser.post(path, json={"time_limit": 1}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 202
    browser.post(f"/api/v1/runs/{ok.json()['id']}/cancel", headers={"X-CSRF-Token": csrf})
    no_form_token = browser.post(f"/cases/{case['id']}/plan", data={"time_limit": "1"})
    assert no_form_token.status_code == 403


def test_login_refuses_a_wrong_password_and_a_forged_form(served) -> None:  # type: ignore[no-untyped-def]
    _app, client, _case = served
    browser = TestClient(client.app)
    form = browser.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    wrong = browser.post("/login", data={"username": "camau", "password": "sai", "csrf": csrf})
    assert wrong.status_code == 401 and "Sai tên đăng nhập" in wrong.text
    forger = TestClient(client.app)
    forged = forger.post(
        "/login", data={"username": "camau", "password": PASSWORD, "csrf": "guess"}
    )
    assert forged.status_code == 403


def test_served_on_loopback_by_default() -> None:
    from planner.cli.serve_cmd import command

    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"
