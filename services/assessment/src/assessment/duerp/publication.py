"""Publishing the open DUERP as the next numbered version.

The open DUERP is frozen into a snapshot, sealed by ``versions.service.seal`` (canonical JSON,
SHA-256, chained to the previous version) and, in the same transaction, its anonymised
aggregates go to the outbox.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.aggregates import duerp_published
from assessment.domain.republication import unchanged_since
from assessment.duerp import reading, repository
from assessment.duerp.builder import build_snapshot
from assessment.duerp.service import open_duerp
from assessment.tenancy.service import method_of, settings_of
from assessment.versions.models import DocumentVersion
from assessment.versions.service import DUERP, latest, seal
from cosar_common import clock
from cosar_common.auth import Principal
from cosar_common.errors import Conflict
from cosar_common.events.aggregates import pseudonym
from cosar_common.events.outbox import OutboxWriter
from cosar_common.thesaurus_client import ThesaurusClient


async def publish(
    session: AsyncSession,
    *,
    company: Company,
    expected: int,
    year: int | None,
    confirm_unchanged: bool = False,
    principal: Principal,
    client: ThesaurusClient,
    outbox: OutboxWriter,
) -> DocumentVersion:
    """Publish the open DUERP as the next numbered version and emit its aggregates.

    A DUERP whose content is the last version's (``domain.republication``) is published again
    only when ``confirm_unchanged`` says the employer reviewed it and found nothing to change.
    """
    duerp = await open_duerp(session, company)
    await repository.bump(session, duerp, expected=expected, actor=principal.actor)
    settings = await settings_of(session, company.tenant_id)
    previous = await latest(session, company.id)
    now = clock.now_utc().replace(microsecond=0)
    number = previous.number + 1 if previous else 1
    assessed_year = year or clock.date_of(now).year
    rows = await repository.load_rows(session, duerp.id)
    snapshot = build_snapshot(
        rows,
        await reading.thesaurus_facts(client, company=company, rows=rows, year=assessed_year),
        company=company,
        method=method_of(settings),
        year=assessed_year,
        number=number,
        published_at=now,
        published_by=principal.actor,
        previous_hash=previous.content_hash if previous else None,
    )
    stale = [
        risk.hazard.display
        for unit in snapshot.work_units
        for risk in unit.risks
        if risk.rating.method != snapshot.method.key
    ]
    if stale:
        raise Conflict(
            "Des risques ont été cotés avec une autre méthode que celle du service "
            f"({snapshot.method.label}) : recotez-les avant de publier ({', '.join(stale)}).",
            code="rating_method_mismatch",
        )
    if not snapshot.work_units:
        raise Conflict(
            "Le document unique ne contient encore aucune unité de travail : rien à publier.",
            code="empty_duerp",
        )
    if not confirm_unchanged and unchanged_since(
        bytes(previous.content) if previous else None, snapshot
    ):
        raise Conflict(
            f"Rien n'a changé depuis la version {number - 1} : le document unique serait publié "
            "à l'identique. Si vous l'avez revu et qu'il reste à jour (revue annuelle sans "
            "changement), confirmez la publication d'une version identique.",
            code="unchanged",
        )
    version = await seal(
        session,
        company=company,
        kind=DUERP,
        document=snapshot,
        number=number,
        previous_hash=snapshot.previous_hash,
        published_at=now,
        published_by=principal.actor,
        published_by_name=principal.display_name,
    )
    families = {row.hazard_code: row.hazard_family for row in rows.risks}
    payload = duerp_published(
        snapshot,
        company_pseudonym=pseudonym(settings.pseudonym_key, company.id),
        family_of=lambda code: families.get(code),
    )
    await outbox.add(session, payload, tenant_id=company.tenant_id)
    return version
