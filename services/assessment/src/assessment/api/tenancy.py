"""HTTP API of a tenant's assessment settings: its rating method."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from assessment.api.dependencies import WriterPrincipal
from assessment.domain.rating import METHODS
from assessment.domain.snapshot import MethodBand, RatingMethodView
from assessment.tenancy import service
from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import SessionDep

router = APIRouter(prefix="/settings", tags=["paramètres du service"])

AdminPrincipal = Annotated[Principal, Depends(require(Permission.RATING_METHOD_CHOOSE))]


class RatingMethodChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: str = Field(examples=["gravite-probabilite-maitrise", "oira-fr", "kinney"])
    bands: list[MethodBand] | None = Field(
        default=None, description="Seuils de priorité propres au service (sinon ceux de la méthode)"
    )


@router.get("/rating-methods", summary="Méthodes de cotation disponibles")
async def available_methods(_: WriterPrincipal) -> list[RatingMethodView]:
    return [method.view() for method in METHODS.values()]


@router.get("/rating-method", summary="Méthode de cotation du service")
async def current_method(principal: WriterPrincipal, session: SessionDep) -> RatingMethodView:
    assert principal.tenant_id is not None
    return (await service.rating_method(session, principal.tenant_id)).view()


@router.put("/rating-method", summary="Choisir la méthode de cotation du service")
async def choose_method(
    data: RatingMethodChoice, principal: AdminPrincipal, session: SessionDep
) -> RatingMethodView:
    assert principal.tenant_id is not None
    method = await service.set_rating_method(
        session,
        tenant_id=principal.tenant_id,
        key=data.method,
        bands=data.bands,
        actor=principal.actor,
    )
    return method.view()
