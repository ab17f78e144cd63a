"""The employer's pages: their companies, and the DUERP of each (work units first)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.web import (
    User,
    UserDep,
    WriterDep,
    current_user,
    form_fields,
    pending_input,
    web_session,
)
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.duerp import duerp_state
from portal.domain.fiche import may_read_fiche
from portal.domain.forms import (
    WORK_UNIT_FORM,
    WORK_UNIT_KINDS,
    FormErrors,
    api_errors_to_form,
    parse_form,
)
from portal.domain.versions import may_publish
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

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request) -> Response:
    state = web_session(request)
    if not state.authenticated:
        return render(request, "welcome.html", {"title": "Accueil", "expired": state.expired})
    user = await current_user(request)
    api = services(request)
    companies = await api.get("assessment", "/companies", token=user.access_token)

    async def with_state(company: dict[str, Any]) -> dict[str, Any]:
        path = f"/companies/{company['id']}/duerp"
        try:
            duerp, plan = await asyncio.gather(
                api.get("assessment", path, token=user.access_token),
                api.get("assessment", f"{path}/action-plan", token=user.access_token),
            )
        except (ApiError, ServiceUnavailable):
            return {"company": company, "state": None}
        return {"company": company, "state": duerp_state(duerp, plan)}

    items = await asyncio.gather(*(with_state(c) for c in companies))
    return render(
        request, "home.html", {"title": "Mes entreprises", "nav": "home", "companies": items}
    )


async def _company_page(
    request: Request,
    user: User,
    company_id: uuid.UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    api = services(request)
    path = f"/companies/{company_id}/duerp"
    duerp, plan = await asyncio.gather(
        api.get("assessment", path, token=user.access_token),
        api.get("assessment", f"{path}/action-plan", token=user.access_token),
    )
    state = web_session(request)
    kept = pending_input(request, f"/entreprises/{company_id}")
    notice = take_flash(state)
    if kept is not None and values is None:
        values = kept
        notice = SESSION_ENDED
    if values is None:
        values = {}
    return render(
        request,
        "company.html",
        {
            "title": f"Document unique — {duerp['company']['name']}",
            "duerp": duerp,
            "state": duerp_state(duerp, plan),
            "kinds": WORK_UNIT_KINDS,
            "fields": {spec.name: spec for spec in WORK_UNIT_FORM},
            "values": values,
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
            "may_read_fiche": may_read_fiche(user.roles),
            "may_publish": may_publish(user.roles),
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}")
async def company(request: Request, company_id: str, user: UserDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await _company_page(request, user, parsed)


@router.post("/entreprises/{company_id}/unites")
async def add_work_unit(request: Request, company_id: str, user: WriterDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in WORK_UNIT_FORM}
    payload, errors = parse_form(WORK_UNIT_FORM, raw)
    if errors:
        return await _company_page(
            request, user, parsed, values=values, errors=errors, status_code=422
        )
    path = f"/companies/{parsed}/duerp"
    try:
        await services(request).call(
            "assessment",
            "POST",
            f"{path}/work-units",
            token=user.access_token,
            json=payload,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            return await _company_page(
                request,
                user,
                parsed,
                values=values,
                conflict=await _what_changed(request, user.access_token, parsed, raw),
                status_code=409,
            )
        if is_refused_input(exc):
            return await _company_page(
                request,
                user,
                parsed,
                values=values,
                errors=api_errors_to_form(exc.body, WORK_UNIT_FORM),
                status_code=422,
            )
        raise
    flash(web_session(request), f"L'unité « {payload['name']} » a été ajoutée.")
    return RedirectResponse(f"/entreprises/{parsed}", status_code=303)


async def _what_changed(
    request: Request, token: str, company_id: uuid.UUID, raw: dict[str, str]
) -> dict[str, Any]:
    """The units someone else added since the page was loaded (their ids were in the form)."""
    duerp = await services(request).get("assessment", f"/companies/{company_id}/duerp", token=token)
    seen = set(raw.get("seen_units", "").split(","))
    return {"new_units": [u["name"] for u in duerp["work_units"] if u["id"] not in seen]}
