"""What the employer's pages share: the services, flash messages, ids from the path."""

from __future__ import annotations

import uuid

from fastapi import Request

from portal.auth.sessions import WebSessionState
from portal.clients import ApiError, Services

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
