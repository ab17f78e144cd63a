"""HTTP API of the open DUERP: one company's work units, risks, pénibilité and action plan.

Every change carries ``If-Match: <lock_version>`` (from the last read) and answers with the
new one in ``ETag``: of two people editing the same DUERP, the second gets 409, not a silent
overwrite. A change route takes a :class:`Change` (the use case's ``Edit`` and the response),
hands ``change.edit`` to its use case and answers through ``change.answer``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Response, status

from assessment.api.dependencies import (
    CompanyDep,
    WriterPrincipal,
)
from assessment.domain.snapshot import ActionSnapshot
from assessment.duerp import service, view
from assessment.duerp.builder import action_snapshot
from assessment.duerp.models import PenibiliteExposure, Risk, WorkUnit
from assessment.duerp.schemas import (
    ActionCreate,
    ActionPlanView,
    ActionUpdate,
    DuerpView,
    PenibiliteIn,
    RatingChange,
    RiskCreate,
    RiskUpdate,
    WorkUnitCreate,
    WorkUnitUpdate,
)
from cosar_common.clock import today
from cosar_common.concurrency import IfMatch, etag
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.thesaurus_client import ThesaurusDep

router = APIRouter(prefix="/companies/{company_id}/duerp", tags=["document unique"])

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """A change to the open DUERP as a route takes it: the use case's ``Edit`` (session,
    company, writer, ``If-Match``) and the response whose ``ETag`` gives the next version."""

    edit: service.Edit
    response: Response

    async def answer(self, body: T) -> T:
        """``body``, with the DUERP's new ``lock_version`` in ``ETag``."""
        duerp = await service.open_duerp(self.edit.session, self.edit.company)
        self.response.headers["ETag"] = etag(duerp.lock_version)
        return body


async def change(
    company: CompanyDep,
    principal: WriterPrincipal,
    session: SessionDep,
    expected: IfMatch,
    response: Response,
) -> Change:
    return Change(service.Edit(session, company, principal, expected), response)


ChangeDep = Annotated[Change, Depends(change)]


def _id(row: WorkUnit | Risk | PenibiliteExposure) -> dict[str, uuid.UUID]:
    return {"id": row.id}


@router.get(
    "",
    response_model=DuerpView,
    summary="Lire le document unique en cours (avec sa version de verrou)",
)
async def read_duerp(
    company: CompanyDep, _: WriterPrincipal, session: SessionDep, client: ThesaurusDep
) -> Response:
    data = await view.read(session, company=company, client=client, today=today())
    # Built and validated once by the view: serialise it as it is, not a second time.
    return Response(
        data.model_dump_json(),
        media_type="application/json",
        headers={"ETag": f'"{data.lock_version}"'},
    )


@router.post(
    "/work-units", status_code=status.HTTP_201_CREATED, summary="Ajouter une unité de travail"
)
async def add_work_unit(
    data: WorkUnitCreate, change: ChangeDep, client: ThesaurusDep
) -> dict[str, uuid.UUID]:
    unit = await service.add_work_unit(change.edit, data=data, client=client)
    return await change.answer(_id(unit))


@router.patch("/work-units/{unit_id}", summary="Modifier une unité de travail")
async def update_work_unit(
    unit_id: uuid.UUID, data: WorkUnitUpdate, change: ChangeDep, client: ThesaurusDep
) -> dict[str, uuid.UUID]:
    unit = await service.update_work_unit(change.edit, unit_id=unit_id, data=data, client=client)
    return await change.answer(_id(unit))


@router.post(
    "/work-units/{unit_id}/copy",
    status_code=status.HTTP_201_CREATED,
    summary="Copier une unité de travail avec ses risques",
)
async def copy_work_unit(
    unit_id: uuid.UUID, change: ChangeDep, name: str | None = None
) -> dict[str, uuid.UUID]:
    unit = await service.copy_work_unit(change.edit, unit_id=unit_id, name=name)
    return await change.answer(_id(unit))


@router.post(
    "/work-units/{unit_id}/archive",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Archiver une unité de travail (jamais supprimée)",
)
async def archive_work_unit(unit_id: uuid.UUID, change: ChangeDep) -> None:
    await service.archive_work_unit(change.edit, unit_id=unit_id)
    await change.answer(None)


@router.post(
    "/work-units/{unit_id}/risks",
    status_code=status.HTTP_201_CREATED,
    summary="Ajouter un risque (danger, situations, mesures, cotation)",
)
async def add_risk(
    unit_id: uuid.UUID, data: RiskCreate, change: ChangeDep, client: ThesaurusDep
) -> dict[str, uuid.UUID]:
    risk = await service.add_risk(change.edit, unit_id=unit_id, data=data, client=client)
    return await change.answer(_id(risk))


@router.patch("/risks/{risk_id}", summary="Modifier ou recoter un risque")
async def update_risk(
    risk_id: uuid.UUID, data: RiskUpdate, change: ChangeDep
) -> dict[str, uuid.UUID]:
    risk = await service.update_risk(change.edit, risk_id=risk_id, data=data)
    return await change.answer(_id(risk))


@router.post(
    "/risks/{risk_id}/archive",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Archiver un risque",
)
async def archive_risk(risk_id: uuid.UUID, change: ChangeDep) -> None:
    await service.archive_risk(change.edit, risk_id=risk_id)
    await change.answer(None)


@router.get("/risks/{risk_id}/history", summary="Historique des cotations d'un risque")
async def risk_history(
    risk_id: uuid.UUID, company: CompanyDep, _: WriterPrincipal, session: SessionDep
) -> list[RatingChange]:
    rows = await service.history(session, company=company, risk_id=risk_id)
    return [RatingChange.model_validate(r) for r in rows]


@router.put(
    "/work-units/{unit_id}/penibilite",
    summary="Évaluer un facteur de pénibilité dans une unité de travail",
)
async def set_penibilite(
    unit_id: uuid.UUID, data: PenibiliteIn, change: ChangeDep, client: ThesaurusDep
) -> dict[str, uuid.UUID]:
    exposure = await service.set_exposure(change.edit, unit_id=unit_id, data=data, client=client)
    return await change.answer(_id(exposure))


@router.post("/actions", status_code=status.HTTP_201_CREATED, summary="Ajouter une action")
async def add_action(data: ActionCreate, change: ChangeDep) -> ActionSnapshot:
    action = await service.add_action(change.edit, data=data, today=today())
    return await change.answer(action_snapshot(action))


@router.patch("/actions/{action_id}", summary="Modifier une action (statut, échéance…)")
async def update_action(
    action_id: uuid.UUID, data: ActionUpdate, change: ChangeDep, outbox: OutboxDep
) -> ActionSnapshot:
    action = await service.update_action(
        change.edit, action_id=action_id, data=data, outbox=outbox, today=today()
    )
    return await change.answer(action_snapshot(action))


@router.get("/action-plan", summary="Plan d'action (PAPRIPACT dès 50 salariés), actions en retard")
async def read_action_plan(
    company: CompanyDep, _: WriterPrincipal, session: SessionDep
) -> ActionPlanView:
    return await view.action_plan(session, company=company, today=today())
