"""Property tests of the HTTP API against its own OpenAPI document (schemathesis): every
operation, with generated parameters and bodies, never answers 5xx and every response matches
the document. A small generated case (12 officials) keeps each call fast; background jobs are
only queued (the runner is not started), so generated plans cost nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
import schemathesis.specs.openapi.checks as openapi_checks
from hypothesis import HealthCheck, given, settings
from schemathesis import checks


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from planner.server.app import create_app
    from planner.server.security import configure_hasher

    configure_hasher(1, 1024)
    root = tmp_path_factory.mktemp("schema")
    folder = root / "case"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "generate",
            "--officials",
            "12",
            "--years",
            "2026",
            "--seed",
            "3",
            "-o",
            str(folder),
        ],
        check=True,
        capture_output=True,
    )
    app = create_app(f"sqlite:///{root / 'planner.db'}", start_jobs=False)
    service = app.state.planner
    service.db.create_account("admin", "password-1", "admin")
    info = service.store.import_case(Path(folder))
    service.db.set_scope(info.id, "Tỉnh", None, None)
    app.state.schema_headers = token_for(app)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def token_for(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    db = app.state.planner.db
    who = db.authenticate("admin", "password-1")
    return {"Authorization": f"Bearer {db.create_token(who.account_id, 'schemathesis')}"}


# No 5xx; status codes, content types and bodies as the document says. (Not schemathesis'
# "positive data accepted": a schema-valid request can still be wrong for the case — a budget
# source it lacks, another unit's province — and must then be a 4xx naming the field.)
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def test_api_conforms_to_its_openapi_document(api_schema) -> None:  # type: ignore[no-untyped-def]
    """Each operation of the document, a few generated requests each (the same every run)."""
    headers = api_schema.app.state.schema_headers
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    failures: list[str] = []
    for operation in operations:

        @given(operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # a failure reproduces
            database=None,
        )
        def call(case) -> None:  # type: ignore[no-untyped-def]
            if case.operation.path.endswith("/events"):
                # A queued run's stream lasts until its timeout: keep it short here.
                case.query = {**(case.query or {}), "timeout": 0.5}
            case.call_and_validate(headers=dict(case.headers or {}) | headers, checks=CHECKS)

        try:
            call()
        except BaseException as error:  # noqa: BLE001 - collect every operation's failure, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
