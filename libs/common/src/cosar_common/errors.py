"""Errors as classes that carry their HTTP status and a stable code, rendered by one handler.

The JSON body is the same everywhere::

    {"code": "not_found", "message": "Ressource introuvable.", "errors": [...]}

``message`` is French: portal users read it. ``code`` is stable: clients branch on it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)


class AppError(Exception):
    """Base of the errors a use case may raise on purpose."""

    status_code: int = 400
    code: str = "bad_request"
    message: str = "Requête invalide."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.errors = list(errors)
        self.headers = headers
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Authentification requise : jeton d'accès absent, expiré ou invalide."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "Vous n'avez pas les droits nécessaires pour cette action."


class NotFound(AppError):
    """Also what another tenant's object looks like: its existence is not disclosed."""

    status_code = 404
    code = "not_found"
    message = "Ressource introuvable."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "L'opération entre en conflit avec l'état actuel de la ressource."


class RuleViolation(AppError):
    """A domain rule refused the input (the input was well-formed)."""

    status_code = 422
    code = "rule_violation"
    message = "Les données ne respectent pas une règle métier."


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "Service momentanément indisponible."


# French wording of pydantic's error types; anything else falls back to pydantic's own message.
_FRENCH_MESSAGES: dict[str, str] = {
    "missing": "Champ obligatoire.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Texte trop court.",
    "string_too_long": "Texte trop long.",
    "string_pattern_mismatch": "Format invalide.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "bool_type": "Un booléen (true/false) est attendu.",
    "bool_parsing": "Un booléen (true/false) est attendu.",
    "greater_than": "Valeur trop petite.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than": "Valeur trop grande.",
    "less_than_equal": "Valeur trop grande.",
    "enum": "Valeur non autorisée.",
    "literal_error": "Valeur non autorisée.",
    "uuid_type": "Un identifiant (UUID) est attendu.",
    "uuid_parsing": "Identifiant (UUID) invalide.",
    "date_type": "Une date est attendue.",
    "date_parsing": "Date invalide (format AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Date invalide (format AAAA-MM-JJ).",
    "datetime_parsing": "Date et heure invalides.",
    "list_type": "Une liste est attendue.",
    "dict_type": "Un objet est attendu.",
    "model_attributes_type": "Un objet est attendu.",
    "extra_forbidden": "Champ non reconnu.",
    "too_short": "Pas assez d'éléments.",
    "too_long": "Trop d'éléments.",
}


def french_validation_errors(raw: Sequence[Any]) -> list[dict[str, Any]]:
    """Turn pydantic's error list into ``[{field, message, type}]`` with French messages."""
    out: list[dict[str, Any]] = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ())]
        err_type = str(err.get("type", ""))
        message = _FRENCH_MESSAGES.get(err_type)
        if message is None:
            ctx_msg = err.get("ctx", {}).get("error") if isinstance(err.get("ctx"), dict) else None
            message = str(ctx_msg or err.get("msg", "Valeur invalide."))
        out.append({"field": ".".join(loc), "message": message, "type": err_type})
    return out


def install_error_handlers(app: FastAPI) -> None:
    """One rendering of every error: stable code, French message, never a 500 for bad input."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = french_validation_errors(exc.errors())
        return JSONResponse(
            {"code": "validation_error", "message": "Données invalides.", "errors": errors},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Ressource introuvable.", 405: "Méthode non autorisée."}
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = messages.get(exc.status_code, detail or "Erreur.")
        return JSONResponse(
            {"code": code, "message": message},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        # Rules the database enforces under the application (immutability triggers, unique
        # constraints) are conflicts for the caller, not server errors.
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if state == "55000":
            body = {"code": "immutable", "message": "Cet objet est figé : il ne peut plus changer."}
            return JSONResponse(body, status_code=409)
        if state == "23505":
            body = {"code": "duplicate", "message": "Cet objet existe déjà."}
            return JSONResponse(body, status_code=409)
        logger.exception("database error", exc_info=exc)
        return JSONResponse(
            {"code": "internal_error", "message": "Erreur interne ; l'incident est journalisé."},
            status_code=500,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            {"code": "internal_error", "message": "Erreur interne ; l'incident est journalisé."},
            status_code=500,
        )
