"""Server-side sessions: the browser holds an opaque random cookie, the portal holds the rest.

A pure ASGI middleware loads the session row named by the cookie (by the SHA-256 of its value),
applies the idle and absolute timeouts, exposes it to the request (``request.session`` is its
``data``, which is what Authlib keeps the login state in; ``request.state.web_session`` is the
whole :class:`WebSessionState`) and writes it back when the response starts. A tampered,
unknown or expired cookie is simply a new, anonymous session: never an error.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cosar_common import clock
from portal.models import WebSession

# A session seen less than this long ago is not written back just to move ``last_seen_at``.
TOUCH_INTERVAL = timedelta(seconds=30)
COOKIE_VALUE_LENGTH = 43  # secrets.token_urlsafe(32)


def hash_id(value: str) -> str:
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


@dataclass
class WebSessionState:
    """The session of one request; the middleware persists what the request changed."""

    id_hash: str | None = None
    created_at: datetime | None = None
    last_seen_at: datetime | None = None
    authenticated_at: datetime | None = None
    subject: str | None = None
    keycloak_sid: str | None = None
    user: dict[str, Any] | None = None
    tokens: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    #: Why the previous session ended, when the cookie named one that timed out.
    expired: str | None = None
    _new_cookie: str | None = None
    _delete_cookie: bool = False
    _old_hash: str | None = None
    _loaded: dict[str, Any] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.user is not None and self.tokens is not None

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "authenticated_at": self.authenticated_at,
                "subject": self.subject,
                "keycloak_sid": self.keycloak_sid,
                "user": self.user,
                "tokens": self.tokens,
                "data": self.data,
            }
        )

    def log_in(
        self, *, subject: str, sid: str | None, user: dict[str, Any], tokens: dict[str, Any]
    ) -> None:
        """A new identity: a new cookie too (no session fixation); pending data is kept."""
        self.rotate()
        self.authenticated_at = clock.system_now()
        self.subject, self.keycloak_sid, self.user, self.tokens = subject, sid, user, tokens

    def log_out(self) -> None:
        """Forget everything; the row goes and the browser's cookie is cleared."""
        self._old_hash = self.id_hash
        self.id_hash = None
        self.user = self.tokens = self.subject = self.keycloak_sid = None
        self.authenticated_at = None
        self.data.clear()
        self._delete_cookie = True

    def rotate(self) -> None:
        self._old_hash = self.id_hash
        self.id_hash = None


def _columns(state: WebSessionState, now: datetime) -> dict[str, Any]:
    """What a save writes of a session, new row or update alike."""
    return {
        "last_seen_at": now,
        "authenticated_at": state.authenticated_at,
        "subject": state.subject,
        "keycloak_sid": state.keycloak_sid,
        "user": state.user,
        "tokens": state.tokens,
        "data": state.data,
    }


class SessionStore:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        idle_timeout: timedelta,
        absolute_timeout: timedelta,
    ) -> None:
        self.session_factory = session_factory
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout

    def expiry_reason(self, row: WebSession, now: datetime) -> str | None:
        if now - row.last_seen_at > self.idle_timeout:
            return "idle"
        started = row.authenticated_at or row.created_at
        if now - started > self.absolute_timeout:
            return "absolute"
        return None

    async def load(self, cookie: str | None) -> WebSessionState:
        if not cookie or len(cookie) != COOKIE_VALUE_LENGTH:
            return WebSessionState()
        now = clock.system_now()
        async with self.session_factory() as db:
            row = await db.get(WebSession, hash_id(cookie))
            if row is None:
                return WebSessionState()
            reason = self.expiry_reason(row, now)
            if reason is not None:
                await db.execute(delete(WebSession).where(WebSession.id_hash == row.id_hash))
                await db.commit()
                return WebSessionState(expired=reason if row.user is not None else None)
        state = WebSessionState(
            id_hash=row.id_hash,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            authenticated_at=row.authenticated_at,
            subject=row.subject,
            keycloak_sid=row.keycloak_sid,
            user=row.user,
            tokens=row.tokens,
            data=dict(row.data or {}),
        )
        state._loaded = state.snapshot()
        return state

    async def save(self, state: WebSessionState) -> str | None:
        """Persist the request's changes; the new cookie value when one must be set."""
        now = clock.system_now()
        async with self.session_factory() as db:
            if state._old_hash is not None:
                await db.execute(delete(WebSession).where(WebSession.id_hash == state._old_hash))
                state._old_hash = None
            cookie: str | None = None
            if state.id_hash is None:
                if state.authenticated or state.data:
                    cookie = secrets.token_urlsafe(32)
                    state.id_hash = hash_id(cookie)
                    db.add(
                        WebSession(id_hash=state.id_hash, created_at=now, **_columns(state, now))
                    )
            elif state.snapshot() != state._loaded or (
                state.last_seen_at is not None and now - state.last_seen_at > TOUCH_INTERVAL
            ):
                await db.execute(
                    update(WebSession)
                    .where(WebSession.id_hash == state.id_hash)
                    .values(**_columns(state, now))
                )
            await db.commit()
        return cookie

    async def end_keycloak_session(self, *, sid: str | None, subject: str | None) -> int:
        """Back-channel logout: the sessions of that Keycloak session (or of that person)."""
        if sid is None and subject is None:
            return 0
        condition = (
            WebSession.keycloak_sid == sid if sid is not None else WebSession.subject == subject
        )
        async with self.session_factory() as db:
            result = await db.execute(delete(WebSession).where(condition))
            await db.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def purge_expired(self) -> int:
        """Rows past the idle timeout (the nightly housekeeping; load() also drops them)."""
        limit = clock.system_now() - self.idle_timeout
        async with self.session_factory() as db:
            result = await db.execute(delete(WebSession).where(WebSession.last_seen_at < limit))
            await db.commit()
        return int(getattr(result, "rowcount", 0) or 0)


class SessionMiddleware:
    """Load the session before the app, save it when the response starts."""

    def __init__(self, app: ASGIApp, *, cookie_name: str, secure: bool) -> None:
        self.app = app
        self.cookie_name = cookie_name
        self.secure = secure

    def _cookie_of(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:  # a malformed Cookie header is no session
                    return None
                morsel = jar.get(self.cookie_name)
                if morsel is not None:
                    return morsel.value
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        store: SessionStore = scope["app"].state.sessions
        state = await store.load(self._cookie_of(scope))
        scope["session"] = state.data
        scope.setdefault("state", {})["web_session"] = state

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = await store.save(state)
                headers = MutableHeaders(scope=message)
                if cookie is not None:
                    headers.append("Set-Cookie", self._set_cookie(cookie))
                elif state._delete_cookie:
                    headers.append("Set-Cookie", self._set_cookie("", max_age=0))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _set_cookie(self, value: str, *, max_age: int | None = None) -> str:
        parts = [f"{self.cookie_name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        return "; ".join(parts)
