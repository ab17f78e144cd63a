"""The sector library: suggestions by NAF division, proposals by tenants, publication by the
regional thesaurus editors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.library.models import LibraryEntry
from assessment.library.schemas import ProposalIn, Review
from cosar_common.auth import Permission, Principal
from cosar_common.errors import Conflict, NotFound
from cosar_common.thesaurus_client import ThesaurusClient, require_code
from cosar_common.vocabulary import DANGERS

PUBLISHED = "published"
PROPOSED = "proposed"
REJECTED = "rejected"


def division_of(naf_code: str) -> str:
    return naf_code[:2]


async def suggestions(session: AsyncSession, *, naf_code: str) -> Sequence[LibraryEntry]:
    """Published typical hazards of the company's sector (its NAF division)."""
    query = (
        select(LibraryEntry)
        .where(LibraryEntry.naf_division == division_of(naf_code), LibraryEntry.status == PUBLISHED)
        .order_by(LibraryEntry.hazard_code)
    )
    return (await session.scalars(query)).all()


async def listing(
    session: AsyncSession, *, principal: Principal, division: str | None, status: str | None
) -> Sequence[LibraryEntry]:
    """Published entries for all; proposals to their reviewers, and to the tenant that made them."""
    query = select(LibraryEntry).order_by(LibraryEntry.naf_division, LibraryEntry.hazard_code)
    if division:
        query = query.where(LibraryEntry.naf_division == division)
    if status:
        query = query.where(LibraryEntry.status == status)
    if not principal.may(Permission.LIBRARY_REVIEW):
        query = query.where(
            or_(
                LibraryEntry.status == PUBLISHED,
                LibraryEntry.proposed_by_tenant == principal.tenant_id,
            )
        )
    return (await session.scalars(query)).all()


async def propose(
    session: AsyncSession, *, principal: Principal, data: ProposalIn, client: ThesaurusClient
) -> LibraryEntry:
    hazard = await require_code(client, DANGERS, data.hazard_code, field="body.hazard_code")
    entry = LibraryEntry(
        naf_division=data.naf_division,
        hazard_code=hazard.code,
        hazard_display=hazard.display,
        situations=data.situations,
        damages=data.damages,
        measures=[m.model_dump(mode="json") for m in data.measures],
        status=PROPOSED,
        proposed_by_tenant=principal.tenant_id,
        proposed_by=principal.actor,
    )
    session.add(entry)
    await session.flush()
    return entry


async def review(
    session: AsyncSession, *, principal: Principal, entry_id: uuid.UUID, data: Review
) -> LibraryEntry:
    entry = await session.get(LibraryEntry, entry_id)
    if entry is None:
        raise NotFound("Proposition introuvable.")
    if entry.status != PROPOSED:
        raise Conflict("Cette proposition a déjà été examinée.", code="already_reviewed")
    entry.status = PUBLISHED if data.publish else REJECTED
    entry.reviewed_by = principal.actor
    entry.review_note = data.note
    await session.flush()
    return entry
