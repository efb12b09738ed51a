"""Alembic environment of the web service's tables (its own history beside the store's)."""

from __future__ import annotations

from alembic import context

from planner.server.models import ServerBase

VERSION_TABLE = "planner_server_alembic_version"

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
