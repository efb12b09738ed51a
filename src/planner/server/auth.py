"""Who may do what: the request's principal (API token or session cookie), role checks, the
case scope check, and CSRF for everything a cookie authenticates.

- `Authorization: Bearer pl_…` (systems): no cookie, no CSRF (a browser never sends it alone).
- The session cookie (people): every unsafe request must carry the session's CSRF token, in the
  form field `csrf` or the header `X-CSRF-Token`.
- Roles: viewer reads; planner also changes cases and runs jobs; admin also manages accounts.
- Scope: an account of a province sees only that province's cases, a commune account only its
  commune's; another unit's case answers 404, as if it did not exist (no probing of ids).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from planner.server.db import Principal
from planner.server.security import SESSION_COOKIE, same_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AuthError(Exception):
    """401: no valid credentials."""


class ForbiddenError(Exception):
    """403: authenticated, but the role does not allow it (or a CSRF token is missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseNotFound(Exception):
    """404: no such case within the principal's unit."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"no case {case_id}")
        self.case_id = case_id


def state(request: Request) -> Any:
    return request.app.state.planner


def optional_principal(request: Request) -> Principal | None:
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    app = state(request)
    principal: Principal | None = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = app.db.token_principal(header[7:].strip())
        request.state.via_cookie = False
    else:
        session = app.signer.loads(request.cookies.get(SESSION_COOKIE))
        if session is not None:
            principal = app.db.principal(session.account_id)
            request.state.csrf = session.csrf
        request.state.via_cookie = True
    request.state.principal = principal
    return principal


def principal(request: Request) -> Principal:
    found = optional_principal(request)
    if found is None:
        raise AuthError
    return found


async def check_csrf(request: Request) -> None:
    """Unsafe requests authenticated by the cookie carry the session's CSRF token."""
    if request.method in SAFE_METHODS or not getattr(request.state, "via_cookie", False):
        return
    expected = getattr(request.state, "csrf", "")
    given = request.headers.get("x-csrf-token")
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf")
            given = value if isinstance(value, str) else None
    if not same_token(expected, given):
        raise ForbiddenError("CSRF token missing or wrong")


def viewer(request: Request) -> Principal:
    return principal(request)


async def planner_role(request: Request) -> Principal:
    found = principal(request)
    await check_csrf(request)
    if not found.may("planner"):
        raise ForbiddenError("this needs the planner role")
    return found


async def admin_role(request: Request) -> Principal:
    found = principal(request)
    await check_csrf(request)
    if not found.may("admin"):
        raise ForbiddenError("this needs the admin role")
    return found


def check_case(request: Request, who: Principal, case_id: int) -> tuple[str, str | None]:
    """The case's (province, commune), if `who` may see it; else CaseNotFound."""
    scope = state(request).db.scope(case_id)
    if scope is None and who.province is None:
        return ("", None)  # a case imported by the CLI: only system-wide accounts see it
    if scope is None or not who.sees(*scope):
        raise CaseNotFound(case_id)
    return scope  # type: ignore[no-any-return]
