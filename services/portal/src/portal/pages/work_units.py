"""A work unit's own page: its risks, adding one (hazard from the thesaurus), editing the unit,
archiving it.

The page is re-read from the assessment on every render, so the ``lock_version`` in its forms is
the current one: after a 409 the person's input is shown again with the new lock, and saving
again goes through. The hazard search is a GET form (no JavaScript); with htmx the same results
come as a fragment while the person types (``/dangers``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cosar_common.vocabulary import DANGERS
from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.forms import (
    WORK_UNIT_FORM,
    WORK_UNIT_KINDS,
    FieldSpec,
    FormErrors,
    parse_form,
)
from portal.domain.risks import (
    HazardChoice,
    control_options,
    control_spec,
    criteria,
    find_unit,
    hazard_choices,
    hazard_search_params,
    risk_form,
    risk_rows,
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

router = APIRouter(include_in_schema=False)

UNIT_GONE = "Cette unité de travail n'existe pas, a été archivée, ou ne vous est pas accessible."
UNIT_FORM_NAME, RISK_FORM_NAME = "unite", "risque"
SEARCH_DOWN = "La recherche dans le référentiel des dangers ne répond pas ; réessayez."


def unit_path(company_id: uuid.UUID, unit_id: uuid.UUID) -> str:
    return f"/entreprises/{company_id}/unites/{unit_id}"


def api_path(company_id: uuid.UUID) -> str:
    return f"/companies/{company_id}/duerp"


async def read_duerp(request: Request, token: str, company_id: uuid.UUID) -> dict[str, Any]:
    duerp: dict[str, Any] = await services(request).get(
        "assessment", api_path(company_id), token=token
    )
    return duerp


async def search_hazards(
    request: Request, token: str, text: str
) -> tuple[list[HazardChoice], str | None]:
    """The thesaurus' hazards matching ``text``, or the French reason there are none."""
    try:
        page = await services(request).get(
            "thesaurus", "/search", token=token, params=hazard_search_params(text)
        )
    except ApiError as exc:
        return [], exc.message
    except ServiceUnavailable:
        return [], SEARCH_DOWN
    return hazard_choices(page), None


async def hazard_named(request: Request, token: str, code: str) -> HazardChoice:
    """The hazard already chosen, with its label, to show it chosen again."""
    path = f"/code-systems/{DANGERS}/concepts/{quote(code, safe='')}"
    try:
        concept = await services(request).get("thesaurus", path, token=token)
    except (ApiError, ServiceUnavailable):
        return HazardChoice(code, code)
    return HazardChoice(code, str(concept.get("display") or code))


def _unit_values(unit: dict[str, Any]) -> dict[str, str]:
    return {spec.name: str(unit.get(spec.name, "")) for spec in WORK_UNIT_FORM}


async def unit_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    unit_id: uuid.UUID,
    *,
    unit_values: dict[str, Any] | None = None,
    unit_errors: FormErrors | None = None,
    risk_values: dict[str, Any] | None = None,
    risk_errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp = await read_duerp(request, token, company_id)
    unit = find_unit(duerp, str(unit_id))
    if unit is None:
        return not_found(request, UNIT_GONE)
    path = unit_path(company_id, unit_id)
    notice = take_flash(web_session(request))
    kept = pending_input(request, path)
    if kept is not None:
        which = kept.pop("form", "")
        if which == RISK_FORM_NAME and risk_values is None:
            risk_values = kept
        elif which == UNIT_FORM_NAME and unit_values is None:
            unit_values = kept
        notice = SESSION_ENDED
    risk_values = risk_values or {}
    query = request.query_params.get("q", "").strip() if request.method == "GET" else ""
    hazards, search_error = await search_hazards(request, token, query) if query else ([], None)
    chosen = str(risk_values.get("hazard_code") or "")
    if chosen and chosen not in {h.code for h in hazards}:
        hazards.insert(0, await hazard_named(request, token, chosen))
    method = duerp["method"]
    specs = risk_form(method)
    return render(
        request,
        "work_unit.html",
        {
            "title": f"Unité de travail « {unit['name']} » — {duerp['company']['name']}",
            "company": duerp["company"],
            "duerp": duerp,
            "unit": unit,
            "path": path,
            "method": method,
            "rows": risk_rows(method, unit),
            "kinds": WORK_UNIT_KINDS,
            "unit_fields": {spec.name: spec for spec in WORK_UNIT_FORM},
            "unit_values": unit_values if unit_values is not None else _unit_values(unit),
            "unit_errors": unit_errors,
            "risk_fields": {spec.name: spec for spec in specs},
            "criteria": criteria(method),
            "control": control_spec(method),
            "control_options": control_options(method),
            "risk_values": risk_values,
            "risk_errors": risk_errors,
            "query": query,
            "hazards": hazards,
            "search_error": search_error,
            "chosen": chosen,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


def _ids(company_id: str, unit_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    company, unit = parse_id(company_id), parse_id(unit_id)
    return (company, unit) if company is not None and unit is not None else None


@router.get("/entreprises/{company_id}/unites/{unit_id}")
async def work_unit(request: Request, company_id: str, unit_id: str, user: UserDep) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await unit_page(request, user.access_token, *ids)


@router.get("/entreprises/{company_id}/unites/{unit_id}/dangers")
async def hazard_results(
    request: Request, company_id: str, unit_id: str, user: UserDep, q: str = ""
) -> Response:
    """The search results alone, for htmx to put in the form while the person types."""
    if _ids(company_id, unit_id) is None:
        return not_found(request, NOT_ACCESSIBLE)
    query = q.strip()
    hazards, error = (
        await search_hazards(request, user.access_token, query) if query else ([], None)
    )
    return render(
        request,
        "partials/hazards.html",
        {"hazards": hazards, "query": query, "search_error": error, "chosen": ""},
    )


def unit_now(unit: dict[str, Any] | None) -> list[str]:
    """What the unit is now, for the conflict block (someone else may have changed it)."""
    if unit is None:
        return ["L'unité a été archivée entre-temps."]
    kind = WORK_UNIT_KINDS.get(str(unit.get("kind")), (str(unit.get("kind")), ""))[0]
    return [
        f"Nom : {unit['name']}",
        f"Type : {kind}",
        f"Effectif : {unit['headcount']}",
        f"Description : {unit.get('description') or '(aucune)'}",
    ]


def _unit_now(
    request: Request, token: str, company_id: uuid.UUID, unit_id: uuid.UUID
) -> Callable[[], Awaitable[list[str]]]:
    """What the unit is now, read again when a write meets a conflict."""

    async def lines() -> list[str]:
        return unit_now(find_unit(await read_duerp(request, token, company_id), str(unit_id)))

    return lines


@router.post("/entreprises/{company_id}/unites/{unit_id}")
async def edit_work_unit(
    request: Request, company_id: str, unit_id: str, user: WriterDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in WORK_UNIT_FORM}
    payload, errors = parse_form(WORK_UNIT_FORM, raw)
    token = user.access_token
    if errors:
        return await unit_page(
            request, token, *ids, unit_values=values, unit_errors=errors, status_code=422
        )
    try:
        await services(request).call(
            "assessment",
            "PATCH",
            f"{api_path(ids[0])}/work-units/{ids[1]}",
            token=token,
            json=payload,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await unit_page(
                request,
                token,
                *ids,
                unit_values=values,
                unit_errors=errors,
                conflict=conflict,
                status_code=status,
            )

        return await refused_write(exc, WORK_UNIT_FORM, again, _unit_now(request, token, *ids))
    flash(web_session(request), f"L'unité « {payload['name']} » a été modifiée.")
    return RedirectResponse(unit_path(*ids), status_code=303)


async def _archive_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    unit_id: uuid.UUID,
    *,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp = await read_duerp(request, token, company_id)
    unit = find_unit(duerp, str(unit_id))
    if unit is None:
        return not_found(request, UNIT_GONE)
    return render(
        request,
        "archive_unit.html",
        {
            "title": f"Archiver l'unité « {unit['name']} »",
            "company": duerp["company"],
            "duerp": duerp,
            "unit": unit,
            "path": unit_path(company_id, unit_id),
            "conflict": conflict,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/unites/{unit_id}/archiver")
async def confirm_archive(
    request: Request, company_id: str, unit_id: str, user: UserDep
) -> Response:
    """The confirmation step, a page of its own: it works without JavaScript."""
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await _archive_page(request, user.access_token, *ids)


@router.post("/entreprises/{company_id}/unites/{unit_id}/archiver")
async def archive_work_unit(
    request: Request, company_id: str, unit_id: str, user: WriterDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    token = user.access_token
    name = raw.get("unit_name", "")
    try:
        await services(request).call(
            "assessment",
            "POST",
            f"{api_path(ids[0])}/work-units/{ids[1]}/archive",
            token=token,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            conflict = {"current": await _unit_now(request, token, *ids)()}
            return await _archive_page(request, token, *ids, conflict=conflict, status_code=409)
        raise
    flash(
        web_session(request),
        f"L'unité « {name} » a été archivée : elle ne figure plus dans le document unique en "
        "cours ; les versions déjà publiées la conservent."
        if name
        else "L'unité a été archivée.",
    )
    return RedirectResponse(f"/entreprises/{ids[0]}", status_code=303)


COPY_FORM: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Nom de la nouvelle unité", required=True, max_length=200),
)


async def _copy_page(
    request: Request,
    token: str,
    company_id: uuid.UUID,
    unit_id: uuid.UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    duerp = await read_duerp(request, token, company_id)
    unit = find_unit(duerp, str(unit_id))
    if unit is None:
        return not_found(request, UNIT_GONE)
    path = unit_path(company_id, unit_id)
    kept = pending_input(request, f"{path}/copier")
    notice = None
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    return render(
        request,
        "copy_unit.html",
        {
            "title": f"Copier l'unité « {unit['name']} »",
            "company": duerp["company"],
            "duerp": duerp,
            "unit": unit,
            "path": path,
            "fields": {spec.name: spec for spec in COPY_FORM},
            "values": values if values is not None else {"name": f"{unit['name']} (copie)"},
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/unites/{unit_id}/copier")
async def copy_form(request: Request, company_id: str, unit_id: str, user: UserDep) -> Response:
    """The new unit's name, asked on a page of its own (no JavaScript needed)."""
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await _copy_page(request, user.access_token, *ids)


@router.post("/entreprises/{company_id}/unites/{unit_id}/copier")
async def copy_work_unit(
    request: Request, company_id: str, unit_id: str, user: WriterDep
) -> Response:
    """A new unit with the same description, risks (ratings included) and pénibilité; the
    person lands on it, to adapt what differs."""
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in COPY_FORM}
    payload, errors = parse_form(COPY_FORM, raw)
    token = user.access_token
    if errors:
        return await _copy_page(request, token, *ids, values=values, errors=errors, status_code=422)
    try:
        answer = await services(request).call(
            "assessment",
            "POST",
            f"{api_path(ids[0])}/work-units/{ids[1]}/copy",
            token=token,
            params={"name": payload["name"]},  # the API takes the name in the query
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await _copy_page(
                request,
                token,
                *ids,
                values=values,
                errors=errors,
                conflict=conflict,
                status_code=status,
            )

        return await refused_write(exc, COPY_FORM, again, _unit_now(request, token, *ids))
    new_id = parse_id(str((answer.body or {}).get("id", "")))
    flash(
        web_session(request),
        f"L'unité « {payload['name']} » a été créée, avec une copie des risques et de leur "
        "cotation : adaptez ce qui diffère.",
    )
    target = unit_path(ids[0], new_id) if new_id is not None else f"/entreprises/{ids[0]}"
    return RedirectResponse(target, status_code=303)
