"""The portal's web layer without infrastructure: sessions faked in memory, no Keycloak."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from portal.app import create_app
from portal.auth.sessions import SessionStore
from portal.auth.web import safe_next
from portal.models import WebSession
from portal.settings import PortalSettings

from cosar_common import clock

from .fakes import COOKIE, FakeOAuth, FakeStore, logged_in

pytestmark = pytest.mark.unit


@pytest.fixture
def client() -> tuple[TestClient, FakeStore]:
    app = create_app(PortalSettings(public_url="http://portal.test"))
    store = FakeStore()
    app.state.sessions = store
    app.state.oauth = FakeOAuth()
    return TestClient(app, base_url="http://portal.test", follow_redirects=False), store


def test_pages_are_french_and_hardened(client: tuple[TestClient, FakeStore]) -> None:
    http, _ = client
    page = http.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Se connecter" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    missing = http.get("/nulle-part")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.text


def test_a_tampered_cookie_is_a_new_session_not_an_error(
    client: tuple[TestClient, FakeStore],
) -> None:
    http, _ = client
    http.cookies.set("cosar_session", "forged-value")
    assert http.get("/").status_code == 200
    assert http.get("/entreprises/1d495e5b-841a-5b20-aef1-d7fc4f68bb29").status_code == 303


def test_writes_need_the_same_origin_and_the_session_csrf_token(
    client: tuple[TestClient, FakeStore],
) -> None:
    http, store = client
    store.by_cookie[COOKIE] = logged_in()
    http.cookies.set("cosar_session", COOKIE)
    foreign = http.post(
        "/auth/logout", data={"csrf_token": "t" * 43}, headers={"Origin": "https://evil.test"}
    )
    assert foreign.status_code == 403
    assert "autre site" in foreign.text
    cross_site = http.post(
        "/auth/logout", data={"csrf_token": "t" * 43}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    assert http.post("/auth/logout", data={}).status_code == 403
    assert http.post("/auth/logout", data={"csrf_token": "u" * 43}).status_code == 403
    assert store.by_cookie[COOKIE].authenticated  # still logged in: nothing happened
    done = http.post(
        "/auth/logout", data={"csrf_token": "t" * 43}, headers={"Origin": "http://portal.test"}
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith("http://keycloak.test/logout?")
    assert "id_token_hint=id-token" in done.headers["location"]
    assert not store.by_cookie[COOKIE].authenticated


def test_a_write_after_the_session_ended_keeps_the_input_for_after_the_login(
    client: tuple[TestClient, FakeStore],
) -> None:
    http, store = client
    page = "/entreprises/1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
    answer = http.post(
        f"{page}/unites",
        data={"csrf_token": "old", "next": page, "name": "Fournil", "headcount": "3"},
    )
    assert answer.status_code == 303
    assert (
        answer.headers["location"]
        == "/auth/login?next=%2Fentreprises%2F1d495e5b-841a-5b20-aef1-d7fc4f68bb29"
    )
    kept = store.saved[-1].data["pending_form"]
    assert kept == {"path": page, "fields": {"name": "Fournil", "headcount": "3"}}


def test_an_oversized_body_is_refused_in_french(client: tuple[TestClient, FakeStore]) -> None:
    http, _ = client
    answer = http.post("/auth/logout", content=b"x" * (3 * 1024 * 1024))
    assert answer.status_code == 413
    assert "Envoi trop volumineux" in answer.text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/entreprises/1", "/entreprises/1"),
        ("https://evil.test/", "/"),
        ("//evil.test/x", "/"),
        ("/\\evil.test", "/"),
        (None, "/"),
    ],
)
def test_only_a_local_path_is_a_place_to_return_to(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


def test_sessions_end_after_30_idle_minutes_and_10_hours_in_all() -> None:
    store = SessionStore(
        None,  # type: ignore[arg-type]  # expiry_reason reads no database
        idle_timeout=timedelta(minutes=30),
        absolute_timeout=timedelta(hours=10),
    )
    now = clock.system_now()

    def row(idle: timedelta, age: timedelta) -> WebSession:
        return WebSession(
            id_hash="h", created_at=now - age, authenticated_at=now - age, last_seen_at=now - idle
        )

    assert store.expiry_reason(row(timedelta(minutes=29), timedelta(hours=2)), now) is None
    assert store.expiry_reason(row(timedelta(minutes=31), timedelta(hours=2)), now) == "idle"
    assert store.expiry_reason(row(timedelta(minutes=1), timedelta(hours=10, minutes=1)), now) == (
        "absolute"
    )
