"""The fiche d'entreprise of a company (R4624-46 to R4624-48): its published versions and the
content of each, for whoever holds ``FICHE_READ`` (the SPSTI's staff, the employer, the CSE).

The fiche is the SPSTI's document: the portal only reads what the assessment published
(``assessment.api.fiche``); its draft, editing and publishing stay with the SPSTI's staff and
have no page here. The assessment decides who reads: 404 for a company the person may not see,
then 403 with its French reason, shown as such (:func:`portal.pages.errors.refused`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.auth.web import UserDep
from portal.clients import ApiError
from portal.domain.fiche import fiche_view
from portal.domain.versions import version_rows
from portal.pages.common import parse_id, services
from portal.pages.errors import NOT_ACCESSIBLE, not_found, refused
from portal.pages.rendering import render

router = APIRouter(include_in_schema=False)

FICHE_VERSION_GONE = (
    "Cette version de la fiche d'entreprise n'existe pas ou ne vous est pas accessible."
)


def fiche_path(company_id: uuid.UUID) -> str:
    return f"/entreprises/{company_id}/fiche"


def api_path(company_id: uuid.UUID) -> str:
    return f"/companies/{company_id}/fiche/versions"


def _version_number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else None


async def _read(request: Request, gone: str, *calls: Awaitable[Any]) -> list[Any] | Response:
    """The service's answers, or the French page of its refusal (403) or of a 404."""
    try:
        return list(await asyncio.gather(*calls))
    except ApiError as exc:
        if exc.status == 403:
            return refused(request, exc.message)
        if exc.status == 404:
            return not_found(request, gone)
        raise


@router.get("/entreprises/{company_id}/fiche")
async def fiche_versions(request: Request, company_id: str, user: UserDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    api, token = services(request), user.access_token
    answers = await _read(
        request,
        NOT_ACCESSIBLE,
        api.get("assessment", f"/companies/{parsed}", token=token),
        api.get("assessment", api_path(parsed), token=token),
    )
    if isinstance(answers, Response):
        return answers
    company, versions = answers
    return render(
        request,
        "fiche_versions.html",
        {
            "title": f"Fiche d'entreprise — {company['name']}",
            "company": company,
            "rows": version_rows(versions, username=user.username, name=user.name),
            "path": fiche_path(parsed),
        },
    )


@router.get("/entreprises/{company_id}/fiche/{number}")
async def fiche_version(request: Request, company_id: str, number: str, user: UserDep) -> Response:
    parsed, version = parse_id(company_id), _version_number(number)
    if parsed is None or version is None:
        return not_found(request, FICHE_VERSION_GONE)
    api, token = services(request), user.access_token
    answers = await _read(
        request,
        FICHE_VERSION_GONE,
        api.get("assessment", f"{api_path(parsed)}/{version}", token=token),
        api.get("assessment", api_path(parsed), token=token),
    )
    if isinstance(answers, Response):
        return answers
    snapshot, versions = answers
    summary = next((v for v in versions if int(v["number"]) == version), None)
    fiche = fiche_view(snapshot, summary, username=user.username, name=user.name)
    company = {**fiche.company, "id": str(parsed)}
    return render(
        request,
        "fiche_version.html",
        {
            "title": f"Fiche d'entreprise, version {fiche.number} — {company.get('name', '')}",
            "company": company,
            "fiche": fiche,
            "path": fiche_path(parsed),
        },
    )
