"""The web service's own tables: accounts, API tokens, which unit owns a case, saved header and
value mappings per province, and the report files a job wrote.

They live in their own metadata and their own Alembic history (version table
`planner_server_alembic_version`), beside the store's, so the store and the service migrate
independently. `case_id` and `run_id` refer to the store's `cases` and `runs` rows; the service
deletes its rows with the case (no cross-metadata foreign key).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("viewer", "planner", "admin")


class ServerBase(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Account(ServerBase):
    __tablename__ = "server_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # ROLES
    # The unit the account works for: None = every province (a system administrator); a
    # province alone = the whole province; a province and a commune = that commune only.
    province: Mapped[str | None] = mapped_column(String(200), nullable=True)
    commune: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ApiToken(ServerBase):
    __tablename__ = "server_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("server_accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the secret
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseScope(ServerBase):
    """The unit a stored case belongs to: who may read and change it."""

    __tablename__ = "server_case_scopes"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(200), index=True)
    commune: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class HeaderMapping(ServerBase):
    """An HR system's export headers and values mapped to planner's fields, saved per province
    and reused on the next upload."""

    __tablename__ = "server_header_mappings"
    __table_args__ = (UniqueConstraint("province", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)  # source header → planner field
    values: Mapped[dict[str, Any]] = mapped_column(JSON)  # field → {source value → code}
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RunFile(ServerBase):
    """A report a job rendered (plan.xlsx, plan.html, whatif.xlsx…), kept with its run."""

    __tablename__ = "server_run_files"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Upload(ServerBase):
    """An officials table being checked and fixed in the page before it goes into a case: the
    cells as uploaded (already mapped), kept until the case takes them."""

    __tablename__ = "server_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: a new case
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the canonical CSV
    # For a new case: its case.yaml and unit, waiting for the table to be clean.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ServerSecret(ServerBase):
    """The key that signs session cookies, made once per database so every worker and restart
    shares it."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
