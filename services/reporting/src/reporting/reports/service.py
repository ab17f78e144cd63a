"""Use cases of annual reports: draft, import the register, finalise, correct.

A report revision is edited while it is a draft (optimistic lock through ``If-Match``);
finalising freezes input and figures as canonical JSON with its SHA-256, chained to the
previous revision of the same establishment and year, and puts the aggregates in the outbox
in the same transaction. A correction is a new draft revision; a finalised one never changes.
Any revision renders as a document (``EXPORTERS``: HTML page, PDF, ODT).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common import clock, vocabulary
from cosar_common.auth import Principal
from cosar_common.concurrency import take_lock
from cosar_common.documents import Document
from cosar_common.errors import Conflict, NotFound, RuleViolation
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.outbox import OutboxWriter
from cosar_common.integrity import StoredLink, build_link, verify_chain
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from reporting.actions.service import actions_of_year, as_programme_actions
from reporting.domain.computations import year_figures
from reporting.domain.figures import RateSettings
from reporting.domain.report import ReportInput, parse_report_input
from reporting.domain.report_figures import ReportFigures, compute_report
from reporting.domain.validation import ReportInputError
from reporting.domain.vocabulary import DiseaseRegime
from reporting.establishments import service as establishments
from reporting.establishments.models import Establishment
from reporting.rendering import EXPORTERS, RenderInput, ReportStatus
from reporting.reports.figures import FiguresView, figures_view, report_finalised
from reporting.reports.models import Report
from reporting.reports.schemas import YearChain
from reporting.tenancy.service import settings_of

DRAFT = "draft"
FINALISED = "finalised"
DISEASE_SYSTEMS = {
    DiseaseRegime.GENERAL: vocabulary.DISEASES_GENERAL,
    DiseaseRegime.AGRICULTURAL: vocabulary.DISEASES_AGRICULTURAL,
}


def validated(data: dict[str, Any]) -> ReportInput:
    try:
        return parse_report_input(data)
    except ReportInputError as exc:
        raise RuleViolation(
            "Le bilan contient des données invalides.", code="invalid_report", errors=exc.errors()
        ) from exc


async def check_codes(report: ReportInput, client: ThesaurusClient) -> None:
    """Occupational-disease tables must exist in the thesaurus (régime général or agricole)."""
    for index, line in enumerate(report.indicators.occupational_diseases):
        field = f"body.input.indicators.occupational_diseases.{index}.table"
        await require_code(client, DISEASE_SYSTEMS[line.regime], line.table, field=field)


async def get(session: AsyncSession, *, principal: Principal, report_id: uuid.UUID) -> Report:
    query = select(Report).where(Report.id == report_id)
    if principal.is_company_scoped:
        query = query.where(Report.company_id.in_(principal.company_ids))
    found = await session.scalar(query)
    if found is None:
        raise NotFound("Bilan introuvable.")
    return found


async def reports_of(session: AsyncSession, establishment_id: uuid.UUID) -> Sequence[Report]:
    return (
        await session.scalars(
            select(Report)
            .where(Report.establishment_id == establishment_id)
            .order_by(Report.year, Report.revision)
        )
    ).all()


def verify_chains(reports: Sequence[Report]) -> list[YearChain]:
    """Each year's finalised revisions (of one establishment) checked as one hash chain, the
    revision numbers being the chain's: revision 1 names no previous hash, revision n names
    revision n-1's. A draft (revision not finalised yet) is not in the chain."""
    years: dict[int, list[Report]] = {}
    for report in reports:
        years.setdefault(report.year, [])
        if report.status == FINALISED and report.content is not None:
            years[report.year].append(report)
    chains = []
    for year, finalised in sorted(years.items()):
        links = [
            StoredLink(r.revision, r.previous_hash, bytes(r.content or b""), r.content_hash or "")
            for r in sorted(finalised, key=lambda r: r.revision)
        ]
        chains.append(
            YearChain(
                year=year,
                head=links[-1].stored_hash if links else None,
                chain=verify_chain(links),
            )
        )
    return chains


async def earlier_figures(session: AsyncSession, report: Report) -> list[Any]:
    """``year_figures`` of the last finalised revision of each of the two previous years."""
    rows = await session.scalars(
        select(Report)
        .where(
            Report.establishment_id == report.establishment_id,
            Report.year.in_([report.year - 1, report.year - 2]),
            Report.status == FINALISED,
        )
        .order_by(Report.year, Report.revision.desc())
    )
    latest: dict[int, Report] = {}
    for row in rows:
        latest.setdefault(row.year, row)
    return [year_figures(parse_report_input(r.input)) for r in latest.values()]


async def figures_of(
    session: AsyncSession, report: Report, settings: RateSettings
) -> tuple[ReportInput, ReportFigures]:
    data = parse_report_input(report.input)
    earlier = await earlier_figures(session, report)
    return data, compute_report(data, earlier_reports=earlier, settings=settings)


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    establishment: Establishment,
    data: dict[str, Any],
    client: ThesaurusClient,
) -> Report:
    report = validated(data)
    await check_codes(report, client)
    exists = await session.scalar(
        select(func.count())
        .select_from(Report)
        .where(Report.establishment_id == establishment.id, Report.year == report.year)
    )
    if exists:
        raise Conflict(
            f"Un bilan {report.year} existe déjà pour cet établissement : corrigez-le.",
            code="report_exists",
        )
    stored = report.model_dump(mode="json")
    if not report.means_and_actions.actions:
        rows = await actions_of_year(
            session, company_pseudonym=establishment.company_pseudonym, year=report.year
        )
        stored["means_and_actions"]["actions"] = as_programme_actions(rows)
        stored = validated(stored).model_dump(mode="json")
    row = Report(
        tenant_id=establishment.tenant_id,
        company_id=establishment.company_id,
        establishment_id=establishment.id,
        year=report.year,
        revision=1,
        status=DRAFT,
        lock_version=1,
        input=stored,
        created_by=principal.actor,
    )
    session.add(row)
    await session.flush()
    return row


async def _bump(session: AsyncSession, report: Report, expected: int) -> None:
    if report.status != DRAFT:
        raise Conflict(
            "Ce bilan est finalisé : il ne change plus. Créez une correction (nouvelle révision).",
            code="report_finalised",
        )
    await take_lock(
        session,
        report,
        expected=expected,
        conflict=(
            "Le bilan a été modifié entre-temps : rechargez-le puis refaites votre modification."
        ),
    )


async def replace_input(
    session: AsyncSession,
    *,
    report: Report,
    data: dict[str, Any],
    expected: int,
    client: ThesaurusClient,
) -> Report:
    parsed = validated(data)
    if parsed.year != report.year:
        raise RuleViolation(
            "L'année d'un bilan ne change pas : créez le bilan de l'autre année.",
            code="year_is_fixed",
            errors=[{"field": "body.year", "message": "Année différente du bilan."}],
        )
    await check_codes(parsed, client)
    await _bump(session, report, expected)
    report.input = parsed.model_dump(mode="json")
    await session.flush()
    return report


async def replace_register(
    session: AsyncSession, *, report: Report, accidents: list[dict[str, Any]], expected: int
) -> Report:
    data = dict(report.input)
    data["indicators"] = {**data["indicators"], "accidents": accidents}
    parsed = validated(data)  # dates outside the year are refused here, with their line
    await _bump(session, report, expected)
    report.input = parsed.model_dump(mode="json")
    await session.flush()
    return report


async def finalise(
    session: AsyncSession,
    *,
    principal: Principal,
    report: Report,
    establishment: Establishment,
    expected: int,
    settings: RateSettings,
    outbox: OutboxWriter,
) -> tuple[Report, FiguresView]:
    await _bump(session, report, expected)
    data, figures = await figures_of(session, report, settings)
    view = figures_view(figures)
    previous = await session.scalar(
        select(Report.content_hash).where(
            Report.establishment_id == report.establishment_id,
            Report.year == report.year,
            Report.revision == report.revision - 1,
        )
    )
    now = clock.now_utc().replace(microsecond=0)
    document = {
        "schema_version": 1,
        "establishment": {
            "id": str(establishment.id),
            "name": establishment.name,
            "siret": establishment.siret,
            "naf_code": establishment.naf_code,
        },
        "year": report.year,
        "revision": report.revision,
        "finalised_at": now.isoformat(),
        "finalised_by": principal.actor,
        "input": report.input,
        "figures": view.model_dump(mode="json"),
    }
    link = build_link(report.revision, document, previous)
    report.status = FINALISED
    report.finalised_at = now
    report.finalised_by = principal.actor
    report.content = link.content
    report.content_hash = link.stored_hash
    report.previous_hash = previous
    await session.flush()
    key = (await settings_of(session, report.tenant_id)).pseudonym_key
    payload = report_finalised(
        report=data,
        figures=figures,
        view=view,
        establishment=pseudonym(key, establishment.id),
        revision=report.revision,
        naf_code=establishment.naf_code,
    )
    await outbox.add(session, payload, tenant_id=report.tenant_id)
    return report, view


async def correct(session: AsyncSession, *, principal: Principal, report: Report) -> Report:
    """A new draft revision of a finalised report, starting from its input."""
    if report.status != FINALISED:
        raise Conflict("Seul un bilan finalisé se corrige.", code="report_not_finalised")
    latest = await session.scalar(
        select(func.max(Report.revision)).where(
            Report.establishment_id == report.establishment_id, Report.year == report.year
        )
    )
    if latest != report.revision:
        raise Conflict(
            "Une révision plus récente de ce bilan existe : corrigez celle-là.",
            code="not_latest_revision",
        )
    row = Report(
        tenant_id=report.tenant_id,
        company_id=report.company_id,
        establishment_id=report.establishment_id,
        year=report.year,
        revision=report.revision + 1,
        status=DRAFT,
        lock_version=1,
        input=report.input,
        created_by=principal.actor,
    )
    session.add(row)
    await session.flush()
    return row


async def render_document(
    session: AsyncSession,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    settings: RateSettings,
    fmt: str,
) -> Document:
    """The report rendered as ``fmt`` (one of ``EXPORTERS``), its figures computed afresh."""
    report = await get(session, principal=principal, report_id=report_id)
    establishment = await establishments.get(
        session, principal=principal, establishment_id=report.establishment_id
    )
    data, figures = await figures_of(session, report, settings)
    finalised = report.status == FINALISED
    render_input = RenderInput(
        report=data,
        figures=figures,
        establishment_name=establishment.name,
        siret=establishment.siret,
        naf_code=establishment.naf_code,
        revision=report.revision,
        status=ReportStatus.FINALISED if finalised else ReportStatus.DRAFT,
        finalised_at=report.finalised_at if finalised else None,
        content_hash=report.content_hash if finalised else None,
        tenant_name=report.tenant_id,
    )
    name = f"bilan-{establishment.siret}-{report.year}-r{report.revision}"
    return EXPORTERS.render(fmt, render_input, name=name)
