"""Load benchmark of `planner serve` on loopback: 20 users browsing the pages and the API while
4 planners each keep one plan job running, for 60 s; then every job submitted must have
finished (none lost) and no request may have failed.

    python benchmarks/server_load.py [--users 20] [--planners 4] [--seconds 60] [--time-limit 5]

It starts its own server (`python -m planner serve`, a fresh SQLite file in a temporary folder,
127.0.0.1 and a free port), makes the accounts and the Thới Bình case through the API, and
prints p50/p95 latency per request kind. Traffic goes only to 127.0.0.1; every loop stops at the
deadline, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "thoi-binh"
ADMIN_PASSWORD = "load-test-admin-password"
PASSWORD = "load-test-password"


class Record:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def timed(self, kind: str, call, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            response = call(*args, **kwargs)
        except httpx.HTTPError as error:
            with self.lock:
                self.errors.append(f"{kind}: {type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
            if response.status_code >= 400:
                self.errors.append(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
        return response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(folder: Path, port: int, jobs: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PLANNER_ADMIN_PASSWORD=ADMIN_PASSWORD)
    database = f"sqlite:///{folder / 'planner.db'}"
    command = [sys.executable, "-m", "planner", "serve", "--port", str(port)]
    command += ["--database", database, "--jobs", str(jobs)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if _answers(f"http://127.0.0.1:{port}/login"):
            return process
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _setup(base: str, users: int, planners: int) -> tuple[int, list[str]]:
    admin = httpx.Client(base_url=base, timeout=120)
    token = _token(admin, "admin", ADMIN_PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}
    for index in range(users):
        body = {
            "username": f"viewer{index}",
            "password": PASSWORD,
            "role": "viewer",
            "province": "Cà Mau",
        }
        admin.post("/api/v1/accounts", json=body, headers=headers).raise_for_status()
    tokens = []
    for index in range(planners):
        body = {
            "username": f"planner{index}",
            "password": PASSWORD,
            "role": "planner",
            "province": "Cà Mau",
        }
        admin.post("/api/v1/accounts", json=body, headers=headers).raise_for_status()
        tokens.append(_token(admin, f"planner{index}", PASSWORD))
    files = {
        name: (f"{name.split('_')[0]}.{ext}", (EXAMPLE / f"{stem}.{ext}").read_bytes())
        for name, stem, ext in [
            ("case_yaml", "case", "yaml"),
            ("officials", "officials", "csv"),
            ("units", "units", "csv"),
            ("history", "history", "csv"),
        ]
    }
    created = admin.post(
        "/api/v1/cases",
        files=files,
        data={"province": "Cà Mau"},
        headers={"Authorization": f"Bearer {tokens[0]}"},
    )
    created.raise_for_status()
    return int(created.json()["id"]), tokens


def _token(client: httpx.Client, username: str, password: str) -> str:
    """A token made through a logged-in page session (cookie + CSRF), as a person would."""
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": username, "password": password, "csrf": csrf})
    page = client.get("/").text
    session_csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/api/v1/tokens", json={"name": "load"}, headers={"X-CSRF-Token": session_csrf}
    )
    response.raise_for_status()
    client.cookies.clear()
    return str(response.json()["token"])


def _browse(base: str, index: int, case_id: int, deadline: float, record: Record) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        record.timed(
            "login",
            client.post,
            "/login",
            data={"username": f"viewer{index}", "password": PASSWORD, "csrf": csrf},
        )
        step = 0
        while time.monotonic() < deadline:
            kind, path = [
                ("page /", "/"),
                ("page /cases/{id}", f"/cases/{case_id}"),
                ("api runs", f"/api/v1/cases/{case_id}/runs"),
                ("api case", f"/api/v1/cases/{case_id}"),
                ("static", "/static/app.css"),
            ][step % 5]
            record.timed(kind, client.get, path)
            step += 1


def _plan_loop(
    base: str,
    token: str,
    case_id: int,
    deadline: float,
    limit: float,
    record: Record,
    submitted: list[int],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        while time.monotonic() < deadline:
            response = record.timed(
                "api start plan",
                client.post,
                f"/api/v1/cases/{case_id}/plans",
                json={"time_limit": limit},
            )
            if response is None or response.status_code != 202:
                return
            run_id = int(response.json()["id"])
            with record.lock:
                submitted.append(run_id)
            while time.monotonic() < deadline + 600:
                poll = record.timed("api poll run", client.get, f"/api/v1/runs/{run_id}")
                if poll is not None and poll.json()["status"] in (
                    "finished",
                    "failed",
                    "cancelled",
                ):
                    break
                time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--planners", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="planner-load-") as tmp:
        server = _start_server(Path(tmp), port, args.planners)
        try:
            case_id, tokens = _setup(base, args.users, args.planners)
            record = Record()
            submitted: list[int] = []
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=_browse, args=(base, i, case_id, deadline, record))
                for i in range(args.users)
            ] + [
                threading.Thread(
                    target=_plan_loop,
                    args=(base, tokens[i], case_id, deadline, args.time_limit, record, submitted),
                )
                for i in range(args.planners)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
            with httpx.Client(base_url=base, timeout=60) as client:
                headers = {"Authorization": f"Bearer {tokens[0]}"}
                runs = client.get(f"/api/v1/cases/{case_id}/runs", headers=headers).json()
        finally:
            server.terminate()
            server.wait(timeout=30)
    statuses = {r["id"]: r["status"] for r in runs}
    lost = [rid for rid in submitted if statuses.get(rid) != "finished"]
    print(
        f"{args.users} users browsing + {args.planners} planners, {args.seconds:.0f} s "
        f"(wall {wall:.1f} s), plan time limit {args.time_limit} s, loopback"
    )
    print(f"{'request':<20} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    total = 0
    for kind in sorted(record.latency):
        values = sorted(record.latency[kind])
        total += len(values)
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(
            f"{kind:<20} {len(values):>6} {statistics.median(values) * 1000:>9.0f} "
            f"{p95 * 1000:>9.0f} {values[-1] * 1000:>9.0f}"
        )
    print(f"requests: {total}, errors: {len(record.errors)}")
    for error in record.errors[:10]:
        print("  ", error)
    print(
        f"plan jobs submitted: {len(submitted)}, finished: {len(submitted) - len(lost)}, "
        f"not finished: {lost}"
    )
    if record.errors or lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
