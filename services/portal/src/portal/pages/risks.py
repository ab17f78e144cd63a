"""Adding a risk to a work unit, and re-rating one (its own page).

The scores shown after a change are the assessment's: the DUERP is read again after the write
and the flash message quotes the risk's new ``rating`` as the service computed it.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.forms import FormErrors, api_errors_to_form, parse_form
from portal.domain.risks import (
    control_options,
    control_spec,
    criteria,
    find_risk,
    find_unit,
    rating_payload,
    rating_values,
    rerate_form,
    risk_form,
    risk_rows,
    summary_of,
)
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
from portal.pages.work_units import UNIT_GONE, api_path, read_duerp, unit_page, unit_path

router = APIRouter(include_in_schema=False)

RISK_GONE = "Ce risque n'existe pas, a été archivé, ou ne vous est pas accessible."
RISK_CONFLICT = ["La liste des risques de l'unité ci-dessous montre son état actuel."]


async def _risk_after_write(
    request: Request, token: str, company_id: uuid.UUID, unit_id: uuid.UUID, risk_id: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The method and the risk as the service now has them (None if they cannot be read)."""
    try:
        duerp = await read_duerp(request, token, company_id)
    except (ApiError, ServiceUnavailable):
        return {}, None
    unit = find_unit(duerp, str(unit_id))
    return duerp["method"], find_risk(unit, risk_id) if unit else None


@router.post("/entreprises/{company_id}/unites/{unit_id}/risques")
async def add_risk(request: Request, company_id: str, unit_id: str, user: WriterDep) -> Response:
    cid, uid = parse_id(company_id), parse_id(unit_id)
    if cid is None or uid is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    duerp = await read_duerp(request, token, cid)
    if find_unit(duerp, str(uid)) is None:
        return not_found(request, UNIT_GONE)
    method = duerp["method"]
    specs = risk_form(method)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in specs}
    parsed, errors = parse_form(specs, raw)
    if errors:
        return await unit_page(
            request, token, cid, uid, risk_values=values, risk_errors=errors, status_code=422
        )
    try:
        answer = await services(request).call(
            "assessment",
            "POST",
            f"{api_path(cid)}/work-units/{uid}/risks",
            token=token,
            json=rating_payload(method, parsed),
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            conflict = {"current": RISK_CONFLICT}
            return await unit_page(
                request, token, cid, uid, risk_values=values, conflict=conflict, status_code=409
            )
        if is_refused_input(exc):
            errors = api_errors_to_form(exc.body, specs)
            return await unit_page(
                request, token, cid, uid, risk_values=values, risk_errors=errors, status_code=422
            )
        raise
    method, risk = await _risk_after_write(request, token, cid, uid, str(answer.body["id"]))
    hazard = (risk or {}).get("hazard", {}).get("display", "")
    message = f"Le risque « {hazard} » a été ajouté" if hazard else "Le risque a été ajouté"
    summary = summary_of(method, risk)
    flash(web_session(request), f"{message}{' : ' + summary if summary else ''}.")
    return RedirectResponse(unit_path(cid, uid), status_code=303)


async def _risk_page(
    request: Request,
    token: str,
    ids: tuple[uuid.UUID, uuid.UUID, uuid.UUID],
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    cid, uid, rid = ids
    duerp = await read_duerp(request, token, cid)
    unit = find_unit(duerp, str(uid))
    risk = find_risk(unit, str(rid)) if unit else None
    if unit is None or risk is None:
        return not_found(request, RISK_GONE)
    path = f"{unit_path(cid, uid)}/risques/{rid}"
    notice = take_flash(web_session(request))
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    method = duerp["method"]
    specs = rerate_form(method)
    [row] = risk_rows(method, {"risks": [risk]})
    return render(
        request,
        "risk.html",
        {
            "title": f"Recoter le risque « {row.hazard} » — {unit['name']}",
            "company": duerp["company"],
            "duerp": duerp,
            "unit": unit,
            "unit_path": unit_path(cid, uid),
            "path": path,
            "risk": risk,
            "row": row,
            "method": method,
            "fields": {spec.name: spec for spec in specs},
            "criteria": criteria(method),
            "control": control_spec(method),
            "control_options": control_options(method),
            "values": values if values is not None else rating_values(risk),
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


def _three(company_id: str, unit_id: str, risk_id: str) -> tuple[uuid.UUID, ...] | None:
    ids = (parse_id(company_id), parse_id(unit_id), parse_id(risk_id))
    return None if any(i is None for i in ids) else tuple(i for i in ids if i is not None)


@router.get("/entreprises/{company_id}/unites/{unit_id}/risques/{risk_id}")
async def risk_page(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: UserDep
) -> Response:
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    cid, uid, rid = ids
    return await _risk_page(request, user.access_token, (cid, uid, rid))


@router.post("/entreprises/{company_id}/unites/{unit_id}/risques/{risk_id}")
async def rerate_risk(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: WriterDep
) -> Response:
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    cid, uid, rid = ids
    token = user.access_token
    duerp = await read_duerp(request, token, cid)
    method = duerp["method"]
    specs = rerate_form(method)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in specs}
    parsed, errors = parse_form(specs, raw)
    page_ids = (cid, uid, rid)
    if errors:
        return await _risk_page(
            request, token, page_ids, values=values, errors=errors, status_code=422
        )
    try:
        await services(request).call(
            "assessment",
            "PATCH",
            f"{api_path(cid)}/risks/{rid}",
            token=token,
            json=rating_payload(method, parsed),
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            conflict = {"current": ["La cotation actuelle du risque est rappelée ci-dessous."]}
            return await _risk_page(
                request, token, page_ids, values=values, conflict=conflict, status_code=409
            )
        if is_refused_input(exc):
            errors = api_errors_to_form(exc.body, specs)
            return await _risk_page(
                request, token, page_ids, values=values, errors=errors, status_code=422
            )
        raise
    method, risk = await _risk_after_write(request, token, cid, uid, str(rid))
    hazard = (risk or {}).get("hazard", {}).get("display", "")
    summary = summary_of(method, risk)
    message = f"Le risque « {hazard} » a été recoté" if hazard else "Le risque a été recoté"
    flash(web_session(request), f"{message}{' : ' + summary if summary else ''}.")
    return RedirectResponse(unit_path(cid, uid), status_code=303)
