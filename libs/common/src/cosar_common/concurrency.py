"""Optimistic concurrency over HTTP: ``If-Match`` carries the version the client read.

A document that several people edit (a DUERP, an annual report) has a ``lock_version``; a read
answers it in ``ETag`` and every change must send it back in ``If-Match``. The change bumps the
version only if it is still the one the client read: of two concurrent writers, the second
gets 409 and reloads instead of silently overwriting the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Protocol

from fastapi import Depends, FastAPI, Header
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.api.params import INT4_MAX
from cosar_common.errors import AppError, Conflict

IF_MATCH = "If-Match"


class PreconditionRequired(AppError):
    status_code = 428
    code = "if_match_required"
    message = (
        "En-tête If-Match obligatoire : indiquez la version du document que vous modifiez "
        "(lock_version, reçue dans l'en-tête ETag), pour ne pas écraser une modification "
        "concurrente."
    )


_IF_MATCH_DESCRIPTION = (
    "Obligatoire : la version du document lue (lock_version, reçue dans l'en-tête ETag), "
    'par exemple 3 ou "3". Absente ou illisible : 428.'
)


async def if_match(
    value: Annotated[str | None, Header(alias=IF_MATCH, description=_IF_MATCH_DESCRIPTION)] = None,
) -> int:
    """The ``lock_version`` the client read (``If-Match: 3`` or ``If-Match: "3"``).

    The header is required, but its absence must be a 428 (``if_match_required``), not
    FastAPI's 422 for a missing parameter: so the parameter has a default here and
    :func:`document_if_match` marks it required in the OpenAPI. A value outside a lock version's
    int4 column (``If-Match: 99999999999``) cannot be a version read: 428 as well, never the
    database's overflow.
    """
    if value is None:
        raise PreconditionRequired()
    try:
        version = int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise PreconditionRequired() from None
    if not 0 <= version <= INT4_MAX:
        raise PreconditionRequired()
    return version


def etag(lock_version: int) -> str:
    return f'"{lock_version}"'


IfMatch = Annotated[int, Depends(if_match)]


def document_if_match(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI say what :func:`if_match` does: the ``If-Match`` header is
    required wherever it is taken, and its absence answers 428 (the error body of
    :mod:`cosar_common.errors`). Called by ``create_service_app``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not isinstance(operation, dict):
                    continue
                headers = [
                    p
                    for p in operation.get("parameters", [])
                    if p.get("in") == "header" and p.get("name") == IF_MATCH
                ]
                for parameter in headers:
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string"}
                if headers:
                    operation.setdefault("responses", {})["428"] = {
                        "description": PreconditionRequired.message
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class _Locked(Protocol):
    id: Any
    lock_version: Any


async def take_lock(
    session: AsyncSession,
    row: _Locked,
    *,
    expected: int,
    conflict: str,
    values: Mapping[str, Any] | None = None,
) -> int:
    """Bump ``row``'s ``lock_version`` if it is still ``expected``; 409 ``edit_conflict``
    (with the French ``conflict`` message) otherwise. Returns the new version.

    The UPDATE's row lock serialises two concurrent writers; the second re-reads the row
    after the first commits, finds another version and gets 409: nothing is silently lost.
    ``row`` is refreshed, so it shows the new version (and ``values``) afterwards.
    """
    model = type(row)
    bumped = await session.scalar(
        update(model)
        .where(model.id == row.id, model.lock_version == expected)
        .values(lock_version=model.lock_version + 1, **(values or {}))
        .returning(model.lock_version)
    )
    if bumped is None:
        raise Conflict(conflict, code="edit_conflict")
    await session.refresh(row)
    return int(bumped)
