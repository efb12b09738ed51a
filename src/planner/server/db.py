"""The service's own rows (accounts, tokens, case scopes, mappings, uploads, run files, the
session key) over the store's engine, and their migrations."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from planner.errors import InputError
from planner.server.models import (
    ROLES,
    Account,
    ApiToken,
    CaseScope,
    HeaderMapping,
    RunFile,
    ServerSecret,
    Upload,
)
from planner.server.security import hash_password, new_token, token_hash, verify_password


def upgrade(engine: Engine) -> None:
    """Bring the service's tables to the newest migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("planner.server") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account, its role and the unit it may see."""

    account_id: int
    username: str
    role: str
    province: str | None
    commune: str | None

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def sees(self, province: str, commune: str | None) -> bool:
        """Whether a case of `province`/`commune` is within this account's unit."""
        if self.province is None:
            return True
        if province != self.province:
            return False
        return self.commune is None or self.commune == commune

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.account_id,
            "username": self.username,
            "role": self.role,
            "province": self.province,
            "commune": self.commune,
        }


def _principal(account: Account) -> Principal:
    return Principal(account.id, account.username, account.role, account.province, account.commune)


class ServerDB:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self._session() as session, session.begin():
            yield session

    # -- the session key ---------------------------------------------------------------------

    def secret(self) -> str:
        with self.session() as session:
            row = session.get(ServerSecret, "session")
            if row is not None:
                return row.value
        try:
            with self.session() as session:
                session.add(ServerSecret(name="session", value=secrets.token_urlsafe(48)))
        except IntegrityError:  # another process made it first: use theirs
            pass
        with self.session() as session:
            row = session.get(ServerSecret, "session")
            assert row is not None
            return row.value

    # -- accounts and tokens ----------------------------------------------------------------

    def create_account(
        self,
        username: str,
        password: str,
        role: str,
        province: str | None = None,
        commune: str | None = None,
    ) -> Principal:
        if role not in ROLES:
            raise InputError("unknown role", field="role", found=role, expected=" / ".join(ROLES))
        if commune and not province:
            raise InputError(
                "a commune account needs its province", field="province", expected="a province"
            )
        if len(password) < 8:
            raise InputError(
                "password too short", field="password", expected="at least 8 characters"
            )
        try:
            with self.session() as session:
                account = Account(
                    username=username,
                    password_hash=hash_password(password),
                    role=role,
                    province=province or None,
                    commune=commune or None,
                    active=True,
                )
                session.add(account)
                session.flush()
                return _principal(account)
        except IntegrityError:
            raise InputError(
                "username already taken", field="username", found=username, expected="a new name"
            ) from None

    def count_accounts(self) -> int:
        with self.session() as session:
            return len(session.scalars(select(Account.id)).all())

    def list_accounts(self) -> list[Principal]:
        with self.session() as session:
            return [_principal(a) for a in session.scalars(select(Account).order_by(Account.id))]

    def authenticate(self, username: str, password: str) -> Principal | None:
        with self.session() as session:
            account = session.scalars(select(Account).where(Account.username == username)).first()
            if account is None or not account.active:
                hash_password(password)  # same work either way: no timing hint of a valid name
                return None
            if not verify_password(account.password_hash, password):
                return None
            return _principal(account)

    def principal(self, account_id: int) -> Principal | None:
        with self.session() as session:
            account = session.get(Account, account_id)
            return _principal(account) if account is not None and account.active else None

    def create_token(self, account_id: int, name: str) -> str:
        token = new_token()
        with self.session() as session:
            session.add(ApiToken(account_id=account_id, name=name, token_hash=token_hash(token)))
        return token

    def token_principal(self, token: str) -> Principal | None:
        with self.session() as session:
            row = session.scalars(
                select(ApiToken).where(ApiToken.token_hash == token_hash(token))
            ).first()
            if row is None:
                return None
            account = session.get(Account, row.account_id)
            return _principal(account) if account is not None and account.active else None

    # -- case scopes ------------------------------------------------------------------------

    def set_scope(
        self, case_id: int, province: str, commune: str | None, created_by: int | None
    ) -> None:
        with self.session() as session:
            session.merge(
                CaseScope(
                    case_id=case_id,
                    province=province,
                    commune=commune or None,
                    created_by=created_by,
                )
            )

    def scope(self, case_id: int) -> tuple[str, str | None] | None:
        with self.session() as session:
            row = session.get(CaseScope, case_id)
            return (row.province, row.commune) if row is not None else None

    def scopes(self) -> dict[int, tuple[str, str | None]]:
        with self.session() as session:
            return {r.case_id: (r.province, r.commune) for r in session.scalars(select(CaseScope))}

    def forget_case(self, case_id: int, run_ids: list[int]) -> None:
        with self.session() as session:
            session.execute(delete(CaseScope).where(CaseScope.case_id == case_id))
            session.execute(delete(Upload).where(Upload.case_id == case_id))
            if run_ids:
                session.execute(delete(RunFile).where(RunFile.run_id.in_(run_ids)))

    # -- mappings ---------------------------------------------------------------------------

    def save_mapping(
        self, province: str, name: str, headers: dict[str, str], values: dict[str, Any]
    ) -> None:
        with self.session() as session:
            row = session.scalars(
                select(HeaderMapping).where(
                    HeaderMapping.province == province, HeaderMapping.name == name
                )
            ).first()
            if row is None:
                session.add(
                    HeaderMapping(province=province, name=name, headers=headers, values=values)
                )
            else:
                row.headers, row.values = dict(headers), dict(values)

    def mapping(self, province: str, name: str) -> tuple[dict[str, str], dict[str, Any]] | None:
        with self.session() as session:
            row = session.scalars(
                select(HeaderMapping).where(
                    HeaderMapping.province == province, HeaderMapping.name == name
                )
            ).first()
            return (dict(row.headers), dict(row.values)) if row is not None else None

    def mappings(self, province: str) -> list[str]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(HeaderMapping.name)
                    .where(HeaderMapping.province == province)
                    .order_by(HeaderMapping.name)
                )
            )

    # -- uploads ----------------------------------------------------------------------------

    def save_upload(
        self,
        account_id: int,
        case_id: int | None,
        filename: str,
        content: bytes,
        pending: dict[str, Any] | None = None,
    ) -> int:
        with self.session() as session:
            row = Upload(
                account_id=account_id,
                case_id=case_id,
                filename=filename,
                content=content,
                pending=pending,
            )
            session.add(row)
            session.flush()
            return row.id

    def upload(self, upload_id: int, account_id: int) -> Upload | None:
        """The upload, only for the account that made it."""
        with self.session() as session:
            row = session.get(Upload, upload_id)
            return row if row is not None and row.account_id == account_id else None

    def replace_upload(self, upload_id: int, content: bytes) -> None:
        with self.session() as session:
            row = session.get(Upload, upload_id)
            if row is not None:
                row.content = content

    def drop_upload(self, upload_id: int) -> None:
        with self.session() as session:
            session.execute(delete(Upload).where(Upload.id == upload_id))

    # -- run files --------------------------------------------------------------------------

    def save_run_file(self, run_id: int, name: str, media_type: str, content: bytes) -> None:
        with self.session() as session:
            session.merge(RunFile(run_id=run_id, name=name, media_type=media_type, content=content))

    def run_file(self, run_id: int, name: str) -> tuple[str, bytes] | None:
        with self.session() as session:
            row = session.get(RunFile, (run_id, name))
            return (row.media_type, row.content) if row is not None else None

    def run_file_names(self, run_id: int) -> list[str]:
        with self.session() as session:
            return sorted(session.scalars(select(RunFile.name).where(RunFile.run_id == run_id)))
