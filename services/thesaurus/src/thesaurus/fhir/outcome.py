"""FHIR errors: every failure under ``/fhir`` is an ``OperationOutcome`` with the right status.

The application's generic handlers (``cosar_common.errors``) render ``{code, message}``, which a
FHIR client cannot read. Rather than change them, the ``/fhir`` router uses :class:`FhirRoute`,
whose handler converts every error raised while resolving dependencies (401, 403) or running
the operation (404, 422…) into an ``OperationOutcome`` before the app-level handlers see it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from cosar_common.errors import AppError, french_validation_errors

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"

# FHIR IssueType for each HTTP status we answer with.
_ISSUE_BY_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    422: "invalid",
}


class FhirResponse(JSONResponse):
    """A FHIR resource as ``application/fhir+json``."""

    media_type = FHIR_JSON


class FhirError(Exception):
    """An error of a FHIR operation: HTTP status, FHIR issue code and a French message."""

    def __init__(
        self,
        status: int,
        text: str,
        *,
        issue: str | None = None,
        expression: Sequence[str] = (),
    ) -> None:
        self.status = status
        self.text = text
        self.issue = issue or _ISSUE_BY_STATUS.get(status, "processing")
        self.expression = list(expression)
        super().__init__(text)


def not_found(text: str) -> FhirError:
    return FhirError(404, text, issue="not-found")


def invalid(text: str, *, status: int = 400, expression: Sequence[str] = ()) -> FhirError:
    return FhirError(status, text, issue="invalid", expression=expression)


def issue(
    text: str, *, code: str, severity: str = "error", expression: Sequence[str] = ()
) -> dict[str, Any]:
    """One ``OperationOutcome.issue``."""
    out: dict[str, Any] = {"severity": severity, "code": code, "details": {"text": text}}
    if expression:
        out["expression"] = list(expression)
    return out


def operation_outcome(issues: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": list(issues)}


def outcome_response(
    status: int, issues: Sequence[dict[str, Any]], headers: dict[str, str] | None = None
) -> FhirResponse:
    return FhirResponse(operation_outcome(issues), status_code=status, headers=headers)


def to_outcome(exc: Exception) -> FhirResponse | None:
    """The ``OperationOutcome`` response of a known error; None for an unexpected one."""
    if isinstance(exc, FhirError):
        return outcome_response(
            exc.status, [issue(exc.text, code=exc.issue, expression=exc.expression)]
        )
    if isinstance(exc, AppError):
        code = _ISSUE_BY_STATUS.get(exc.status_code, "processing")
        issues = [issue(exc.message, code=code)]
        issues += [
            issue(str(e.get("message")), code=code, expression=[str(e.get("field", ""))])
            for e in exc.errors
        ]
        return outcome_response(exc.status_code, issues, exc.headers)
    if isinstance(exc, RequestValidationError):
        # Only bodies FastAPI parses itself get here; FHIR parameters are validated by hand.
        issues = [
            issue(e["message"], code="invalid", expression=[e["field"]])
            for e in french_validation_errors(exc.errors())
        ]
        return outcome_response(400, issues or [issue("Requête invalide.", code="invalid")])
    if isinstance(exc, StarletteHTTPException):
        text = exc.detail if isinstance(exc.detail, str) else "Requête refusée."
        code = _ISSUE_BY_STATUS.get(exc.status_code, "processing")
        return outcome_response(exc.status_code, [issue(text, code=code)])
    return None


class FhirRoute(APIRoute):
    """A route whose errors come back as ``OperationOutcome`` (see the module docstring).

    Unexpected errors are not caught: they must roll the request's transaction back and reach
    the application's logging handler as any other bug.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except (FhirError, AppError, RequestValidationError, StarletteHTTPException) as exc:
                response = to_outcome(exc)
                assert response is not None  # every caught type has a rendering
                return response

        return handler
