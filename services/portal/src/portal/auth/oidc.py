"""The OpenID Connect client of the portal (Authlib's Starlette integration, Keycloak).

Confidential client, authorization code + PKCE S256 + state + nonce; Authlib keeps the login's
state, nonce and code verifier in ``request.session``, which is the server-side session's data
(:mod:`portal.auth.sessions`), so nothing of the login reaches the browser but the cookie.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

from cosar_common.auth.jwks import JwksCache, verify_signed
from cosar_common.errors import NotAuthenticated
from portal.settings import PortalSettings

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class LogoutTokenError(Exception):
    pass


def make_oauth(settings: PortalSettings) -> StarletteOAuth2App:
    oauth = OAuth()
    client = oauth.register(
        "keycloak",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.discovery_url,
        client_kwargs={
            "scope": "openid profile email",
            "code_challenge_method": "S256",
            "timeout": settings.http_timeout_s,
        },
    )
    assert isinstance(client, StarletteOAuth2App)
    return client


def user_of(claims: dict[str, Any]) -> dict[str, Any]:
    """What the pages need of the person, from the verified ID token and access token."""
    roles = sorted(claims.get("realm_access", {}).get("roles", []))
    name = " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return {
        "username": claims.get("preferred_username") or claims.get("sub"),
        "name": name or claims.get("name") or claims.get("preferred_username") or "",
        "tenant_id": claims.get("tenant_id"),
        "roles": roles,
        "company_ids": list(claims.get("company_ids") or []),
    }


def tokens_of(token: dict[str, Any]) -> dict[str, Any]:
    """The token response kept server side, with absolute expiry instants (epoch seconds)."""
    now = time.time()
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token"),
        "id_token": token.get("id_token"),
        "expires_at": float(token.get("expires_at") or now + float(token.get("expires_in", 60))),
        "refresh_expires_at": now + float(token.get("refresh_expires_in") or 0)
        if token.get("refresh_expires_in")
        else None,
    }


async def refresh(
    http: httpx.AsyncClient, settings: PortalSettings, token_endpoint: str, tokens: dict[str, Any]
) -> dict[str, Any] | None:
    """New tokens from the refresh token; None when Keycloak refuses (session ended there)."""
    refresh_token = tokens.get("refresh_token")
    if not refresh_token:
        return None
    try:
        response = await http.post(
            token_endpoint,
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(settings.oidc_client_id, settings.oidc_client_secret),
        )
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    fresh = tokens_of(response.json())
    fresh["id_token"] = fresh["id_token"] or tokens.get("id_token")
    return fresh


async def verify_logout_token(
    token: str, *, jwks: JwksCache, issuer: str, audience: str
) -> dict[str, Any]:
    """OpenID Connect Back-Channel Logout 1.0, §2.6: a realm-signed token for this client
    (``iat`` required, ``exp`` checked when present), carrying the event, a ``sid`` or ``sub``,
    and no ``nonce``."""
    try:
        claims = await verify_signed(
            token, jwks=jwks, issuer=issuer, audience=audience, require=("iat", "iss", "aud")
        )
    except NotAuthenticated as exc:
        raise LogoutTokenError(exc.message) from exc
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}):
        raise LogoutTokenError("pas un jeton de déconnexion")
    if "nonce" in claims:
        raise LogoutTokenError("nonce interdit")
    if not claims.get("sid") and not claims.get("sub"):
        raise LogoutTokenError("ni sid ni sub")
    return claims
