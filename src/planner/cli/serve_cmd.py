"""`planner serve`: the web pages and the HTTP API on uvicorn (127.0.0.1:8000 by default)."""

from __future__ import annotations

import os
import secrets

import click

from planner.cli import common


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--database",
    default=None,
    metavar="URL",
    help="sqlite:///file.db or postgresql://user:pass@host/db (default: "
    "PLANNER_DATABASE_URL, else a SQLite file in the user's data folder).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Plans and what-ifs run at once (background processes).",
)
@common.scheduler_option(
    "Run what-if variants on this Dask scheduler (or a LocalCluster with `local`); "
    "default: in each job's own process."
)
def command(host: str, port: int, database: str | None, jobs: int, scheduler: str | None) -> None:
    """Trang web và API / serve the web pages and the HTTP API."""
    import uvicorn

    from planner.server.app import create_app

    app = create_app(database, workers=jobs, scheduler=(scheduler or "").strip() or None)
    service = app.state.planner
    if service.db.count_accounts() == 0:
        # The first start: one administrator, password from the environment or made here.
        password = os.environ.get("PLANNER_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        service.db.create_account("admin", password, "admin")
        if "PLANNER_ADMIN_PASSWORD" not in os.environ:
            click.echo(f"admin account: admin / {password}  (change it; shown once)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"serving on {host}: every page and API call needs a login", err=True)
    click.echo(f"planner: http://{host}:{port}/  ({service.store.url})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
