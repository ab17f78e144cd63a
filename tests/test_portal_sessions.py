"""The portal's server-side sessions against the real Keycloak: the access token refreshed
behind the person's back, a refused refresh sending them to log in again, and Keycloak's
back-channel logout ending the portal's session (a forged logout token ending nothing).

The tokens never reach the browser: these tests read and age them in the portal's own table.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.conftest import eventually, keycloak_admin_token
from tests.portal_browser import (  # the fixtures: pytest finds them by name
    BAKERY,
    TRANSPORTS,
    chromium_fixture,  # noqa: F401
    context_fixture,  # noqa: F401
    demo_loaded_fixture,  # noqa: F401
    log_in,
)

pytestmark = pytest.mark.integration

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@pytest.fixture(name="portal_db")
async def portal_db_fixture(migrated: Any) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(migrated.dsn("portal_owner", "portal_owner", "portal"))
    yield engine
    await engine.dispose()


async def _the_session(context: BrowserContext, engine: AsyncEngine, portal: str) -> dict:
    """The portal's row of this browser's session (found by the person it holds: each test
    logs in a fresh context, and reads the row just after)."""
    [cookie] = await context.cookies(portal)
    id_hash = hashlib.sha256(cookie["value"].encode()).hexdigest()
    async with engine.connect() as db:
        row = (
            (
                await db.execute(
                    text("SELECT keycloak_sid, tokens FROM web_session WHERE id_hash = :h"),
                    {"h": id_hash},
                )
            )
            .mappings()
            .one_or_none()
        )
    assert row is not None, "the browser's session has no row in the portal"
    return {"id_hash": id_hash, **dict(row)}


async def _rows(engine: AsyncEngine, id_hash: str) -> int:
    async with engine.connect() as db:
        found = await db.execute(
            text("SELECT count(*) FROM web_session WHERE id_hash = :h"), {"h": id_hash}
        )
        return int(found.scalar_one())


async def _set_tokens(engine: AsyncEngine, id_hash: str, tokens: dict) -> None:
    async with engine.begin() as db:
        await db.execute(
            text("UPDATE web_session SET tokens = CAST(:t AS jsonb) WHERE id_hash = :h"),
            {"t": json.dumps(tokens), "h": id_hash},
        )


async def _shows_the_company(page: Page, portal: str, company: dict) -> None:
    await page.goto(f"{portal}/entreprises/{company['id']}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(company["name"])


async def test_an_access_token_about_to_expire_is_refreshed_on_the_server(
    portal_service, demo_loaded, context, portal_db
):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer1@sst-13-marseille")
    first = await _the_session(context, portal_db, portal_service.url)
    old = first["tokens"]
    # The access token is declared expired; the next page must get a new one from Keycloak.
    await _set_tokens(portal_db, first["id_hash"], {**old, "expires_at": time.time() - 1})
    await _shows_the_company(page, portal_service.url, BAKERY)
    now = await _the_session(context, portal_db, portal_service.url)
    fresh = now["tokens"]
    assert fresh["access_token"] != old["access_token"]
    assert fresh["expires_at"] > time.time() + 30
    assert fresh["refresh_token"] != old["refresh_token"]  # Keycloak rotates it
    assert fresh["id_token"]  # kept for the RP-initiated logout
    # The new token is the person's own: the service accepts it for their company.
    assert jwt.decode(fresh["access_token"], options={"verify_signature": False})[
        "preferred_username"
    ] == ("employer1@sst-13-marseille")


async def test_a_refused_refresh_sends_the_person_to_log_in_again_never_an_error(
    portal_service, demo_loaded, context, portal_db
):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer2@sst-13-marseille")
    row = await _the_session(context, portal_db, portal_service.url)
    await _set_tokens(
        portal_db,
        row["id_hash"],
        {**row["tokens"], "expires_at": time.time() - 1, "refresh_token": "refusé-par-keycloak"},
    )
    response = await page.goto(f"{portal_service.url}/entreprises/{TRANSPORTS['id']}")
    assert response is not None
    assert response.status < 500
    # Keycloak still knows the person: the new login comes straight back, on the page asked.
    await page.wait_for_url(f"{portal_service.url}/entreprises/{TRANSPORTS['id']}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(TRANSPORTS["name"])
    assert await _rows(portal_db, row["id_hash"]) == 0  # the refused session is gone


async def _user_id(infra: Any, http: httpx.AsyncClient, headers: dict, username: str) -> str:
    found = await http.get(
        f"{infra.keycloak_url}/admin/realms/{infra.keycloak_realm}/users",
        params={"username": username, "exact": "true"},
        headers=headers,
    )
    assert found.status_code == 200, found.text
    return str(found.json()[0]["id"])


async def test_keycloak_ending_the_session_ends_the_portal_session_at_once(
    portal_service, demo_loaded, context, portal_db, migrated
):
    """An administrator signs the person out in Keycloak: Keycloak calls the portal's
    back-channel logout, and the portal's session ends although its access token is still
    valid for minutes (without the back-channel the page would still show)."""
    page = await context.new_page()
    username = "employer1@sst-13-marseille"
    await log_in(page, portal_service.url, username)
    row = await _the_session(context, portal_db, portal_service.url)
    assert row["keycloak_sid"]
    assert row["tokens"]["expires_at"] > time.time() + 60
    async with httpx.AsyncClient(timeout=10) as http:
        headers = {"Authorization": f"Bearer {await keycloak_admin_token(migrated, http)}"}
        user = await _user_id(migrated, http, headers, username)
        sessions = await http.get(
            f"{migrated.keycloak_url}/admin/realms/{migrated.keycloak_realm}/users/{user}/sessions",
            headers=headers,
        )
        assert row["keycloak_sid"] in {s["id"] for s in sessions.json()}
        ended = await http.delete(
            f"{migrated.keycloak_url}/admin/realms/{migrated.keycloak_realm}"
            f"/sessions/{row['keycloak_sid']}",
            headers=headers,
        )
        assert ended.status_code == 204, ended.text

    async def gone() -> bool:
        return await _rows(portal_db, row["id_hash"]) == 0

    await eventually(gone, timeout=15, interval=0.3)
    await page.goto(f"{portal_service.url}/entreprises/{BAKERY['id']}")
    await expect(page.locator("#password")).to_be_visible()  # Keycloak asks again


def _forged_logout_token(realm_token: str, *, sid: str, issuer: str) -> str:
    """A logout token right in every claim, with the realm's key id, signed by another key."""
    kid = jwt.get_unverified_header(realm_token)["kid"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": "portal",
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        "sid": sid,
        "events": {BACKCHANNEL_EVENT: {}},
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def test_a_forged_logout_token_ends_nothing_and_would_without_the_signature_check(
    portal_service, demo_loaded, context, portal_db, monkeypatch
):
    page = await context.new_page()
    await log_in(page, portal_service.url, "employer2@sst-13-marseille")
    row = await _the_session(context, portal_db, portal_service.url)
    settings = portal_service.app.state.settings
    forged = _forged_logout_token(
        row["tokens"]["access_token"], sid=row["keycloak_sid"], issuer=settings.issuer
    )
    url = f"{portal_service.url}/auth/backchannel-logout"
    async with httpx.AsyncClient(timeout=10) as http:
        refused = await http.post(url, data={"logout_token": forged})
        assert refused.status_code == 400
        assert await _rows(portal_db, row["id_hash"]) == 1
        await _shows_the_company(page, portal_service.url, TRANSPORTS)

        # The protection switched off (the signature no longer checked): the same token
        # would have ended the session, so the refusal above is the signature check's.
        import portal.auth.oidc as oidc

        async def unchecked(token: str, **_: Any) -> dict[str, Any]:
            claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
            return claims

        monkeypatch.setattr(oidc, "verify_signed", unchecked)
        accepted = await http.post(url, data={"logout_token": forged})
    assert accepted.status_code == 200
    assert await _rows(portal_db, row["id_hash"]) == 0
