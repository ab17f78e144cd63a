"""HTTP API of annual reports: draft, import the register, finalise, correct, render."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from cosar_common.concurrency import IfMatch, etag
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.errors import RuleViolation
from cosar_common.thesaurus_client import ThesaurusDep
from reporting.dependencies import ReportPrincipal, SettingsDep
from reporting.domain.figures import RateSettings
from reporting.establishments import service as establishments
from reporting.rendering import EXPORTERS
from reporting.reports import service
from reporting.reports.accident_import import RegisterRefused, parse_register
from reporting.reports.figures import figures_view
from reporting.reports.models import Report
from reporting.reports.schemas import ReportCreate, ReportSummary, ReportView, YearChain
from reporting.settings import ReportingSettings

router = APIRouter(tags=["bilans annuels"])

MAX_UPLOAD = 20 * 1024 * 1024


def rate_settings(settings: ReportingSettings) -> RateSettings:
    return RateSettings(
        minimum_hours=settings.minimum_hours, minimum_headcount=settings.minimum_headcount
    )


def summary(report: Report) -> ReportSummary:
    return ReportSummary(
        id=report.id,
        establishment_id=report.establishment_id,
        year=report.year,
        revision=report.revision,
        status=report.status,
        lock_version=report.lock_version,
        hash=report.content_hash,
        previous_hash=report.previous_hash,
        finalised_at=report.finalised_at,
    )


async def view_of(session: SessionDep, report: Report, settings: ReportingSettings) -> Response:
    _data, figures = await service.figures_of(session, report, rate_settings(settings))
    body = ReportView(
        **summary(report).model_dump(), input=report.input, figures=figures_view(figures)
    )
    return Response(
        body.model_dump_json(),
        media_type="application/json",
        headers={"ETag": etag(report.lock_version)},
    )


@router.post(
    "/establishments/{establishment_id}/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Créer le bilan d'une année (brouillon ; actions pré-remplies depuis le plan)",
)
async def create_report(
    establishment_id: uuid.UUID,
    data: ReportCreate,
    principal: ReportPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
) -> ReportSummary:
    establishment = await establishments.get(
        session, principal=principal, establishment_id=establishment_id
    )
    report = await service.create(
        session, principal=principal, establishment=establishment, data=data.input, client=client
    )
    return summary(report)


@router.get(
    "/establishments/{establishment_id}/reports", summary="Bilans et révisions d'un établissement"
)
async def list_reports(
    establishment_id: uuid.UUID, principal: ReportPrincipal, session: SessionDep
) -> list[ReportSummary]:
    await establishments.get(session, principal=principal, establishment_id=establishment_id)
    return [summary(r) for r in await service.reports_of(session, establishment_id)]


@router.get(
    "/establishments/{establishment_id}/reports/verify",
    summary="Vérifier la chaîne d'empreintes des révisions finalisées, année par année",
)
async def verify_reports(
    establishment_id: uuid.UUID, principal: ReportPrincipal, session: SessionDep
) -> list[YearChain]:
    await establishments.get(session, principal=principal, establishment_id=establishment_id)
    return service.verify_chains(await service.reports_of(session, establishment_id))


@router.get(
    "/reports/{report_id}", response_model=ReportView, summary="Lire un bilan et ses indicateurs"
)
async def read_report(
    report_id: uuid.UUID,
    principal: ReportPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    report = await service.get(session, principal=principal, report_id=report_id)
    return await view_of(session, report, settings)


@router.put("/reports/{report_id}/input", response_model=ReportView, summary="Remplacer la saisie")
async def replace_input(
    report_id: uuid.UUID,
    data: ReportCreate,
    principal: ReportPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    settings: SettingsDep,
    expected: IfMatch,
) -> Response:
    report = await service.get(session, principal=principal, report_id=report_id)
    await service.replace_input(
        session, report=report, data=data.input, expected=expected, client=client
    )
    return await view_of(session, report, settings)


@router.post(
    "/reports/{report_id}/accidents/import",
    response_model=ReportView,
    summary="Importer le registre des accidents (CSV ou XLSX) : tout ou rien",
)
async def import_register(
    report_id: uuid.UUID,
    principal: ReportPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    expected: IfMatch,
    file: Annotated[UploadFile, File()],
) -> Response:
    report = await service.get(session, principal=principal, report_id=report_id)
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise RuleViolation("Fichier trop volumineux (20 Mo au plus).", code="file_too_large")
    try:
        accidents = parse_register(content, filename=file.filename or "", year=report.year)
    except RegisterRefused as refused:
        raise RuleViolation(
            f"Registre refusé : {len(refused.errors)} erreur(s) ; rien n'a été importé.",
            code="register_refused",
            errors=[
                {"line": e.line, "field": e.field, "message": e.message} for e in refused.errors
            ],
        ) from None
    await service.replace_register(session, report=report, accidents=accidents, expected=expected)
    return await view_of(session, report, settings)


@router.post("/reports/{report_id}/finalise", summary="Finaliser (figé, empreinte, indicateurs)")
async def finalise(
    report_id: uuid.UUID,
    principal: ReportPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    outbox: OutboxDep,
    expected: IfMatch,
) -> ReportSummary:
    report = await service.get(session, principal=principal, report_id=report_id)
    establishment = await establishments.get(
        session, principal=principal, establishment_id=report.establishment_id
    )
    await service.finalise(
        session,
        principal=principal,
        report=report,
        establishment=establishment,
        expected=expected,
        settings=rate_settings(settings),
        outbox=outbox,
    )
    return summary(report)


@router.post(
    "/reports/{report_id}/corrections",
    status_code=status.HTTP_201_CREATED,
    summary="Corriger un bilan finalisé : nouvelle révision en brouillon",
)
async def correct(
    report_id: uuid.UUID, principal: ReportPrincipal, session: SessionDep
) -> ReportSummary:
    report = await service.get(session, principal=principal, report_id=report_id)
    return summary(await service.correct(session, principal=principal, report=report))


if TYPE_CHECKING:
    DocumentFormat = str
else:
    DocumentFormat = EXPORTERS.format_type()


@router.get(
    "/reports/{report_id}/document.{fmt}",
    summary=f"Le bilan mis en forme : {EXPORTERS.listed()}",
)
async def document(
    report_id: uuid.UUID,
    fmt: DocumentFormat,
    principal: ReportPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    rendered = await service.render_document(
        session, principal=principal, report_id=report_id, settings=rate_settings(settings), fmt=fmt
    )
    return rendered.response()
