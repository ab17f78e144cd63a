"""Optimistic concurrency over HTTP: ``If-Match`` carries the version the client read.

A document that several people edit (a DUERP, an annual report) has a ``lock_version``; a read
answers it in ``ETag`` and every change must send it back in ``If-Match``. The change bumps the
version only if it is still the one the client read: of two concurrent writers, the second
gets 409 and reloads instead of silently overwriting the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Protocol

from fastapi import Depends, Header
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.errors import AppError, Conflict


class PreconditionRequired(AppError):
    status_code = 428
    code = "if_match_required"
    message = (
        "En-tête If-Match obligatoire : indiquez la version du document que vous modifiez "
        "(lock_version, reçue dans l'en-tête ETag), pour ne pas écraser une modification "
        "concurrente."
    )


async def if_match(value: Annotated[str | None, Header(alias="If-Match")] = None) -> int:
    """The ``lock_version`` the client read (``If-Match: 3`` or ``If-Match: "3"``)."""
    if value is None:
        raise PreconditionRequired()
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise PreconditionRequired() from None


def etag(lock_version: int) -> str:
    return f'"{lock_version}"'


IfMatch = Annotated[int, Depends(if_match)]


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
