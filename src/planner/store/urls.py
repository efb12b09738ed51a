"""Which database: `--database URL`, else PLANNER_DATABASE_URL, else a SQLite file in the
user's data directory (`$XDG_DATA_HOME/planner/planner.db`, by default
`~/.local/share/planner/planner.db`; `%LOCALAPPDATA%\\planner\\planner.db` on Windows), so the
same store is found from any working directory year after year."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "PLANNER_DATABASE_URL"


def default_sqlite_path() -> Path:
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "planner" / "planner.db"


def resolve_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to open: the argument, the environment variable or the default file.

    `postgresql://` and `postgres://` mean psycopg 3 (`postgresql+psycopg://`), the driver the
    `store` extra installs; SQLAlchemy alone would look for psycopg2.
    """
    url = url or os.environ.get(ENV_VAR) or f"sqlite:///{default_sqlite_path()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
