"""Databases for the store tests: SQLite always, PostgreSQL when PLANNER_TEST_POSTGRES_URL names
a server (CI sets it; `.ci/run` installs and starts one). Each test gets a fresh, empty database:
a SQLite file in its tmp_path, or a schema of its own on the PostgreSQL server (dropped after)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRES_ENV = "PLANNER_TEST_POSTGRES_URL"
REQUIRE_ENV = "PLANNER_REQUIRE_POSTGRES"  # .ci/run sets it: no server is then a failure
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(POSTGRES_ENV) and not os.environ.get(REQUIRE_ENV),
            reason=f"{POSTGRES_ENV} is not set",
        ),
    ),
]


def _psycopg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on `backend`, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    import psycopg

    base = os.environ.get(POSTGRES_ENV, "")
    if not base:
        pytest.fail(f"{REQUIRE_ENV} is set but {POSTGRES_ENV} names no PostgreSQL server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_psycopg_conninfo(base), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(_psycopg_conninfo(base), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
