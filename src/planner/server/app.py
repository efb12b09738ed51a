"""The FastAPI application: the store, the service's tables, the job runner, the API and the
pages, and the error handlers that turn every planner error into a 4xx naming file, row and
field (never a 500 with a traceback)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner.errors import InfeasiblePlanError, InputError, PlannerError
from planner.server.auth import AuthError, CaseNotFound, ForbiddenError
from planner.server.db import ServerDB, upgrade
from planner.server.jobs import JobRunner
from planner.server.security import SessionSigner
from planner.server.service import OfficialsRejected, Service

log = logging.getLogger("planner.server")


def create_app(
    database_url: str | None = None,
    *,
    workers: int = 2,
    start_jobs: bool = True,
    scheduler: str | None = None,
) -> FastAPI:
    """The application over the database at `database_url` (default: PLANNER_DATABASE_URL or
    the user's SQLite file). `workers`: background jobs at once. `scheduler`: a Dask scheduler
    address (or `local`) on which what-if jobs run their variants; None: in the job's process."""
    from planner.store import open_store, resolve_url

    url = resolve_url(database_url)
    store = open_store(url)
    upgrade(store.engine)
    db = ServerDB(store.engine)
    service = Service(
        store, db, SessionSigner(db.secret()), JobRunner(store, url, workers, scheduler), url
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start_jobs:
            service.runner.start()
        try:
            yield
        finally:
            service.runner.stop()

    app = FastAPI(
        title="planner",
        summary="Training-needs assessment and optimised training plans (Vietnamese cadres "
        "and civil servants): the CLI's JSON contracts over stored cases.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.planner = service
    _handlers(app)
    from planner.server import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("planner.server") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("planner")
    except PackageNotFoundError:
        return "0"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _error(status: int, kind: str, message: str, **fields: Any) -> JSONResponse:
    body = {"error": kind, "message": message}
    body.update({k: v for k, v in fields.items() if v is not None})
    return JSONResponse(body, status_code=status)


def _input_fields(error: InputError) -> dict[str, Any]:
    return {
        "path": error.path,
        "line": error.line,
        "row": error.row,
        "column": error.column,
        "field": error.field,
        "found": None if error.found is None else str(error.found),
        "expected": error.expected,
    }


def _handlers(app: FastAPI) -> None:
    from planner.store import CaseBusyError, NotFoundError, RunStateError, StaleCaseError

    @app.exception_handler(AuthError)
    async def _auth(request: Request, _exc: AuthError) -> Response:
        if _wants_html(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(401, "unauthorized", "log in or send an API token (Authorization: Bearer)")

    @app.exception_handler(ForbiddenError)
    async def _forbidden(_request: Request, exc: ForbiddenError) -> Response:
        return _error(403, "forbidden", exc.message)

    @app.exception_handler(CaseNotFound)
    async def _no_case(_request: Request, exc: CaseNotFound) -> Response:
        return _error(404, "not_found", f"no case {exc.case_id}", field="case_id")

    @app.exception_handler(NotFoundError)
    async def _not_found(_request: Request, exc: NotFoundError) -> Response:
        return _error(404, "not_found", exc.render(), **_input_fields(exc))

    @app.exception_handler(OfficialsRejected)
    async def _rejected(_request: Request, exc: OfficialsRejected) -> Response:
        response = _error(422, "bad_rows", exc.render(), **_input_fields(exc))
        import json

        body = json.loads(bytes(response.body))
        body["problems"] = [p.as_dict() for p in exc.problems]
        return JSONResponse(body, status_code=422)

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError) -> Response:
        status = 404 if exc.field == "run_id" else 422
        if exc.message == "file too large":
            status = 413
        return _error(status, "input", exc.render(), **_input_fields(exc))

    for kind in (StaleCaseError, CaseBusyError, RunStateError):

        @app.exception_handler(kind)
        async def _conflict(_request: Request, exc: Exception) -> Response:
            return _error(409, "conflict", str(exc))

    @app.exception_handler(InfeasiblePlanError)
    async def _infeasible(_request: Request, exc: InfeasiblePlanError) -> Response:
        return _error(409, "infeasible", str(exc), field=exc.rule)

    @app.exception_handler(PlannerError)
    async def _planner(_request: Request, exc: PlannerError) -> Response:
        return _error(400, "planner", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(
            422,
            "validation",
            f"{where}: {first.get('msg', 'invalid')}" if first else "invalid request",
            field=where or None,
            found=None if first.get("input") is None else str(first.get("input"))[:200],
            expected=first.get("msg"),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        return _error(exc.status_code, "http", str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception) -> Response:
        # A bug: logged with its traceback on the server, one line to the client.
        log.exception("internal error")
        return _error(500, "internal", f"internal error ({type(exc).__name__}); please report it")
