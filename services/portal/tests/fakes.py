"""Fakes of what the portal talks to: its session store, Keycloak's metadata, the services.

Test modules import it relatively (pytest runs in importlib mode): ``from .fakes import ...``.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from portal.app import create_app
from portal.auth.sessions import WebSessionState
from portal.clients import Answer, ApiError, Download, ServiceUnavailable
from portal.settings import PortalSettings

COOKIE = "c" * 43


class FakeStore:
    """Sessions by cookie value, kept in memory."""

    def __init__(self) -> None:
        self.by_cookie: dict[str, WebSessionState] = {}
        self.saved: list[WebSessionState] = []

    async def load(self, cookie: str | None) -> WebSessionState:
        return self.by_cookie.get(cookie or "", WebSessionState())

    async def save(self, state: WebSessionState) -> str | None:
        self.saved.append(state)
        return None


class FakeOAuth:
    async def load_server_metadata(self) -> dict[str, Any]:
        return {"end_session_endpoint": "http://keycloak.test/logout"}


def logged_in(csrf: str = "t" * 43) -> WebSessionState:
    return WebSessionState(
        id_hash="h",
        user={"username": "employer1@sst-13-marseille", "name": "Jean Castel", "roles": []},
        tokens={"access_token": "a", "id_token": "id-token", "expires_at": 9e12},
        data={"csrf_token": csrf},
    )


class FakeServices:
    """Answers by (service, method, path), else ``default``; an ``ApiError`` or
    ``ServiceUnavailable`` answer is raised; ``fetch`` answers a ``Download``.
    Every call is recorded with its token, body, parameters and headers."""

    def __init__(self, answers: dict[tuple[str, str, str], Any], default: Any = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.answers = answers
        self.default = default

    async def call(self, service: str, method: str, path: str, **kwargs: Any) -> Answer:
        self.calls.append({"service": service, "method": method, "path": path, **kwargs})
        answer = self.answers.get((service, method, path), self.default)
        if isinstance(answer, (ApiError, ServiceUnavailable)):
            raise answer
        return Answer(200, answer, httpx.Headers())

    async def get(self, service: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(service, "GET", path, **kwargs)).body

    async def fetch(self, service: str, path: str, **kwargs: Any) -> Download:
        answer = (await self.call(service, "GET", path, **kwargs)).body
        assert isinstance(answer, Download), f"no document faked for {path}"
        return answer

    def writes(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["method"] != "GET"]


def signed_in_site(
    roles: list[str], answers: dict[tuple[str, str, str], Any], *, csrf: str = "t" * 43
) -> tuple[TestClient, FakeServices]:
    """The portal, a person with ``roles`` signed in, the services answering ``answers``."""
    app = create_app(PortalSettings(public_url="http://portal.test"))
    store = FakeStore()
    state = logged_in(csrf)
    assert state.user is not None
    state.user["roles"] = roles
    store.by_cookie[COOKIE] = state
    app.state.sessions = store
    app.state.oauth = FakeOAuth()
    fake = FakeServices(answers)
    app.state.services = fake
    http = TestClient(app, base_url="http://portal.test", follow_redirects=False)
    http.cookies.set("cosar_session", COOKIE)
    return http, fake
