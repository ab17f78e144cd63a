"""Optimistic concurrency over HTTP: ``If-Match`` carries the version the client read.

A document that several people edit (a DUERP, an annual report) has a ``lock_version``; a read
answers it in ``ETag`` and every change must send it back in ``If-Match``. The change bumps the
version only if it is still the one the client read: of two concurrent writers, the second
gets 409 and reloads instead of silently overwriting the first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from cosar_common.errors import AppError


class PreconditionRequired(AppError):
    status_code = 428
    code = "if_match_required"
    message = (
        "En-tête If-Match obligatoire : indiquez la version du document que vous modifiez "
        "(lock_version, reçue dans l'en-tête ETag), pour ne pas écraser une modification "
        "concurrente."
    )


def if_match(value: Annotated[str | None, Header(alias="If-Match")] = None) -> int:
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
