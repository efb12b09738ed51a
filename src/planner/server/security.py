"""Passwords, API tokens, signed session cookies and CSRF tokens.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are random secrets of which only the
SHA-256 is stored; the session cookie is signed (itsdangerous) and carries the account id and the
session's CSRF token, so a form must echo the token the page was rendered with.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

_HASHER = PasswordHasher()  # Argon2id, RFC 9106 second recommendation (64 MiB, t=3)
SESSION_COOKIE = "planner_session"
SESSION_MAX_AGE_S = 12 * 3600  # a working day; then log in again
TOKEN_PREFIX = "pl_"


def configure_hasher(time_cost: int, memory_cost_kib: int) -> None:
    """Other Argon2id costs for new hashes (existing hashes carry their own and still verify):
    cheaper ones for tests, dearer ones for a server with cores to spare."""
    global _HASHER
    _HASHER = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh API token (shown once; only its hash is kept)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionData:
    account_id: int
    csrf: str


class SessionSigner:
    """Signs and reads the session cookie."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="planner-session")

    def dumps(self, account_id: int) -> tuple[str, str]:
        """The cookie value of a new session of `account_id`, and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self._serializer.dumps({"a": account_id, "c": csrf}), csrf

    def loads(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("a"), int):
            return None
        return SessionData(int(data["a"]), str(data.get("c", "")))


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")
