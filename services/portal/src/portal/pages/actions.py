"""A company's action plan: PAPRIPACT from 50 employees, a list below; adding an action to a
risk; editing an action; changing its status, and the invitation to re-rate a risk once its
action is done.

What is overdue comes from the assessment (its ``overdue`` list, dated by the platform's clock).
Every form works without JavaScript (a POST, then a redirect to the plan); with htmx the status
form swaps its own action only. htmx does not swap a 4xx answer, so to htmx a refused change
comes back as 200 with the row showing the French messages and what the person chose; without
JavaScript the same refusal is the whole page with 422 or 409.

After any change the lock of the DUERP moves: the answer to htmx also updates, out of band, the
``lock_version`` of every other action's form and the overdue count, so the next change from
the same page goes through.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError
from portal.domain.actions import (
    ACTION_FORM,
    EDIT_FORM,
    MEASURE_KINDS,
    STATUS_FORM,
    STATUS_LABELS,
    ActionPlan,
    action_now,
    action_plan,
    edit_values,
    find_action,
    overdue_sentence,
    parse_action_form,
    parse_edit_form,
    parse_status_form,
    rerating_sentence,
    risk_options,
    risk_refs,
    status_message,
)
from portal.domain.forms import FormErrors
from portal.pages.common import (
    SESSION_ENDED,
    flash,
    parse_id,
    refused_write,
    services,
    take_flash,
)
from portal.pages.errors import NOT_ACCESSIBLE, not_found
from portal.pages.rendering import fr_date, render

router = APIRouter(include_in_schema=False)

ACTION_GONE = "Cette action n'existe pas ou ne vous est pas accessible."
PLAN_CONFLICT = [
    "Le plan d'action ci-dessous montre son état actuel ; votre choix est conservé dans le "
    "formulaire de l'action."
]
NEW_CONFLICT = ["Vérifiez le risque choisi : la liste des risques a pu changer."]


def plan_path(company_id: uuid.UUID) -> str:
    return f"/entreprises/{company_id}/actions"


def api_path(company_id: uuid.UUID) -> str:
    return f"/companies/{company_id}/duerp"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def read_plan(
    request: Request, token: str, company_id: uuid.UUID
) -> tuple[dict[str, Any], ActionPlan]:
    """The open DUERP (its lock, its risks) and the plan as the assessment computes it."""
    api = services(request)
    duerp, plan = await asyncio.gather(
        api.get("assessment", api_path(company_id), token=token),
        api.get("assessment", f"{api_path(company_id)}/action-plan", token=token),
    )
    return duerp, action_plan(plan, duerp)


def _page_context(company_id: uuid.UUID, duerp: dict[str, Any], plan: ActionPlan) -> dict[str, Any]:
    return {
        "company": duerp["company"],
        "duerp": duerp,
        "plan": plan,
        "path": plan_path(company_id),
        "statuses": STATUS_LABELS,
        "status_fields": {spec.name: spec for spec in STATUS_FORM},
        "overdue": overdue_sentence(plan.overdue_count),
        "rerating_sentence": rerating_sentence,
    }


async def plan_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    *,
    row_id: str | None = None,
    row_values: dict[str, str] | None = None,
    row_errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp, plan = await read_plan(request, token, company_id)
    notice = take_flash(web_session(request))
    kept = pending_input(request, plan_path(company_id))
    if kept is not None and row_values is None and kept.get("action_id"):
        row_id, row_values, notice = str(kept["action_id"]), kept, SESSION_ENDED
    return render(
        request,
        "action_plan.html",
        {
            **_page_context(company_id, duerp, plan),
            "title": f"{plan.title} — {duerp['company']['name']}",
            "notice": notice,
            "row_id": row_id,
            "row_values": row_values or {},
            "row_errors": row_errors,
            "conflict": conflict,
        },
        status_code=status_code,
    )


async def row_fragment(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    action_id: str,
    *,
    row_values: dict[str, str] | None = None,
    row_errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    changed: bool = False,
) -> Response:
    """The action alone, for htmx, with the new lock and overdue count out of band; once
    changed, what happened is announced (and, for a done action, the invitation to re-rate)."""
    duerp, plan = await read_plan(request, token, company_id)
    row = find_action(plan, action_id)
    if row is None:
        return not_found(request, ACTION_GONE)
    announce = status_message(row) if changed else ""
    if changed and row.asks_rerating and row.risk is not None:
        announce += " " + rerating_sentence(row.risk)
    return render(
        request,
        "partials/action_fragment.html",
        {
            **_page_context(company_id, duerp, plan),
            "row": row,
            "row_id": action_id,
            "row_values": row_values or {},
            "row_errors": row_errors,
            "conflict": conflict,
            "announce": announce,
        },
    )


async def patch_action(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    action_id: uuid.UUID,
    payload: dict[str, Any],
    raw: dict[str, str],
) -> None:
    """``ActionUpdate`` of one action, under the lock the form was read with."""
    await services(request).call(
        "assessment",
        "PATCH",
        f"{api_path(company_id)}/actions/{action_id}",
        token=token,
        json=payload,
        headers={"If-Match": raw.get("lock_version", "")},
    )


@router.get("/entreprises/{company_id}/actions")
async def action_plan_page(request: Request, company_id: str, user: UserDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await plan_page(request, user.access_token, parsed)


@router.post("/entreprises/{company_id}/actions/{action_id}/statut")
async def change_status(
    request: Request, company_id: str, action_id: str, user: WriterDep
) -> Response:
    cid, aid = parse_id(company_id), parse_id(action_id)
    if cid is None or aid is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in STATUS_FORM}
    payload, errors = parse_status_form(raw)
    token, htmx = user.access_token, is_htmx(request)

    async def again(
        errors: FormErrors | None, conflict: dict[str, Any] | None, status_code: int
    ) -> Response:
        if htmx:
            return await row_fragment(
                request,
                token,
                cid,
                str(aid),
                row_values=values,
                row_errors=errors,
                conflict=conflict,
            )
        return await plan_page(
            request,
            token,
            cid,
            row_id=str(aid),
            row_values=values,
            row_errors=errors,
            conflict=conflict,
            status_code=status_code,
        )

    if errors:
        return await again(errors, None, 422)
    try:
        await patch_action(request, token, cid, aid, payload, raw)
    except ApiError as exc:
        return await refused_write(exc, STATUS_FORM, again, PLAN_CONFLICT)
    if htmx:
        return await row_fragment(request, token, cid, str(aid), changed=True)
    _, plan = await read_plan(request, token, cid)
    flash(web_session(request), status_message(find_action(plan, str(aid))))
    return RedirectResponse(f"{plan_path(cid)}#action-{aid}", status_code=303)


async def new_action_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp: dict[str, Any] = await services(request).get(
        "assessment", api_path(company_id), token=token
    )
    risks = risk_refs(duerp)
    path = f"{plan_path(company_id)}/new"
    notice = None
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    if values is None:
        chosen = request.query_params.get("risk", "")
        values = {"risk_id": chosen if chosen in risks else ""}
    risk = risks.get(values.get("risk_id", ""))
    return render(
        request,
        "action_form.html",
        {
            "action": None,
            "action_url": plan_path(company_id),
            "title": (
                f"Ajouter une action sur le risque « {risk.hazard} » — {risk.unit_name}"
                if risk
                else f"Ajouter une action au plan — {duerp['company']['name']}"
            ),
            "company": duerp["company"],
            "duerp": duerp,
            "path": path,
            "plan_path": plan_path(company_id),
            "risk": risk,
            "risk_options": risk_options(risks),
            "measure_kinds": MEASURE_KINDS,
            "fields": {spec.name: spec for spec in ACTION_FORM},
            "values": values,
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/actions/new")
async def new_action(request: Request, company_id: str, user: UserDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await new_action_page(request, user.access_token, parsed)


@router.post("/entreprises/{company_id}/actions")
async def add_action(request: Request, company_id: str, user: WriterDep) -> Response:
    cid = parse_id(company_id)
    if cid is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in ACTION_FORM}
    duerp = await services(request).get("assessment", api_path(cid), token=token)
    payload, errors = parse_action_form(raw, list(risk_refs(duerp)))
    if errors:
        return await new_action_page(
            request, token, cid, values=values, errors=errors, status_code=422
        )
    try:
        answer = await services(request).call(
            "assessment",
            "POST",
            f"{api_path(cid)}/actions",
            token=token,
            json=payload,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await new_action_page(
                request,
                token,
                cid,
                values=values,
                errors=errors,
                conflict=conflict,
                status_code=status,
            )

        return await refused_write(exc, ACTION_FORM, again, NEW_CONFLICT)
    action = answer.body if isinstance(answer.body, dict) else {}
    deadline = action.get("deadline")
    flash(
        web_session(request),
        f"L'action « {payload['title']} » a été ajoutée au plan"
        + (f", échéance le {fr_date(deadline)}." if deadline else "."),
    )
    anchor = f"#action-{action['id']}" if action.get("id") else ""
    return RedirectResponse(f"{plan_path(cid)}{anchor}", status_code=303)


def edit_path(company_id: uuid.UUID, action_id: uuid.UUID) -> str:
    return f"{plan_path(company_id)}/{action_id}/modifier"


async def edit_action_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    action_id: uuid.UUID,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The form of one action, filled with what it holds (or with what the person typed)."""
    duerp, plan = await read_plan(request, token, company_id)
    row = find_action(plan, str(action_id))
    if row is None:
        return not_found(request, ACTION_GONE)
    path = edit_path(company_id, action_id)
    notice = None
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    return render(
        request,
        "action_form.html",
        {
            "title": f"Modifier l'action « {row.title} » — {duerp['company']['name']}",
            "action": row,
            "action_url": path,
            "company": duerp["company"],
            "duerp": duerp,
            "path": path,
            "plan_path": plan_path(company_id),
            "fields": {spec.name: spec for spec in EDIT_FORM},
            "values": values if values is not None else edit_values(row),
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/actions/{action_id}/modifier")
async def edit_action(request: Request, company_id: str, action_id: str, user: UserDep) -> Response:
    cid, aid = parse_id(company_id), parse_id(action_id)
    if cid is None or aid is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await edit_action_page(request, user.access_token, cid, aid)


@router.post("/entreprises/{company_id}/actions/{action_id}/modifier")
async def save_action(
    request: Request, company_id: str, action_id: str, user: WriterDep
) -> Response:
    cid, aid = parse_id(company_id), parse_id(action_id)
    if cid is None or aid is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in EDIT_FORM}

    async def again(
        errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
    ) -> Response:
        return await edit_action_page(
            request,
            token,
            cid,
            aid,
            values=values,
            errors=errors,
            conflict=conflict,
            status_code=status,
        )

    payload, errors = parse_edit_form(raw)
    if errors:
        return await again(errors, None, 422)
    try:
        await patch_action(request, token, cid, aid, payload, raw)
    except ApiError as exc:

        async def current() -> list[str]:
            _, plan = await read_plan(request, token, cid)
            row = find_action(plan, str(aid))
            return action_now(row) if row else [ACTION_GONE]

        return await refused_write(exc, EDIT_FORM, again, current)
    flash(web_session(request), f"L'action « {payload['title']} » a été enregistrée.")
    return RedirectResponse(f"{plan_path(cid)}#action-{aid}", status_code=303)
