"""The published versions of a company's DUERP: the list and its hash chain, the documents,
comparing two versions, and publishing the next one (after a confirmation page).

Every figure and sentence of substance is the assessment's (``assessment.api.versions``):
the chain is its ``/verify``, the differences its ``/diff``, the documents its exports, fetched
with the person's token and handed on by the portal (the token never reaches the browser).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cosar_common import clock
from cosar_common.documents import content_disposition
from portal.auth.web import User, UserDep, WriterDep, form_fields, pending_input, web_session
from portal.clients import ApiError
from portal.domain.checklist import UNCHANGED, ChecklistWarning, publish_checklist
from portal.domain.duerp import duerp_state
from portal.domain.forms import FormErrors, api_errors_to_form
from portal.domain.versions import (
    CSE_FORM,
    DOCUMENT_FORMATS,
    OPINION_CHOICES,
    chain_status,
    comparison,
    default_pair,
    diff_summary,
    document_filename,
    may_publish,
    may_record_consultation,
    parse_consultation,
    version_rows,
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

router = APIRouter(include_in_schema=False)

VERSION_GONE = "Cette version n'existe pas ou ne vous est pas accessible."
PUBLISH_CONFLICT = (
    "Le document unique a été modifié depuis que vous avez ouvert cette page. Vérifiez ce qui "
    "va être publié ci-dessous, puis confirmez à nouveau."
)


def versions_path(company_id: uuid.UUID) -> str:
    return f"/entreprises/{company_id}/versions"


def api_path(company_id: uuid.UUID) -> str:
    return f"/companies/{company_id}/duerp/versions"


def consultation_path(company_id: uuid.UUID, number: int) -> str:
    return f"{versions_path(company_id)}/{number}/consultation-cse"


async def _company_and_versions(
    request: Request, token: str, company_id: uuid.UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    api = services(request)
    company, versions = await asyncio.gather(
        api.get("assessment", f"/companies/{company_id}", token=token),
        api.get("assessment", api_path(company_id), token=token),
    )
    return company, versions


def _compare_form(numbers: list[int], old: int | None, new: int | None) -> dict[str, Any]:
    proposed = default_pair(numbers)
    return {
        "numbers": sorted(numbers, reverse=True),
        "old": old if old is not None else proposed[0],
        "new": new if new is not None else proposed[1],
    }


@router.get("/entreprises/{company_id}/versions")
async def versions_page(request: Request, company_id: str, user: UserDep) -> Response:
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    (company, versions), report = await asyncio.gather(
        _company_and_versions(request, token, parsed),
        services(request).get("assessment", f"{api_path(parsed)}/verify", token=token),
    )
    numbers = [int(v["number"]) for v in versions]
    return render(
        request,
        "versions.html",
        {
            "title": f"Versions publiées — {company['name']}",
            "company": company,
            "rows": version_rows(versions, username=user.username, name=user.name),
            "chain": chain_status(report),
            "formats": DOCUMENT_FORMATS,
            "compare": _compare_form(numbers, None, None),
            "may_publish": may_publish(user.roles),
            "may_record_consultation": may_record_consultation(user.roles),
            "path": versions_path(parsed),
            "notice": take_flash(web_session(request)),
        },
    )


@router.get("/entreprises/{company_id}/versions/comparer")
async def compare_versions(
    request: Request, company_id: str, user: UserDep, de: str | None = None, a: str | None = None
) -> Response:
    """A plain GET form: the two versions are in the address, it works without JavaScript."""
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    token = user.access_token
    company, versions = await _company_and_versions(request, token, parsed)
    numbers = [int(v["number"]) for v in versions]
    chosen = comparison(set(numbers), de, a)
    summary = None
    if chosen.ready:
        diff = await services(request).get(
            "assessment",
            f"{api_path(parsed)}/diff",
            token=token,
            params={"from": chosen.old, "to": chosen.new},
        )
        summary = diff_summary(diff)
    title = (
        f"Comparaison des versions {chosen.old} et {chosen.new}"
        if summary is not None
        else "Comparer deux versions"
    )
    return render(
        request,
        "compare_versions.html",
        {
            "title": f"{title} — {company['name']}",
            "heading": title,
            "company": company,
            "compare": _compare_form(numbers, chosen.old, chosen.new),
            "error": chosen.error,
            "summary": summary,
            "path": versions_path(parsed),
        },
        status_code=422 if chosen.error else 200,
    )


@router.get("/entreprises/{company_id}/versions/{number}/document.{fmt}")
async def version_document(
    request: Request, company_id: str, number: str, fmt: str, user: UserDep
) -> Response:
    """The assessment's export of one version, under a French file name."""
    parsed, version = parse_id(company_id), _version_number(number)
    if parsed is None or version is None or fmt not in DOCUMENT_FORMATS:
        return not_found(request, VERSION_GONE)
    api = services(request)
    token = user.access_token
    try:
        company, document = await asyncio.gather(
            api.get("assessment", f"/companies/{parsed}", token=token),
            api.fetch("assessment", f"{api_path(parsed)}/{version}/export.{fmt}", token=token),
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            return not_found(request, VERSION_GONE)
        raise
    filename = document_filename(str(company["name"]), version, fmt)
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-store",
        },
    )


async def _open_duerp(
    request: Request, user: User, company_id: uuid.UUID
) -> tuple[dict[str, Any], dict[str, Any]]:
    api = services(request)
    path = f"/companies/{company_id}/duerp"
    duerp, plan = await asyncio.gather(
        api.get("assessment", path, token=user.access_token),
        api.get("assessment", f"{path}/action-plan", token=user.access_token),
    )
    return duerp, plan


def _publish_page(
    request: Request,
    company_id: uuid.UUID,
    duerp: dict[str, Any],
    plan: dict[str, Any],
    *,
    refusal: str | None = None,
    conflict: bool = False,
    unconfirmed: list[ChecklistWarning] | None = None,
    confirmed: frozenset[str] = frozenset(),
    status_code: int = 200,
) -> Response:
    state = duerp_state(duerp, plan)
    number = (state.last_version or 0) + 1
    return render(
        request,
        "publish_version.html",
        {
            "title": f"Publier la version {number} — {duerp['company']['name']}",
            "company": duerp["company"],
            "duerp": duerp,
            "state": state,
            "number": number,
            "path": versions_path(company_id),
            "refusal": refusal,
            "conflict": PUBLISH_CONFLICT if conflict else None,
            "checklist": publish_checklist(duerp, clock.today()),
            "unconfirmed": unconfirmed or [],
            "confirmed": confirmed,
        },
        status_code=status_code,
    )


@router.get("/entreprises/{company_id}/versions/publier")
async def confirm_publish(request: Request, company_id: str, user: UserDep) -> Response:
    """The confirmation step, a page of its own (the checklist first): no JavaScript needed."""
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    duerp, plan = await _open_duerp(request, user, parsed)
    return _publish_page(request, parsed, duerp, plan)


@router.post("/entreprises/{company_id}/versions")
async def publish_version(request: Request, company_id: str, user: WriterDep) -> Response:
    """Publish once every warning of the checklist, computed again now, is confirmed."""
    parsed = parse_id(company_id)
    if parsed is None:
        return not_found(request, NOT_ACCESSIBLE)
    raw = await form_fields(request)
    duerp, plan = await _open_duerp(request, user, parsed)
    checklist = publish_checklist(duerp, clock.today())
    confirmed = checklist.confirmed(raw)
    missing = checklist.missing(raw)
    if missing:
        return _publish_page(
            request, parsed, duerp, plan, unconfirmed=missing, confirmed=confirmed, status_code=422
        )
    try:
        answer = await services(request).call(
            "assessment",
            "POST",
            api_path(parsed),
            token=user.access_token,
            json={"confirm_unchanged": UNCHANGED in confirmed},
            headers={"If-Match": raw.get("lock_version", "")},
        )
    except ApiError as exc:
        if is_edit_conflict(exc):
            duerp, plan = await _open_duerp(request, user, parsed)
            return _publish_page(request, parsed, duerp, plan, conflict=True, status_code=409)
        if exc.status in (409, 422, 428):
            # The service's own reason, in French: nothing changed, a risk to re-rate…
            return _publish_page(
                request,
                parsed,
                duerp,
                plan,
                refusal=exc.message,
                confirmed=confirmed,
                status_code=exc.status,
            )
        raise
    version = answer.body or {}
    rows = version_rows([version]) if version.get("published_at") else []
    when = f" le {rows[0].published_at}" if rows else ""
    flash(
        web_session(request),
        f"La version {version.get('number', '')} du document unique a été publiée{when}. "
        "Elle ne peut plus être modifiée ; elle reste consultable par les salariés, le CSE, le "
        "médecin du travail et l'inspection du travail.",
    )
    return RedirectResponse(versions_path(parsed), status_code=303)


async def _consultation_page(
    request: Request,
    user: User,
    company_id: uuid.UUID,
    number: int,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    company, versions = await _company_and_versions(request, user.access_token, company_id)
    found = [v for v in versions if int(v["number"]) == number]
    if not found:
        return not_found(request, VERSION_GONE)
    [row] = version_rows(found, username=user.username, name=user.name)
    path = consultation_path(company_id, number)
    notice = None
    kept = pending_input(request, path)
    if kept is not None and values is None:
        values, notice = kept, SESSION_ENDED
    return render(
        request,
        "cse_consultation.html",
        {
            "title": f"Consultation du CSE sur la version {number} — {company['name']}",
            "company": company,
            "version": row,
            "path": path,
            "versions_path": versions_path(company_id),
            "specs": {spec.name: spec for spec in CSE_FORM},
            "opinions": OPINION_CHOICES,
            "values": values or {},
            "errors": errors,
            "notice": notice,
            "today": clock.today().isoformat(),
        },
        status_code=status_code,
    )


def _version_number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else None


@router.get("/entreprises/{company_id}/versions/{number}/consultation-cse")
async def consultation_form(
    request: Request, company_id: str, number: str, user: UserDep
) -> Response:
    """The employee representative records the CSE's opinion on a version (L2312-27)."""
    parsed, version = parse_id(company_id), _version_number(number)
    if parsed is None or version is None or not may_record_consultation(user.roles):
        return not_found(request, VERSION_GONE)
    return await _consultation_page(request, user, parsed, version)


@router.post("/entreprises/{company_id}/versions/{number}/consultation-cse")
async def record_consultation(
    request: Request, company_id: str, number: str, user: WriterDep
) -> Response:
    parsed, version = parse_id(company_id), _version_number(number)
    if parsed is None or version is None or not may_record_consultation(user.roles):
        return not_found(request, VERSION_GONE)
    raw = await form_fields(request)
    payload, errors = parse_consultation(raw, today=clock.today())
    if errors:
        return await _consultation_page(
            request, user, parsed, version, values=raw, errors=errors, status_code=422
        )
    try:
        await services(request).call(
            "assessment",
            "POST",
            f"{api_path(parsed)}/{version}/cse-consultation",
            token=user.access_token,
            json=payload,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            return not_found(request, VERSION_GONE)
        if is_refused_input(exc):
            return await _consultation_page(
                request,
                user,
                parsed,
                version,
                values=raw,
                errors=api_errors_to_form(exc.body, CSE_FORM),
                status_code=exc.status,
            )
        raise
    flash(
        web_session(request),
        f"L'avis du CSE sur la version {version} a été enregistré. Il figure désormais dans les "
        "documents de cette version (PDF, tableurs), dont l'empreinte reste inchangée.",
    )
    return RedirectResponse(versions_path(parsed), status_code=303)
