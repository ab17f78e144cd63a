"""Use cases of the fiche d'entreprise (SPSTI staff only): draft, publish, versions."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.fiche import (
    FicheExposure,
    FicheSnapshot,
    RecommendedAction,
    exposures_from_duerp,
    fiche_published,
)
from assessment.domain.snapshot import CodedValue
from assessment.duerp import reading, repository
from assessment.duerp.builder import company_snapshot, work_unit_snapshots
from assessment.duerp.service import open_duerp
from assessment.fiche.models import FicheDraft
from assessment.fiche.schemas import FicheDraftIn, FicheDraftView
from assessment.tenancy.service import rating_method, settings_of
from assessment.versions.models import DocumentVersion
from assessment.versions.service import FICHE, latest, seal
from cosar_common import clock
from cosar_common.auth import Principal
from cosar_common.concurrency import take_lock
from cosar_common.db.rows import get_or_create
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.outbox import OutboxWriter
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from cosar_common.vocabulary import ACTIONS, DANGERS


async def draft_of(session: AsyncSession, company: Company) -> FicheDraft:
    """The company's fiche draft, created empty on first use."""
    return await get_or_create(
        session,
        FicheDraft,
        where={"company_id": company.id},
        defaults=lambda: {
            "id": uuid.uuid4(),
            "tenant_id": company.tenant_id,
            "lock_version": 1,
            "observations": "",
            "recommended_actions": [],
            "exposures": [],
        },
    )


async def _bump(session: AsyncSession, draft: FicheDraft, expected: int) -> None:
    await take_lock(
        session,
        draft,
        expected=expected,
        conflict="La fiche d'entreprise a été modifiée entre-temps : rechargez-la.",
        values={"updated_at": clock.system_now()},
    )


async def _exposures(
    session: AsyncSession, company: Company, draft: FicheDraft, client: ThesaurusClient, year: int
) -> list[FicheExposure]:
    duerp = await open_duerp(session, company)
    method = await rating_method(session, company.tenant_id)
    rows = await repository.load_rows(session, duerp.id, with_actions=False)
    thresholds = await reading.thresholds_in_year(client, rows.exposures, year)
    units = work_unit_snapshots(rows, thresholds, method.key)
    lines = exposures_from_duerp(units, company.headcount)
    lines += [FicheExposure.model_validate({**e, "source": "visite"}) for e in draft.exposures]
    return lines


async def view(
    session: AsyncSession, *, company: Company, client: ThesaurusClient, year: int
) -> FicheDraftView:
    draft = await draft_of(session, company)
    last = await latest(session, company.id, FICHE)
    return FicheDraftView(
        lock_version=draft.lock_version,
        observations=draft.observations,
        recommended_actions=[
            RecommendedAction.model_validate(a) for a in draft.recommended_actions
        ],
        exposures=await _exposures(session, company, draft, client, year),
        last_version=last.number if last else None,
    )


async def save(
    session: AsyncSession,
    *,
    company: Company,
    data: FicheDraftIn,
    expected: int,
    client: ThesaurusClient,
) -> FicheDraft:
    actions = []
    for index, item in enumerate(data.recommended_actions):
        concept = await require_code(
            client, ACTIONS, item.code, field=f"body.recommended_actions.{index}.code"
        )
        coded = CodedValue(system=ACTIONS, code=concept.code, display=concept.display)
        actions.append(RecommendedAction(action=coded, comment=item.comment))
    exposures = []
    for index, exposure in enumerate(data.exposures):
        concept = await require_code(
            client, DANGERS, exposure.hazard_code, field=f"body.exposures.{index}.hazard_code"
        )
        exposures.append(
            {
                "exposure": {"system": DANGERS, "code": concept.code, "display": concept.display},
                "exposed_headcount": exposure.exposed_headcount,
            }
        )
    draft = await draft_of(session, company)
    await _bump(session, draft, expected)
    draft.observations = data.observations
    draft.recommended_actions = [a.model_dump(mode="json") for a in actions]
    draft.exposures = exposures
    await session.flush()
    return draft


async def publish(
    session: AsyncSession,
    *,
    company: Company,
    expected: int,
    principal: Principal,
    client: ThesaurusClient,
    outbox: OutboxWriter,
) -> DocumentVersion:
    draft = await draft_of(session, company)
    await _bump(session, draft, expected)
    previous = await latest(session, company.id, FICHE)
    now = clock.now_utc().replace(microsecond=0)
    year = clock.date_of(now).year
    fiche = FicheSnapshot(
        tenant_id=company.tenant_id,
        company=company_snapshot(company, await reading.naf_display(client, company)),
        number=previous.number + 1 if previous else 1,
        published_at=now,
        published_by=principal.actor,
        year=year,
        exposures=await _exposures(session, company, draft, client, year),
        observations=draft.observations,
        recommended_actions=[
            RecommendedAction.model_validate(a) for a in draft.recommended_actions
        ],
        previous_hash=previous.content_hash if previous else None,
    )
    version = await seal(
        session,
        company=company,
        kind=FICHE,
        document=fiche,
        number=fiche.number,
        previous_hash=fiche.previous_hash,
        published_at=now,
        published_by=fiche.published_by,
        published_by_name=principal.display_name,
    )
    settings = await settings_of(session, company.tenant_id)
    payload = fiche_published(
        fiche, company_pseudonym=pseudonym(settings.pseudonym_key, company.id)
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
    return version
