"""Adding a risk to a work unit; a risk's own page: editing it (situations, damages, existing
measures, exposed headcount, rating), its rating history, archiving it.

The scores saved are the assessment's: the DUERP is read again after the write and the flash
message quotes the risk's new ``rating`` as the service computed it. While the person changes
the form, htmx asks ``…/apercu`` for the estimate (``domain.risks.preview``, the method's own
data applied to the form); without JavaScript the service computes them on saving.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.forms import FormErrors, parse_form
from portal.domain.risks import (
    MEASURE_KINDS,
    MEASURES_FIELD,
    MEASURES_SHOWN,
    control_spec,
    criteria,
    edit_control_options,
    edit_form,
    edit_payload,
    edit_values,
    find_risk,
    find_unit,
    history_lines,
    measure_rows,
    parse_measures,
    preview,
    rating_payload,
    risk_form,
    risk_rows,
    saved_preview,
    summary_of,
)
from portal.pages.common import (
    SESSION_ENDED,
    flash,
    is_edit_conflict,
    parse_id,
    refused_write,
    services,
    take_flash,
)
from portal.pages.errors import NOT_ACCESSIBLE, not_found
from portal.pages.rendering import render
from portal.pages.work_units import UNIT_GONE, api_path, read_duerp, unit_page, unit_path

router = APIRouter(include_in_schema=False)

RISK_GONE = "Ce risque n'existe pas, a été archivé, ou ne vous est pas accessible."
RISK_CONFLICT = ["La liste des risques de l'unité ci-dessous montre son état actuel."]
RATING_CONFLICT = ["Le risque tel qu'il est maintenant enregistré est rappelé ci-dessous."]
HISTORY_DOWN = "L'historique des cotations n'a pas pu être lu ; rechargez la page pour réessayer."
Ids = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


def risk_path(ids: Ids) -> str:
    return f"{unit_path(ids[0], ids[1])}/risques/{ids[2]}"


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

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await unit_page(
                request,
                token,
                cid,
                uid,
                risk_values=values,
                risk_errors=errors,
                conflict=conflict,
                status_code=status,
            )

        return await refused_write(exc, specs, again, RISK_CONFLICT)
    method, risk = await _risk_after_write(request, token, cid, uid, str(answer.body["id"]))
    hazard = (risk or {}).get("hazard", {}).get("display", "")
    message = f"Le risque « {hazard} » a été ajouté" if hazard else "Le risque a été ajouté"
    summary = summary_of(method, risk)
    flash(web_session(request), f"{message}{' : ' + summary if summary else ''}.")
    return RedirectResponse(unit_path(cid, uid), status_code=303)


async def _history(request: Request, token: str, ids: Ids, method: dict[str, Any]) -> Any:
    """The risk's ratings, newest first; a French sentence instead if they cannot be read."""
    try:
        changes = await services(request).get(
            "assessment", f"{api_path(ids[0])}/risks/{ids[2]}/history", token=token
        )
    except (ApiError, ServiceUnavailable):
        return [], HISTORY_DOWN
    return history_lines(method, changes if isinstance(changes, list) else []), None


async def _risk_page(
    request: Request,
    token: str,
    ids: Ids,
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
    path = risk_path(ids)
    notice = take_flash(web_session(request))
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    method = duerp["method"]
    specs = edit_form(method)
    [row] = risk_rows(method, {"risks": [risk]})
    shown = values if values is not None else edit_values(method, risk)
    estimate = preview(method, shown) if values is not None else saved_preview(method, risk)
    history, history_error = await _history(request, token, ids, method)
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
            "control_options": edit_control_options(method),
            "measure_kinds": MEASURE_KINDS,
            "measure_rows": measure_rows(shown),
            "measures_field": MEASURES_FIELD,
            "measures_shown": MEASURES_SHOWN,
            "preview": estimate if estimate.complete else saved_preview(method, risk),
            "history": history,
            "history_error": history_error,
            "values": shown,
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


def _three(company_id: str, unit_id: str, risk_id: str) -> Ids | None:
    cid, uid, rid = parse_id(company_id), parse_id(unit_id), parse_id(risk_id)
    return None if cid is None or uid is None or rid is None else (cid, uid, rid)


RISK = "/entreprises/{company_id}/unites/{unit_id}/risques/{risk_id}"


@router.get(RISK)
async def risk_page(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: UserDep
) -> Response:
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await _risk_page(request, user.access_token, ids)


@router.post(RISK)
async def edit_risk(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: WriterDep
) -> Response:
    """Save the whole form: description, measures, headcount, rating (a new one in history)."""
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    cid, uid, rid = ids
    token = user.access_token
    duerp = await read_duerp(request, token, cid)
    method = duerp["method"]
    raw = await form_fields(request)
    values = {k: v for k, v in raw.items() if k not in ("csrf_token", "next", "lock_version")}
    parsed, errors = parse_form(edit_form(method), raw)
    measures, measure_errors, measure_specs = parse_measures(raw)
    for name, messages in measure_errors.fields.items():
        for message in messages:
            errors.add(name, message)
    if errors:
        return await _risk_page(request, token, ids, values=values, errors=errors, status_code=422)
    try:
        await services(request).call(
            "assessment",
            "PATCH",
            f"{api_path(cid)}/risks/{rid}",
            token=token,
            json=edit_payload(method, parsed, raw, measures),
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await _risk_page(
                request,
                token,
                ids,
                values=values,
                errors=errors,
                conflict=conflict,
                status_code=status,
            )

        specs = (*edit_form(method), *measure_specs)
        return await refused_write(exc, specs, again, RATING_CONFLICT)
    method, risk = await _risk_after_write(request, token, cid, uid, str(rid))
    hazard = (risk or {}).get("hazard", {}).get("display", "")
    summary = summary_of(method, risk)
    message = f"Le risque « {hazard} » a été recoté" if hazard else "Le risque a été recoté"
    flash(web_session(request), f"{message}{' : ' + summary if summary else ''}.")
    return RedirectResponse(unit_path(cid, uid), status_code=303)


@router.post(RISK + "/apercu")
async def rating_preview(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: WriterDep
) -> Response:
    """The scores the form would give, for htmx to show while the person changes it; nothing
    is saved (the method is the DUERP's, read with the person's token)."""
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    duerp = await read_duerp(request, user.access_token, ids[0])
    method = duerp["method"]
    estimate = preview(method, await form_fields(request))
    return render(request, "partials/risk_preview.html", {"preview": estimate, "method": method})


async def _archive_page(
    request: Request,
    token: str,
    ids: Ids,
    *,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp = await read_duerp(request, token, ids[0])
    unit = find_unit(duerp, str(ids[1]))
    risk = find_risk(unit, str(ids[2])) if unit else None
    if unit is None or risk is None:
        return not_found(request, RISK_GONE)
    [row] = risk_rows(duerp["method"], {"risks": [risk]})
    return render(
        request,
        "archive_risk.html",
        {
            "title": f"Archiver le risque « {row.hazard} »",
            "company": duerp["company"],
            "duerp": duerp,
            "unit": unit,
            "unit_path": unit_path(ids[0], ids[1]),
            "path": risk_path(ids),
            "row": row,
            "conflict": conflict,
        },
        status_code=status_code,
    )


@router.get(RISK + "/archiver")
async def confirm_archive_risk(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: UserDep
) -> Response:
    """The confirmation step, a page of its own: it works without JavaScript."""
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await _archive_page(request, user.access_token, ids)


@router.post(RISK + "/archiver")
async def archive_risk(
    request: Request, company_id: str, unit_id: str, risk_id: str, user: WriterDep
) -> Response:
    ids = _three(company_id, unit_id, risk_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    token = user.access_token
    try:
        await services(request).call(
            "assessment",
            "POST",
            f"{api_path(ids[0])}/risks/{ids[2]}/archive",
            token=token,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            conflict = {"current": RATING_CONFLICT}
            return await _archive_page(request, token, ids, conflict=conflict, status_code=409)
        raise
    hazard = raw.get("hazard", "")
    flash(
        web_session(request),
        f"Le risque « {hazard} » a été archivé : il ne figure plus dans le document unique en "
        "cours ; les versions déjà publiées le conservent."
        if hazard
        else "Le risque a été archivé.",
    )
    return RedirectResponse(unit_path(ids[0], ids[1]), status_code=303)
