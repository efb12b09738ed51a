"""Shared helpers of the web service tests: an app over a fresh SQLite file, accounts in two
provinces, the Thới Bình example's files, and waiting for a background run."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "thoi-binh"
PASSWORD = "mật-khẩu-đủ-dài"


def make_app(database: Path | str, scheduler: str | None = None) -> Any:
    """The app over a SQLite file (a path) or a database URL (a string); what-if variants on
    `scheduler` when given."""
    from planner.server.app import create_app
    from planner.server.security import configure_hasher

    configure_hasher(1, 1024)  # still Argon2id, cheap: the tests log in many times

    url = database if isinstance(database, str) else f"sqlite:///{database}"
    app = create_app(url, workers=2, scheduler=scheduler)
    db = app.state.planner.db
    db.create_account("admin", PASSWORD, "admin")
    db.create_account("camau", PASSWORD, "planner", "Cà Mau")
    db.create_account("camau-viewer", PASSWORD, "viewer", "Cà Mau")
    db.create_account("hatinh", PASSWORD, "planner", "Hà Tĩnh")
    db.create_account("thoibinh", PASSWORD, "planner", "Cà Mau", "Thị trấn Thới Bình")
    return app


def token(app: Any, username: str) -> dict[str, str]:
    db = app.state.planner.db
    who = db.authenticate(username, PASSWORD)
    assert who is not None
    return {"Authorization": f"Bearer {db.create_token(who.account_id, 'test')}"}


def case_files(officials: bytes | None = None, name: str = "officials.csv") -> dict[str, Any]:
    return {
        "case_yaml": ("case.yaml", (EXAMPLE / "case.yaml").read_bytes()),
        "officials": (name, officials or (EXAMPLE / "officials.csv").read_bytes()),
        "units": ("units.csv", (EXAMPLE / "units.csv").read_bytes()),
        "history": ("history.csv", (EXAMPLE / "history.csv").read_bytes()),
    }


def officials_rows() -> list[list[str]]:
    with (EXAMPLE / "officials.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [list(row) for row in csv.reader(handle)]


def officials_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def wait_run(client: Any, run_id: int, headers: dict[str, str], limit_s: float = 120) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        run = client.get(f"/api/v1/runs/{run_id}", headers=headers).json()
        if run["status"] in ("finished", "failed", "cancelled"):
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not end in {limit_s} s: {run}")
