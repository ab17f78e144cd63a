"""The pénibilité factors of a work unit: the ten factors in their three groups with the C2P
threshold in force for the year, the unit's assessments, and one page per factor to record it.

The factors, whether each has a C2P threshold, the company's proportion above it and every
judgement "above the threshold" come from the assessment's DUERP; the thresholds' texts and
their dates of force from the regional thesaurus. If the thesaurus does not answer, the page
still lists the factors and says the thresholds cannot be shown.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cosar_common import clock
from cosar_common.vocabulary import C2P_THRESHOLDS, FACTORS
from portal.auth.web import UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError, ServiceUnavailable
from portal.domain.forms import FormErrors, parse_form
from portal.domain.penibilite import (
    NO_C2P_THRESHOLD,
    PRORATED,
    YES_NO,
    FactorGroup,
    FactorRow,
    exposure_values,
    factor_form,
    factor_groups,
    find_factor,
    latest_published,
    line_options,
    penibilite_payload,
)
from portal.domain.risks import find_unit
from portal.pages.common import (
    SESSION_ENDED,
    flash,
    parse_id,
    refused_write,
    services,
    take_flash,
)
from portal.pages.errors import NOT_ACCESSIBLE, not_found
from portal.pages.rendering import render
from portal.pages.work_units import UNIT_GONE, api_path, read_duerp, unit_path

router = APIRouter(include_in_schema=False)

FACTOR_GONE = "Ce facteur de pénibilité n'existe pas."
THRESHOLDS_DOWN = (
    "Le référentiel des seuils C2P ne répond pas : les seuils ne peuvent pas être affichés pour "
    "l'instant. L'évaluation reste possible ; le service du document unique applique les seuils "
    "en vigueur."
)
FACTOR_CONFLICT = ["L'évaluation actuelle du facteur dans l'unité est rappelée sur la page."]


def penibilite_path(company_id: uuid.UUID, unit_id: uuid.UUID) -> str:
    return f"{unit_path(company_id, unit_id)}/penibilite"


async def published_concepts(request: Request, token: str, system: str) -> list[dict[str, Any]]:
    """The concepts of the last published version of ``system``, with their dated properties
    (raises ``ServiceUnavailable`` or ``ApiError`` when the thesaurus cannot give them)."""
    base = f"/code-systems/{quote(system, safe='')}"
    versions = await services(request).get("thesaurus", f"{base}/versions", token=token)
    version = latest_published(versions or [])
    if version is None:
        raise ServiceUnavailable("thesaurus", f"no published version of {system}")
    concepts: list[dict[str, Any]] = await services(request).get(
        "thesaurus",
        f"{base}/versions/{quote(version, safe='')}/concepts",
        token=token,
        params={"limit": 1000},
    )
    return concepts


async def _groups(
    request: Request, token: str, duerp: dict[str, Any], unit: dict[str, Any], year: int
) -> tuple[list[FactorGroup], str | None]:
    try:
        factors = await published_concepts(request, token, FACTORS)
        thresholds = await published_concepts(request, token, C2P_THRESHOLDS)
        problem = None
    except (ApiError, ServiceUnavailable):
        factors, thresholds, problem = [], [], THRESHOLDS_DOWN
    groups = factor_groups(
        duerp.get("penibilite_annex") or [],
        unit,
        factors=factors,
        thresholds=thresholds,
        year=year,
    )
    return groups, problem


def _base(
    duerp: dict[str, Any], unit: dict[str, Any], cid: uuid.UUID, uid: uuid.UUID
) -> dict[str, Any]:
    return {
        "company": duerp["company"],
        "duerp": duerp,
        "unit": unit,
        "unit_path": unit_path(cid, uid),
        "list_path": penibilite_path(cid, uid),
        "no_threshold": NO_C2P_THRESHOLD,
    }


def _ids(company_id: str, unit_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    company, unit = parse_id(company_id), parse_id(unit_id)
    return (company, unit) if company is not None and unit is not None else None


@router.get("/entreprises/{company_id}/unites/{unit_id}/penibilite")
async def penibilite_list(
    request: Request, company_id: str, unit_id: str, user: UserDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    duerp = await read_duerp(request, token, ids[0])
    unit = find_unit(duerp, str(ids[1]))
    if unit is None:
        return not_found(request, UNIT_GONE)
    year = clock.today().year
    groups, problem = await _groups(request, token, duerp, unit, year)
    return render(
        request,
        "penibilite.html",
        {
            **_base(duerp, unit, *ids),
            "title": f"Pénibilité — unité « {unit['name']} » — {duerp['company']['name']}",
            "groups": groups,
            "year": year,
            "prorated": PRORATED.format(year=year),
            "problem": problem,
            "notice": take_flash(web_session(request)),
        },
    )


async def factor_page(
    request: Request,
    token: str,
    ids: tuple[uuid.UUID, uuid.UUID],
    code: str,
    *,
    line: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    cid, uid = ids
    duerp = await read_duerp(request, token, cid)
    unit = find_unit(duerp, str(uid))
    if unit is None:
        return not_found(request, UNIT_GONE)
    year = clock.today().year
    groups, problem = await _groups(request, token, duerp, unit, year)
    row = find_factor(groups, code)
    if row is None:
        return not_found(request, FACTOR_GONE)
    path = f"{penibilite_path(cid, uid)}/{code}"
    notice = None
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    if values is None:
        values = exposure_values(row.exposure(line))
    specs = factor_form(row)
    group = next(g for g in groups if row in g.factors)
    return render(
        request,
        "penibilite_factor.html",
        {
            **_base(duerp, unit, cid, uid),
            "title": f"Évaluer « {row.display} » — unité « {unit['name']} »",
            "path": path,
            "group": group,
            "row": row,
            "year": year,
            "prorated": PRORATED.format(year=year),
            "problem": problem,
            "fields": {spec.name: spec for spec in specs},
            "line_options": line_options(row),
            "yes_no": YES_NO,
            "values": values,
            "errors": errors,
            "conflict": conflict,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/unites/{unit_id}/penibilite/{code}")
async def factor(
    request: Request, company_id: str, unit_id: str, code: str, user: UserDep, ligne: str = ""
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    return await factor_page(request, user.access_token, ids, code, line=ligne or None)


@router.post("/entreprises/{company_id}/unites/{unit_id}/penibilite/{code}")
async def record_factor(
    request: Request, company_id: str, unit_id: str, code: str, user: WriterDep
) -> Response:
    ids = _ids(company_id, unit_id)
    if ids is None:
        return not_found(request, NOT_ACCESSIBLE)
    cid, uid = ids
    token = user.access_token
    duerp = await read_duerp(request, token, cid)
    unit = find_unit(duerp, str(uid))
    if unit is None:
        return not_found(request, UNIT_GONE)
    groups, _ = await _groups(request, token, duerp, unit, clock.today().year)
    row = find_factor(groups, code)
    if row is None:
        return not_found(request, FACTOR_GONE)
    specs = factor_form(row)
    raw = await form_fields(request)
    values = {spec.name: raw.get(spec.name, "") for spec in specs}
    parsed, errors = parse_form(specs, raw)
    payload, more = penibilite_payload(row, parsed)
    for name, messages in more.fields.items():
        if name not in errors.fields:
            for message in messages:
                errors.add(name, message)
    if errors:
        return await factor_page(
            request, token, ids, code, values=values, errors=errors, status_code=422
        )
    try:
        await services(request).call(
            "assessment",
            "PUT",
            f"{api_path(cid)}/work-units/{uid}/penibilite",
            token=token,
            json=payload,
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:

        async def again(
            errors: FormErrors | None, conflict: dict[str, Any] | None, status: int
        ) -> Response:
            return await factor_page(
                request,
                token,
                ids,
                code,
                values=values,
                errors=errors,
                conflict=conflict,
                status_code=status,
            )

        return await refused_write(exc, specs, again, FACTOR_CONFLICT)
    message = await _recorded_message(request, token, ids, row, payload.get("threshold_code"))
    flash(web_session(request), message)
    return RedirectResponse(f"{penibilite_path(cid, uid)}#facteur-{code}", status_code=303)


async def _recorded_message(
    request: Request,
    token: str,
    ids: tuple[uuid.UUID, uuid.UUID],
    row: FactorRow,
    line: str | None,
) -> str:
    """« Le facteur « Travail de nuit » a été évalué : au-delà du seuil C2P. », as the
    assessment judged it."""
    message = f"Le facteur « {row.display} » a été évalué"
    try:
        duerp = await read_duerp(request, token, ids[0])
    except (ApiError, ServiceUnavailable):
        return message + "."
    unit = find_unit(duerp, str(ids[1])) or {}
    exposures = [
        e
        for e in unit.get("penibilite") or ()
        if str((e.get("factor") or {}).get("code")) == row.code
        and (line is None or e.get("threshold_code") == line)
    ]
    if not exposures or not row.has_c2p_threshold:
        return message + "."
    above = bool(exposures[0].get("above_threshold"))
    verdict = "au-delà du seuil C2P" if above else "en deçà du seuil C2P"
    return f"{message} : {verdict}."
