"""Every failure as a French page: never a stack trace, never a raw JSON body."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.auth.web import LoginRequired, WriteRefused
from portal.clients import ApiError, NotAuthorised, ServiceUnavailable
from portal.pages.rendering import render

logger = logging.getLogger(__name__)

NOT_FOUND_TITLE = "Page introuvable"
NOT_ACCESSIBLE = "Cette entreprise n'existe pas ou ne vous est pas accessible."
REFUSED_TITLE = "Accès refusé"


def not_found(request: Request, message: str | None = None) -> Response:
    return render(
        request,
        "error.html",
        {"title": NOT_FOUND_TITLE, "message": message or "Cette page n'existe pas."},
        status_code=404,
    )


def refused(request: Request, message: str) -> Response:
    """403 as a French page, with the service's reason: for a company the person may see,
    when the service says plainly that this part of it is not theirs to read."""
    return render(
        request,
        "error.html",
        {"title": REFUSED_TITLE, "message": message},
        status_code=403,
    )


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse("/auth/login?" + urlencode({"next": next_path}), status_code=303)


def install_page_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):  # htmx follows redirects itself: reload the page
            return Response(
                status_code=204, headers={"HX-Redirect": f"/auth/login?next={exc.next_path}"}
            )
        return login_redirect(exc.next_path)

    @app.exception_handler(NotAuthorised)
    async def _token_refused(request: Request, _: NotAuthorised) -> Response:
        request.state.web_session.log_out()
        return login_redirect(request.url.path)

    @app.exception_handler(WriteRefused)
    async def _refused(request: Request, exc: WriteRefused) -> Response:
        logger.warning("write refused (%s) on %s", exc.reason, request.url.path)
        message = (
            "Cette demande vient d'un autre site : elle a été refusée."
            if exc.reason == "origin"
            else "Ce formulaire a expiré ou ne vient pas du portail. Rechargez la page puis "
            "recommencez."
        )
        return render(
            request,
            "error.html",
            {"title": "Demande refusée", "message": message},
            status_code=403,
        )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if exc.status in (403, 404):
            return not_found(request, NOT_ACCESSIBLE)
        return render(
            request,
            "error.html",
            {"title": "Demande refusée", "message": exc.message},
            status_code=exc.status if 400 <= exc.status < 500 else 400,
        )

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(request: Request, exc: ServiceUnavailable) -> Response:
        logger.warning("service unavailable: %s", exc)
        return render(
            request,
            "error.html",
            {
                "title": "Service momentanément indisponible",
                "message": f"Nous ne parvenons pas à joindre {exc.label}. Votre saisie n'a pas "
                "été enregistrée ; réessayez dans quelques minutes.",
            },
            status_code=503,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return not_found(request)
        if exc.status_code == 405:
            return render(
                request,
                "error.html",
                {
                    "title": "Action impossible",
                    "message": "Cette adresse ne permet pas cette action.",
                },
                status_code=405,
            )
        return render(
            request,
            "error.html",
            {"title": "Demande refusée", "message": "La demande a été refusée."},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _: RequestValidationError) -> Response:
        return render(
            request,
            "error.html",
            {
                "title": "Demande incorrecte",
                "message": "L'adresse ou le formulaire envoyé est incorrect.",
            },
            status_code=400,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return render(
            request,
            "error.html",
            {
                "title": "Erreur inattendue",
                "message": "Une erreur inattendue s'est produite ; elle est journalisée. "
                "Votre saisie n'a pas été enregistrée.",
            },
            status_code=500,
        )
