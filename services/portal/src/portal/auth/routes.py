"""Login, logout and Keycloak's back-channel logout."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
from authlib.integrations.base_client.errors import OAuthError
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth import oidc
from portal.auth.web import NEXT_KEY, WriterDep, safe_next, web_session
from portal.pages.rendering import render

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", include_in_schema=False)


@router.get("/login")
async def login(request: Request, next: str = "/") -> Response:
    state = web_session(request)
    if state.authenticated:
        return RedirectResponse(safe_next(next), status_code=303)
    state.data[NEXT_KEY] = safe_next(next)
    settings = request.app.state.settings
    response: Response = await request.app.state.oauth.authorize_redirect(
        request, settings.redirect_uri
    )
    return response


@router.get("/callback")
async def callback(request: Request) -> Response:
    state = web_session(request)
    try:
        token = await request.app.state.oauth.authorize_access_token(request)
    except OAuthError as exc:
        logger.info("login refused: %s", exc.error)
        return render(
            request,
            "login_failed.html",
            {"title": "La connexion n'a pas abouti"},
            status_code=400,
        )
    id_claims = dict(token.get("userinfo") or {})
    # The access token's claims (roles, companies) are for display: each service verifies the
    # token itself on every call.
    access_claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    user = oidc.user_of({**access_claims, **id_claims})
    next_path = safe_next(state.data.pop(NEXT_KEY, "/"))
    state.log_in(
        subject=str(id_claims.get("sub")),
        sid=id_claims.get("sid"),
        user=user,
        tokens=oidc.tokens_of(token),
    )
    return RedirectResponse(next_path, status_code=303)


@router.post("/logout")
async def logout(request: Request, user: WriterDep) -> Response:
    """End the portal session and Keycloak's (RP-initiated logout)."""
    state = web_session(request)
    id_token = (state.tokens or {}).get("id_token")
    settings = request.app.state.settings
    metadata = await request.app.state.oauth.load_server_metadata()
    state.log_out()
    query = {
        "post_logout_redirect_uri": f"{settings.public_url}/",
        "client_id": settings.oidc_client_id,
    }
    if id_token:
        query["id_token_hint"] = id_token
    return RedirectResponse(
        f"{metadata['end_session_endpoint']}?{urlencode(query)}", status_code=303
    )


@router.post("/backchannel-logout")
async def backchannel_logout(request: Request, logout_token: str = Form(...)) -> Response:
    """Keycloak says a session ended there (admin, another client, expiry): end ours."""
    settings = request.app.state.settings
    try:
        claims = await oidc.verify_logout_token(
            logout_token,
            jwks=request.app.state.jwks,
            issuer=settings.issuer,
            audience=settings.oidc_client_id,
        )
    except oidc.LogoutTokenError as exc:
        logger.warning("back-channel logout refused: %s", exc)
        return Response(status_code=400, headers={"Cache-Control": "no-store"})
    ended = await request.app.state.sessions.end_keycloak_session(
        sid=claims.get("sid"), subject=claims.get("sub") if not claims.get("sid") else None
    )
    logger.info("back-channel logout: %d session(s) ended", ended)
    return Response(status_code=200, headers={"Cache-Control": "no-store"})
