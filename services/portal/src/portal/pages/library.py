"""The sector library of a work unit: the typical hazards of the company's NAF, each added to
the unit with one form (its rating chosen in the same form).

Without JavaScript each entry's form posts and the page comes back (303) with a message; with
htmx the entry alone is replaced, the unit's list of hazards and every other form's
``lock_version`` are updated out of band, so the next entry can be added at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.forms import FormErrors, api_errors_to_form, parse_form
from portal.domain.library import (
    find_entry,
    library_form,
    library_items,
    library_risk_payload,
)
from portal.domain.risks import criteria, find_risk, find_unit, summary_of
from portal.pages.common import (
    SESSION_ENDED,
    flash,
    is_edit_conflict,
    is_refused_input,
    parse_id,
    services,
    take_flash,
)
from portal.pages.errors import NOT_ACCESSIBLE, not_found
from portal.pages.rendering import render
from portal.pages.work_units import UNIT_GONE, api_path, read_duerp, unit_path

router = APIRouter(include_in_schema=False)

ENTRY_GONE = "Ce danger ne figure plus dans la bibliothèque de votre secteur."
LIBRARY_CONFLICT = [
    "La liste « Déjà dans l'unité » ci-dessous montre l'état actuel de l'unité ; "
    "votre cotation est conservée dans le formulaire du danger."
]


def library_path(company_id: uuid.UUID, unit_id: uuid.UUID) -> str:
    return f"{unit_path(company_id, unit_id)}/bibliotheque"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def read_suggestions(
    request: Request, token: str, company_id: uuid.UUID
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = await services(request).get(
        "assessment", f"{api_path(company_id)}/suggestions", token=token
    )
    return entries


async def library_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    unit_id: uuid.UUID,
    *,
    active: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    added: str | None = None,
    status_code: int = 200,
    fragment: bool = False,
) -> Response:
    """The whole page, or (``fragment``, for htmx) the ``active`` entry with out-of-band
    updates of the unit's hazards and of every form's lock."""
    duerp = await read_duerp(request, token, company_id)
    unit = find_unit(duerp, str(unit_id))
    if unit is None:
        return not_found(request, UNIT_GONE)
    entries = await read_suggestions(request, token, company_id)
    path = library_path(company_id, unit_id)
    notice = None if fragment else take_flash(web_session(request))
    if not fragment:
        kept = pending_input(request, path)
        if kept is not None and values is None:
            active, values, notice = str(kept.pop("form", "")), kept, SESSION_ENDED
    items = library_items(entries, unit)
    context = {
        "title": f"Bibliothèque du secteur — unité « {unit['name']} »",
        "company": duerp["company"],
        "duerp": duerp,
        "unit": unit,
        "unit_path": unit_path(company_id, unit_id),
        "path": path,
        "items": items,
        "criteria": criteria(duerp["method"]),
        "active": active,
        "values": values or {},
        "errors": errors,
        "conflict": conflict,
        "added": added,
        "notice": notice,
    }
    if fragment:
        context["item"] = next((i for i in items if i.id == active), None)
        return render(request, "partials/library_answer.html", context, status_code=status_code)
    return render(request, "library.html", context, status_code=status_code)


def _ids(company_id: str, unit_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    company, unit = parse_id(company_id), parse_id(unit_id)
    return (company, unit) if company is not None and unit is not None else None


@router.get("/entreprises/{company_id}/unites/{unit_id}/bibliotheque")
async def sector_library(
    request: Request, company_id: str, unit_id: str, user: UserDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await library_page(request, user.access_token, *ids)


@router.post("/entreprises/{company_id}/unites/{unit_id}/bibliotheque/{entry_id}")
async def add_from_library(
    request: Request, company_id: str, unit_id: str, entry_id: str, user: WriterDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None or parse_id(entry_id) is None:
        return not_found(request, NOT_ACCESSIBLE)
    cid, uid = ids
    token = user.access_token
    htmx = is_htmx(request)
    # htmx swaps only 2xx answers: the fragment with its errors comes back as 200.
    refused, conflicted = (200, 200) if htmx else (422, 409)
    duerp = await read_duerp(request, token, cid)
    if find_unit(duerp, str(uid)) is None:
        return not_found(request, UNIT_GONE)
    entry = find_entry(await read_suggestions(request, token, cid), entry_id)
    if entry is None:
        return not_found(request, ENTRY_GONE)
    method = duerp["method"]
    specs = library_form(method)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in specs}
    parsed, errors = parse_form(specs, raw)
    page: dict[str, Any] = {"active": entry_id, "values": values, "fragment": htmx}
    if errors:
        return await library_page(
            request, token, cid, uid, errors=errors, status_code=refused, **page
        )
    try:
        answer = await services(request).call(
            "assessment",
            "POST",
            f"{api_path(cid)}/work-units/{uid}/risks",
            token=token,
            json=library_risk_payload(entry, method, parsed),
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            return await library_page(
                request,
                token,
                cid,
                uid,
                conflict={"current": LIBRARY_CONFLICT},
                status_code=conflicted,
                **page,
            )
        if is_refused_input(exc):
            errors = api_errors_to_form(exc.body, specs)
            return await library_page(
                request, token, cid, uid, errors=errors, status_code=refused, **page
            )
        raise
    message = await _added_message(request, token, (cid, uid), str(answer.body["id"]), entry)
    if htmx:
        return await library_page(
            request, token, cid, uid, active=entry_id, added=message, fragment=True
        )
    flash(web_session(request), message)
    return RedirectResponse(f"{library_path(cid, uid)}#entree-{entry_id}", status_code=303)


async def _added_message(
    request: Request,
    token: str,
    ids: tuple[uuid.UUID, uuid.UUID],
    risk_id: str,
    entry: dict[str, Any],
) -> str:
    """« Le risque « Bruit » a été ajouté à l'unité : criticité … », the service's scores."""
    hazard = str(entry.get("hazard_display") or entry.get("hazard_code") or "")
    message = f"Le risque « {hazard} » a été ajouté à l'unité"
    try:
        duerp = await read_duerp(request, token, ids[0])
    except (ApiError, ServiceUnavailable):
        return message + "."
    unit = find_unit(duerp, str(ids[1]))
    summary = summary_of(duerp["method"], find_risk(unit, risk_id) if unit else None)
    return f"{message}{' : ' + summary if summary else ''}."
