"""What a page asks of the request: the logged-in person, a fresh token, a checked write.

Every state-changing request goes through :func:`checked_write`, in this order:
1. the Origin / Sec-Fetch-Site check (a request from another site is refused, 403);
2. a person whose session ended gets the login page, and what they typed is kept in the new
   session to be put back in the form afterwards (nothing typed is lost);
3. the per-session CSRF token, from the form field ``csrf_token`` or the ``X-CSRF-Token``
   header (htmx), compared in constant time (403 otherwise).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request

from portal.auth import oidc
from portal.auth.sessions import WebSessionState

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PENDING_KEY = "pending_form"
NEXT_KEY = "next"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class WriteRefused(Exception):
    """403: another site's request, or no valid CSRF token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class User:
    username: str
    name: str
    tenant_id: str | None
    roles: frozenset[str]
    company_ids: tuple[str, ...]
    access_token: str

    @property
    def display_name(self) -> str:
        return self.name or self.username


def web_session(request: Request) -> WebSessionState:
    state: WebSessionState = request.state.web_session
    return state


def csrf_token(state: WebSessionState) -> str:
    token = state.data.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        state.data[CSRF_FIELD] = token
    return token


def safe_next(path: str | None) -> str:
    """Only a local path is a place to return to (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return "/"
    return path


def _request_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def current_user(request: Request) -> User:
    """The logged-in person with an access token valid for a while yet; else log in."""
    state = web_session(request)
    if not state.authenticated or state.tokens is None or state.user is None:
        raise LoginRequired(_request_path(request) if request.method in SAFE_METHODS else "/")
    settings = request.app.state.settings
    tokens = state.tokens
    if float(tokens.get("expires_at", 0)) - time.time() < settings.token_refresh_margin_s:
        metadata = await request.app.state.oauth.load_server_metadata()
        fresh = await oidc.refresh(
            request.app.state.http, settings, metadata["token_endpoint"], tokens
        )
        if fresh is None:
            state.log_out()
            raise LoginRequired(_request_path(request))
        state.tokens = fresh
        tokens = fresh
    user = state.user
    return User(
        username=str(user.get("username") or ""),
        name=str(user.get("name") or ""),
        tenant_id=user.get("tenant_id"),
        roles=frozenset(user.get("roles") or ()),
        company_ids=tuple(str(c) for c in user.get("company_ids") or ()),
        access_token=str(tokens["access_token"]),
    )


def same_origin(request: Request) -> bool:
    """The Fetch metadata and Origin say the request comes from the portal's own pages."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return not (origin is not None and origin != request.app.state.settings.origin)


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


async def checked_write(request: Request) -> User:
    """The person behind a state-changing request, once its origin and CSRF token are checked."""
    if not same_origin(request):
        raise WriteRefused("origin")
    state = web_session(request)
    fields = await form_fields(request)
    if not state.authenticated:
        back = safe_next(fields.get(NEXT_KEY))
        kept = {k: v for k, v in fields.items() if k not in (CSRF_FIELD, NEXT_KEY)}
        if back != "/" and kept:
            state.data[PENDING_KEY] = {"path": back, "fields": kept}
        raise LoginRequired(back)
    if not csrf_ok(request, fields, state):
        raise WriteRefused("csrf")
    return await current_user(request)


def csrf_ok(request: Request, fields: dict[str, str], state: WebSessionState) -> bool:
    """The form's (or htmx header's) token is this session's, compared in constant time."""
    sent = fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = state.data.get(CSRF_FIELD)
    return isinstance(expected, str) and hmac.compare_digest(sent.encode(), expected.encode())


def pending_input(request: Request, path: str) -> dict[str, Any] | None:
    """What the person typed before logging in again, when it belongs to this page."""
    state = web_session(request)
    pending = state.data.get(PENDING_KEY)
    if isinstance(pending, dict) and pending.get("path") == path:
        state.data.pop(PENDING_KEY, None)
        fields = pending.get("fields")
        return dict(fields) if isinstance(fields, dict) else None
    return None


UserDep = Annotated[User, Depends(current_user)]
WriterDep = Annotated[User, Depends(checked_write)]
