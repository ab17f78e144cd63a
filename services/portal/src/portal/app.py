"""The portal's application: pages, login, server-side sessions, hardening.

Unlike the four services it owns no events (no Kafka): its database holds the sessions only,
and everything it shows comes from the services' APIs, called with the person's own token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from cosar_common import web_assets
from cosar_common.auth.jwks import JwksCache
from cosar_common.db.engine import make_engine, make_session_factory
from cosar_common.health import check_database
from portal.auth import oidc
from portal.auth.routes import router as auth_router
from portal.auth.sessions import SessionMiddleware, SessionStore
from portal.clients import SERVICE_LABELS, Services
from portal.pages.actions import router as actions_router
from portal.pages.companies import router as companies_router
from portal.pages.errors import install_page_errors
from portal.pages.fiche import router as fiche_router
from portal.pages.library import router as library_router
from portal.pages.penibilite import router as penibilite_router
from portal.pages.risks import router as risks_router
from portal.pages.versions import router as versions_router
from portal.pages.work_units import router as work_units_router
from portal.security import BodyLimit, SecurityHeaders, content_security_policy
from portal.settings import PortalSettings

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
PURGE_INTERVAL_S = 600.0


async def _purge_sessions(store: SessionStore) -> None:
    while True:
        await asyncio.sleep(PURGE_INTERVAL_S)
        with contextlib.suppress(Exception):
            await store.purge_expired()


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    keycloak = urlsplit(settings.keycloak_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.app_database_url,
            pool_size=settings.db_pool_size,
            application_name=settings.service_name,
        )
        http = httpx.AsyncClient(timeout=settings.http_timeout_s)
        app.state.engine = engine
        app.state.http = http
        app.state.sessions = SessionStore(
            make_session_factory(engine),
            idle_timeout=timedelta(seconds=settings.session_idle_timeout_s),
            absolute_timeout=timedelta(seconds=settings.session_absolute_timeout_s),
        )
        app.state.jwks = JwksCache(
            f"{settings.keycloak_url}/realms/{settings.keycloak_realm}"
            "/protocol/openid-connect/certs",
            http=http,
            min_refresh_interval_s=settings.jwks_refresh_min_interval_s,
        )
        app.state.services = Services(http, service_urls(settings))
        purge = asyncio.create_task(_purge_sessions(app.state.sessions), name="session-purge")
        try:
            yield
        finally:
            purge.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purge
            await http.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Portail COSAR",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.oauth = oidc.make_oauth(settings)
    htmx = load_htmx()
    app.state.htmx = htmx
    # Outermost first: the size limit, the headers of every answer, then the session.
    app.add_middleware(
        SessionMiddleware, cookie_name=settings.session_cookie, secure=settings.secure_cookies
    )
    app.add_middleware(
        SecurityHeaders,
        csp=content_security_policy(f"{keycloak.scheme}://{keycloak.netloc}"),
        https=settings.secure_cookies,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    install_page_errors(app)
    if htmx is not None:  # before /static, whose mount would answer its path first
        app.include_router(web_assets.vendor_router(htmx.assets))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth_router)
    app.include_router(companies_router)
    app.include_router(work_units_router)
    app.include_router(risks_router)
    app.include_router(versions_router)
    app.include_router(library_router)
    app.include_router(penibilite_router)
    app.include_router(actions_router)
    app.include_router(fiche_router)

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready(request: Request) -> Response:
        return await readiness(request.app, settings)

    return app


def service_urls(settings: PortalSettings) -> dict[str, str]:
    return {
        "thesaurus": settings.thesaurus_url,
        "assessment": settings.assessment_url,
        "reporting": settings.reporting_url,
        "indicators": settings.indicators_url,
    }


@dataclass(frozen=True)
class Htmx:
    """The pinned htmx copy the pages load, with its Subresource Integrity value."""

    url: str
    integrity: str
    assets: list[web_assets.Asset]


def load_htmx(directory: Path | None = None) -> Htmx | None:
    """The pinned, checksum-verified htmx, read once now; None (pages without it: every form
    works without JavaScript) when it is not installed, with a warning saying how to."""
    package, file = web_assets.HTMX.name, "htmx.min.js"
    try:
        assets = web_assets.load_assets([package], directory)
    except web_assets.WebAssetsError as exc:
        logger.warning("pages without htmx (run `bin/platform assets`): %s", exc)
        return None
    return Htmx(
        url=web_assets.asset_url(package, file),
        integrity=web_assets.asset_integrity(package, file),
        assets=assets,
    )


async def readiness(app: FastAPI, settings: PortalSettings) -> Response:
    """Ready when the database, Keycloak and the four services answer; 503 names the others."""
    http: httpx.AsyncClient | None = getattr(app.state, "http", None)
    if http is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    timeout = settings.http_timeout_s / 2

    async def get_ok(url: str) -> str | None:
        try:
            response = await http.get(url, timeout=timeout)
        except httpx.HTTPError as exc:
            return f"injoignable ({type(exc).__name__})"
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    names = ["database", "keycloak", *service_urls(settings)]
    results = await asyncio.gather(
        check_database(app.state.engine, timeout),
        get_ok(settings.discovery_url),
        *(get_ok(f"{url}/health/live") for url in service_urls(settings).values()),
    )
    checks = {
        name: {"status": "ok"} if detail is None else {"status": "down", "detail": detail}
        for name, detail in zip(names, results, strict=True)
    }
    failing = [name for name, check in checks.items() if check["status"] != "ok"]
    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "message": ""
        if not failing
        else "Indisponible : " + ", ".join(SERVICE_LABELS.get(n, n) for n in failing),
        "checks": checks,
    }
    return JSONResponse(body, status_code=200 if not failing else 503)
