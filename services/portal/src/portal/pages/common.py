"""What the employer's pages share: the services, flash messages, ids from the path."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from portal.auth.sessions import WebSessionState
from portal.clients import ApiError, Services
from portal.domain.forms import FieldSpec, FormErrors, api_errors_to_form

FLASH_KEY = "flash"
SESSION_ENDED = (
    "Votre session avait expiré : votre saisie a été conservée. Vérifiez-la, puis enregistrez."
)


def services(request: Request) -> Services:
    value: Services = request.app.state.services
    return value


def flash(state: WebSessionState, message: str) -> None:
    state.data[FLASH_KEY] = message


def take_flash(state: WebSessionState) -> str | None:
    value = state.data.pop(FLASH_KEY, None)
    return value if isinstance(value, str) else None


def parse_id(raw: str) -> uuid.UUID | None:
    """A UUID from the path; None (a French 404) for anything else."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def is_edit_conflict(exc: ApiError) -> bool:
    """Someone else changed the DUERP since the form was loaded (If-Match refused)."""
    return exc.status == 409 and exc.code == "edit_conflict"


def is_refused_input(exc: ApiError) -> bool:
    """An answer whose message belongs on the form (bad input, a rule, another conflict)."""
    return exc.status in (400, 409, 422)


# The page again, with the service's messages on its fields, or the conflict block: called as
# ``again(errors, conflict, status_code)``; the page keeps what the person typed.
PageAgain = Callable[[FormErrors | None, dict[str, Any] | None, int], Awaitable[Response]]


async def refused_write(
    exc: ApiError,
    specs: Sequence[FieldSpec],
    again: PageAgain,
    current: Callable[[], Awaitable[list[str]]] | list[str] | None = None,
) -> Response:
    """A write the service refused, answered as the form page again.

    409 ``edit_conflict``: the conflict block with what the object is now (``current``; the
    page is read again, so its forms carry the new lock and saving again goes through; or fixed
    lines saying where to look). A
    refused input (400, 409, 422): each message next to the field it is about. Anything else
    is raised again.
    """
    if is_edit_conflict(exc):
        lines = current if isinstance(current, list) else await current() if current else []
        return await again(None, {"current": lines}, 409)
    if is_refused_input(exc):
        return await again(api_errors_to_form(exc.body, specs), None, 422)
    raise exc
