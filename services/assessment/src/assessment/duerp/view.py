"""The open DUERP as its writers read it, and the action plan view."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.action_plan import action_plan_title, is_papripact
from assessment.domain.republication import unchanged_since
from assessment.domain.snapshot import ActionStatus
from assessment.duerp import reading, repository
from assessment.duerp.builder import action_snapshot, build_snapshot
from assessment.duerp.schemas import ActionPlanView, CodeWarning, DuerpView
from assessment.duerp.service import open_duerp
from assessment.reference.service import open_flags
from assessment.tenancy.service import rating_method
from assessment.versions.service import latest
from cosar_common import clock
from cosar_common.duerp_update import is_up_to_date
from cosar_common.thesaurus_client import ThesaurusClient


def _warning(entity: str, code: str, replaced_by: list[str]) -> str:
    where = {"risk": "le danger", "work_unit": "le métier", "company": "le code NAF"}[entity]
    replacement = ", ".join(replaced_by) if replaced_by else "aucun code de remplacement"
    return (
        f"Le code « {code} » utilisé pour {where} est obsolète : "
        f"remplacement suggéré {replacement}."
    )


async def read(
    session: AsyncSession, *, company: Company, client: ThesaurusClient, today: date
) -> DuerpView:
    duerp = await open_duerp(session, company)
    last = await latest(session, company.id)
    rows = await repository.load_rows(session, duerp.id)
    method = await rating_method(session, company.tenant_id)
    snapshot = build_snapshot(
        rows,
        await reading.thesaurus_facts(client, company=company, rows=rows, year=today.year),
        company=company,
        method=method,
        year=today.year,
        number=(last.number + 1) if last else 1,
        published_at=clock.now_utc(),
        published_by="",
        previous_hash=last.content_hash if last else None,
    )
    flags = await open_flags(session, company.id)
    return DuerpView(
        company=snapshot.company,
        lock_version=duerp.lock_version,
        updated_at=duerp.updated_at,
        method=method.view(),
        work_units=snapshot.work_units,
        actions=snapshot.actions,
        penibilite_annex=snapshot.penibilite_annex,
        warnings=[
            CodeWarning(
                entity=f.entity,
                entity_id=f.entity_id,
                code_system=f.code_system,
                code=f.code,
                replaced_by=list(f.replaced_by),
                thesaurus_version=f.thesaurus_version,
                message=_warning(f.entity, f.code, list(f.replaced_by)),
            )
            for f in flags
        ],
        last_version=last.number if last else None,
        last_published_at=last.published_at if last else None,
        to_update=not is_up_to_date(clock.date_of(last.published_at) if last else None, today),
        unchanged_since_last_version=unchanged_since(
            bytes(last.content) if last else None, snapshot
        ),
    )


async def action_plan(session: AsyncSession, *, company: Company, today: date) -> ActionPlanView:
    """PAPRIPACT from 50 employees (L4121-3-1), else the list of prevention actions."""
    duerp = await open_duerp(session, company)
    actions = [action_snapshot(a) for a in await repository.actions(session, duerp.id)]
    open_states = {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}
    overdue = [
        a
        for a in actions
        if a.status in open_states and a.deadline is not None and a.deadline < today
    ]
    return ActionPlanView(
        kind="papripact" if is_papripact(company.headcount) else "list",
        title=action_plan_title(company.headcount),
        actions=sorted(actions, key=lambda a: (a.deadline or date.max, a.title)),
        overdue=overdue,
        total_cost_eur=sum((a.cost_eur or Decimal(0) for a in actions), Decimal(0)),
    )
